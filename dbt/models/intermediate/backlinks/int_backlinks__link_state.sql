-- Formula: docs/analytics.md#lost-links
-- One row per link: when it was first and last seen, which tools reported it, and whether it
-- is lost. A tool's loss stands unless another tool reported the link live on or after the
-- lost date (vendor indexes refresh at different times; a same-day live report wins, because
-- false "lost" flags are the common vendor error). The link is lost when at least one loss
-- stands, at the earliest standing loss date. Incremental by source page.
{%- set known_tools = backlink_tools() | sort %}
{{ incremental_by('sources') }}
with

-- read three times; inlined so each reads only the rows and columns it needs
tool_states as {{ inlined_cte() }} (
    select * from {{ changed_rows(ref('int_backlinks__lost_state')) }}
),

losses as (
    select
        link_id,
        source_tool,
        lost_reason,
        lost_at
    from tool_states
    where is_lost
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
    from losses
    where not exists (
        select 1
        from tool_states as others
        -- (only links with a loss: the check then hashes a few rows, not every link)
        where
            others.link_id in (select losses.link_id from losses)
            and others.link_id = losses.link_id
            and others.source_tool <> losses.source_tool
            and others.last_live_snapshot_date >= losses.lost_at
    )
),

-- the sorted tool list of links some other tool reported: a string aggregate, which costs
-- seconds per million links, so only where the known tools' flags cannot spell it
other_tool_sources as (
    select
        link_id,
        {{ string_agg_distinct_sorted('source_tool') }} as sources
    from tool_states
    where
        link_id in (
            select unknown_tools.link_id
            from tool_states as unknown_tools
            where unknown_tools.source_tool not in ('{{ known_tools | join("', '") }}')
        )
    group by link_id
),

first_standing_loss as (
    select * from standing_losses
    where loss_rank = 1
),

-- how many tools reported each link
link_tools as (
    select
        link_id,
        count(*) as tool_rows
    from tool_states
    group by link_id
),

-- a link one tool reported (most links) is that tool's row
single_tool_links as (
    select
        link_id,
        site_domain,
        source_url_key,
        source_url,
        target_url,
        source_tool as sources,
        1 as tools_count,
        snapshot_count,
        first_snapshot_date,
        vendor_first_seen,
        last_live_snapshot_date as last_seen
    from tool_states
    where link_id in (
        select link_tools.link_id from link_tools
        where link_tools.tool_rows = 1
    )
),

-- link_id is a hash of (site, source URL, target URL): grouping by it alone is the same
-- grouping, with one key to hash instead of five long texts
multi_tool_per_link as (
    select
        -- ids
        link_id,
        min(site_domain) as site_domain,
        min(source_url_key) as source_url_key,
        min(source_url) as source_url,
        min(target_url) as target_url,
        -- which of the known tools reported the link (sources below)
        {%- for tool in known_tools %}
            max(case when source_tool = '{{ tool }}' then 1 else 0 end) as from_{{ tool }},
        {%- endfor %}
        -- numerics
        count(*) as tools_count,
        sum(snapshot_count) as snapshot_count,
        -- timestamps
        min(first_snapshot_date) as first_snapshot_date,
        min(vendor_first_seen) as vendor_first_seen,
        max(last_live_snapshot_date) as last_seen
    from tool_states
    where
        link_id in (
            select link_tools.link_id from link_tools
            where link_tools.tool_rows > 1
        )
    group by link_id
),

multi_tool_links as (
    select
        multi_tool_per_link.link_id,
        multi_tool_per_link.site_domain,
        multi_tool_per_link.source_url_key,
        multi_tool_per_link.source_url,
        multi_tool_per_link.target_url,
        coalesce(
            other_tool_sources.sources,
            -- the known tools in alphabetical order, comma-separated
            substring(
                {%- for tool in known_tools %}
                    case when multi_tool_per_link.from_{{ tool }} = 1 then ',{{ tool }}' else '' end{% if not loop.last %} ||{% endif %}
                {%- endfor %},
                2
            )
        ) as sources,
        multi_tool_per_link.tools_count,
        multi_tool_per_link.snapshot_count,
        multi_tool_per_link.first_snapshot_date,
        multi_tool_per_link.vendor_first_seen,
        multi_tool_per_link.last_seen
    from multi_tool_per_link
    left join other_tool_sources
        on multi_tool_per_link.link_id = other_tool_sources.link_id
),

per_link as (
    select * from single_tool_links
    union all
    select * from multi_tool_links
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

select *{{ partition_key('sources') }} from final
