-- One row per link per tool: what that tool's snapshots say about the link.
-- A tool considers a link lost when
--   * its most recent observation of the link carries the vendor's lost flag
--     (lost_at = the vendor's lost date, else that snapshot's date), or
--   * a later snapshot of the same tool AND export type for the same site no longer has it,
--     and the tool reported it in no export on or after that snapshot (lost_at = the date of
--     the first such snapshot).
-- Absence only counts from snapshots that are "complete enough": at least
-- lost_min_snapshot_ratio times the links of the last snapshot that had the link, so a vendor's
-- smaller or capped export is not a wave of losses. Exports that are samples by design (Google
-- Search Console's links tables: 1,000 rows, a sample) never make a link lost by absence.
-- Whether another tool's later report overrules the loss is decided per link in
-- int_backlinks__link_state.
with

observations as (
    select * from {{ ref('int_backlinks__observations') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

-- every snapshot of a (site, tool, export type) series that can prove absence, with its size
series_snapshots as (
    select
        site_domain,
        source_tool,
        coalesce(export_type, '') as export_type,
        snapshot_date,
        count(distinct link_id) as snapshot_links
    from observations
    where source_tool not in ({{ "'" ~ sample_only_tools() | join("', '") ~ "'" }})
    group by site_domain, source_tool, coalesce(export_type, ''), snapshot_date
),

-- the last snapshot of each series that had the link
link_series as (
    select
        observations.link_id,
        observations.site_domain,
        observations.source_tool,
        coalesce(observations.export_type, '') as export_type,
        max(observations.snapshot_date) as last_series_snapshot_date
    from observations
    group by observations.link_id, observations.site_domain, observations.source_tool, coalesce(observations.export_type, '')
),

-- the first later, complete-enough snapshot of the same series: the link is absent from it
series_absence as (
    select
        link_series.link_id,
        link_series.source_tool,
        min(later.snapshot_date) as absent_at
    from link_series
    inner join series_snapshots as last_with_link
        on link_series.site_domain = last_with_link.site_domain
        and link_series.source_tool = last_with_link.source_tool
        and link_series.export_type = last_with_link.export_type
        and link_series.last_series_snapshot_date = last_with_link.snapshot_date
    inner join series_snapshots as later
        on link_series.site_domain = later.site_domain
        and link_series.source_tool = later.source_tool
        and link_series.export_type = later.export_type
        and later.snapshot_date > link_series.last_series_snapshot_date
    cross join thresholds
    where later.snapshot_links >= thresholds.lost_min_snapshot_ratio * last_with_link.snapshot_links
    group by link_series.link_id, link_series.source_tool, link_series.export_type
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

-- an absence stands only when the tool did not report the link again in any of its exports
tool_absence as (
    select
        per_tool.link_id,
        per_tool.source_tool,
        min(series_absence.absent_at) as absent_at
    from per_tool
    inner join series_absence
        on per_tool.link_id = series_absence.link_id
        and per_tool.source_tool = series_absence.source_tool
    where series_absence.absent_at > per_tool.last_snapshot_date
    group by per_tool.link_id, per_tool.source_tool
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
            when tool_absence.absent_at is not null then 'absent_from_later_snapshot'
        end as lost_reason,
        coalesce(latest_observation.vendor_is_lost, false)
            or tool_absence.absent_at is not null as is_lost,
        -- numerics
        per_tool.snapshot_count,
        -- timestamps
        per_tool.first_snapshot_date,
        per_tool.last_snapshot_date,
        per_tool.last_live_snapshot_date,
        per_tool.vendor_first_seen,
        tool_absence.absent_at,
        case
            when latest_observation.vendor_is_lost
                then coalesce(latest_observation.vendor_lost_at, per_tool.last_snapshot_date)
            else tool_absence.absent_at
        end as lost_at
    from per_tool
    inner join latest_observation
        on per_tool.link_id = latest_observation.link_id
        and per_tool.source_tool = latest_observation.source_tool
    left join tool_absence
        on per_tool.link_id = tool_absence.link_id
        and per_tool.source_tool = tool_absence.source_tool
)

select * from final
