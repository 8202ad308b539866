-- One row per link: when it was first and last seen, which tools reported it, and whether it
-- is lost. A tool's loss stands unless another tool reported the link live on or after the
-- lost date (vendor indexes refresh at different times; a same-day live report wins, because
-- false "lost" flags are the common vendor error). The link is lost when at least one loss
-- stands, at the earliest standing loss date. Incremental by source page.
{{ incremental_by('sources') }}
with

tool_states as (
    select * from {{ changed_rows(ref('int_backlinks__lost_state')) }}
),

standing_losses as (
    select
        losses.link_id,
        losses.source_tool,
        losses.lost_reason,
        losses.lost_at,
        row_number() over (
            partition by losses.link_id
            order by losses.lost_at, losses.source_tool
        ) as loss_rank
    from tool_states as losses
    where losses.is_lost
        and not exists (
            select 1
            from tool_states as others
            where others.link_id = losses.link_id
                and others.source_tool <> losses.source_tool
                and others.last_live_snapshot_date >= losses.lost_at
        )
),

first_standing_loss as (
    select * from standing_losses where loss_rank = 1
),

-- link_id is a hash of (site, source URL, target URL): grouping by it alone is the same
-- grouping, with one key to hash instead of five long texts
per_link as (
    select
        -- ids
        link_id,
        min(site_domain) as site_domain,
        min(source_url_key) as source_url_key,
        min(source_url) as source_url,
        min(target_url) as target_url,
        -- attributes
        {{ string_agg_distinct_sorted('source_tool') }} as sources,
        -- numerics
        count(*) as tools_count,
        sum(snapshot_count) as snapshot_count,
        -- timestamps
        min(first_snapshot_date) as first_snapshot_date,
        min(vendor_first_seen) as vendor_first_seen,
        max(last_live_snapshot_date) as last_seen
    from tool_states
    group by link_id
),

final as (
    select
        -- ids
        per_link.link_id,
        per_link.site_domain,
        per_link.source_url_key,
        per_link.source_url,
        per_link.target_url,
        -- attributes
        per_link.sources,
        first_standing_loss.link_id is not null as is_lost,
        first_standing_loss.lost_reason,
        first_standing_loss.source_tool as lost_by,
        -- numerics
        per_link.tools_count,
        per_link.snapshot_count,
        -- timestamps
        -- the vendor's own first-seen date when it is earlier than our first snapshot
        case
            when per_link.vendor_first_seen < per_link.first_snapshot_date then per_link.vendor_first_seen
            else per_link.first_snapshot_date
        end as first_seen,
        per_link.last_seen,
        first_standing_loss.lost_at
    from per_link
    left join first_standing_loss
        on per_link.link_id = first_standing_loss.link_id
)

select * from final
