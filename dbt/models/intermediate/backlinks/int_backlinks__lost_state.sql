-- One row per link per tool: what that tool's snapshots say about the link.
-- A tool considers a link lost when
--   * its most recent observation of the link carries the vendor's lost flag
--     (lost_at = the vendor's lost date, else that snapshot's date), or
--   * a later snapshot of the same tool for the same site no longer has it
--     (lost_at = the date of the first such snapshot).
-- Whether another tool's later report overrules the loss is decided per link in
-- int_backlinks__link_state.
with

observations as (
    select * from {{ ref('int_backlinks__observations') }}
),

-- every snapshot a tool took of a site, and the one that followed it
snapshots as (
    select
        site_domain,
        source_tool,
        snapshot_date,
        lead(snapshot_date) over (
            partition by site_domain, source_tool
            order by snapshot_date
        ) as next_snapshot_date
    from (
        select distinct site_domain, source_tool, snapshot_date
        from observations
    ) as distinct_snapshots
),

per_tool as (
    select
        -- ids
        link_id,
        site_domain,
        source_url,
        target_url,
        source_tool,
        -- numerics
        count(*) as snapshot_count,
        -- timestamps
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date,
        max(case when not vendor_is_lost then snapshot_date end) as last_live_snapshot_date,
        min(vendor_first_seen) as vendor_first_seen
    from observations
    group by link_id, site_domain, source_url, target_url, source_tool
),

latest_observation as (
    select
        observations.link_id,
        observations.source_tool,
        observations.vendor_is_lost,
        observations.vendor_lost_at
    from observations
    inner join per_tool
        on observations.link_id = per_tool.link_id
        and observations.source_tool = per_tool.source_tool
        and observations.snapshot_date = per_tool.last_snapshot_date
),

final as (
    select
        -- ids
        per_tool.link_id,
        per_tool.site_domain,
        per_tool.source_url,
        per_tool.target_url,
        per_tool.source_tool,
        -- attributes
        case
            when latest_observation.vendor_is_lost then 'vendor_flag'
            when snapshots.next_snapshot_date is not null then 'absent_from_later_snapshot'
        end as lost_reason,
        coalesce(latest_observation.vendor_is_lost, false)
            or snapshots.next_snapshot_date is not null as is_lost,
        -- numerics
        per_tool.snapshot_count,
        -- timestamps
        per_tool.first_snapshot_date,
        per_tool.last_snapshot_date,
        per_tool.last_live_snapshot_date,
        per_tool.vendor_first_seen,
        snapshots.next_snapshot_date,
        case
            when latest_observation.vendor_is_lost
                then coalesce(latest_observation.vendor_lost_at, per_tool.last_snapshot_date)
            else snapshots.next_snapshot_date
        end as lost_at
    from per_tool
    inner join latest_observation
        on per_tool.link_id = latest_observation.link_id
        and per_tool.source_tool = latest_observation.source_tool
    inner join snapshots
        on per_tool.site_domain = snapshots.site_domain
        and per_tool.source_tool = snapshots.source_tool
        and per_tool.last_snapshot_date = snapshots.snapshot_date
)

select * from final
