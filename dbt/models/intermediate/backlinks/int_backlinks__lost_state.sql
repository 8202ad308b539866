-- Formula: docs/analytics.md#lost-links
-- One row per link per tool: what that tool's snapshots say about the link.
-- A tool considers a link lost when
--   * its most recent observation of the link carries the vendor's lost flag
--     (lost_at = the vendor's lost date, else that snapshot's date), or
--   * a later, complete-enough snapshot of the same tool AND export type for the same site no
--     longer has it (int_backlinks__series_state), and the tool reported it in no export on or
--     after that snapshot (lost_at = the date of the first such snapshot).
-- Exports that are samples by design (Google Search Console's links tables: 1,000 rows, a
-- sample) never make a link lost by absence. Whether another tool's later report overrules the
-- loss is decided per link in int_backlinks__link_state. Incremental by source page.
{{ incremental_by('sources') }}
with

-- read twice; inlined so each reads only the columns it needs
observations as {{ inlined_cte() }} (
    select * from {{ changed_rows(ref('int_backlinks__observations')) }}
),

series_state as (
    select * from {{ changed_rows(ref('int_backlinks__series_state')) }}
),

-- link_id is a hash of (site, source URL, target URL): grouping by it is the same grouping,
-- with one key to hash instead of four long texts
per_tool as (
    select
        -- ids
        link_id,
        min(site_domain) as site_domain,
        min(source_url_key) as source_url_key,
        min(source_url) as source_url,
        min(target_url) as target_url,
        source_tool,
        -- numerics
        count(*) as snapshot_count,
        -- timestamps
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date,
        max(case when not vendor_is_lost then snapshot_date end) as last_live_snapshot_date,
        min(vendor_first_seen) as vendor_first_seen,
        -- the latest observation's flags when it is the only one (most links: no join below)
        {{ any_true('vendor_is_lost') }} as only_vendor_is_lost,
        max(vendor_lost_at) as only_vendor_lost_at
    from observations
    group by link_id, source_tool
),

-- an absence stands only when the tool did not report the link again in any of its exports
tool_absence as (
    select
        per_tool.link_id,
        per_tool.source_tool,
        min(series_state.absent_at) as absent_at
    from per_tool
    inner join series_state
        on
            per_tool.link_id = series_state.link_id
            and per_tool.source_tool = series_state.source_tool
    where series_state.absent_at > per_tool.last_snapshot_date
    group by per_tool.link_id, per_tool.source_tool
),

-- the latest observation of every (link, tool): its only one, else the one of the last snapshot
latest_of_several as (
    select
        observations.link_id,
        observations.source_tool,
        observations.vendor_is_lost,
        observations.vendor_lost_at
    from observations
    inner join per_tool
        on
            observations.link_id = per_tool.link_id
            and observations.source_tool = per_tool.source_tool
            and observations.snapshot_date = per_tool.last_snapshot_date
    where per_tool.snapshot_count > 1
),

latest_observation as (
    select
        per_tool.link_id,
        per_tool.source_tool,
        case
            when per_tool.snapshot_count = 1 then per_tool.only_vendor_is_lost
            else latest_of_several.vendor_is_lost
        end as vendor_is_lost,
        case
            when per_tool.snapshot_count = 1 then per_tool.only_vendor_lost_at
            else latest_of_several.vendor_lost_at
        end as vendor_lost_at
    from per_tool
    left join latest_of_several
        on
            per_tool.link_id = latest_of_several.link_id
            and per_tool.source_tool = latest_of_several.source_tool
),

final as (
    select
        -- ids
        per_tool.link_id,
        per_tool.site_domain,
        per_tool.source_url_key,
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
        on
            per_tool.link_id = latest_observation.link_id
            and per_tool.source_tool = latest_observation.source_tool
    left join tool_absence
        on
            per_tool.link_id = tool_absence.link_id
            and per_tool.source_tool = tool_absence.source_tool
)

select *{{ partition_key('sources') }} from final
