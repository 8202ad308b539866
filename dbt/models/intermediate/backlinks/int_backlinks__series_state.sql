-- Formula: docs/analytics.md#lost-links
-- One row per link per series that can prove absence: a (site, tool, export type) whose exports
-- are complete listings (not a sample by design: macro sample_only_tools). It holds the last
-- snapshot of the series that had the link and the first later, complete-enough snapshot of the
-- same series, which no longer has it (absent_at): at least lost_min_snapshot_ratio times the
-- links of that last snapshot, so a vendor's smaller or capped export is not a wave of losses.
-- Whether that absence makes the tool consider the link lost is int_backlinks__lost_state's
-- call; int_backlinks__changed_sources reads this table to find the links a new snapshot of
-- their series can prove absent. Incremental by source page, like the other link models.
{{ incremental_by('sources') }}

with

observations as (
    select * from {{ changed_rows(ref('int_backlinks__observations')) }}
    where
        source_tool not in ({{ "'" ~ sample_only_tools() | join("', '") ~ "'" }})
        and coalesce(export_type, '') not in ({{ "'" ~ partial_export_types() | join("', '") ~ "'" }})
),

series_snapshots as (
    select * from {{ ref('int_backlinks__snapshots') }}
    where not is_sample
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

-- the last snapshot of each series that had the link; link_id is a hash of (site, source URL,
-- target URL), so grouping by it leaves the site and source key out of the hashed key
link_series as (
    select
        link_id,
        min(site_domain) as site_domain,
        min(source_url_key) as source_url_key,
        source_domain,
        source_tool,
        coalesce(export_type, '') as export_type,
        max(snapshot_date) as last_series_snapshot_date
    from observations
    group by link_id, source_domain, source_tool, coalesce(export_type, '')
),

-- every snapshot of a series with the first later, complete-enough snapshot of the same series
-- (absent_at): a link whose last snapshot of the series this is is absent from that one. Per
-- snapshot rather than per link: a handful of rows instead of one join and group per link.
series_absences as (
    select
        series.site_domain,
        series.source_tool,
        series.export_type,
        series.snapshot_date,
        series.snapshot_links,
        min(later.snapshot_date) as absent_at
    from series_snapshots as series
    cross join thresholds
    left join series_snapshots as later
        on
            series.site_domain = later.site_domain
            and series.source_tool = later.source_tool
            and series.export_type = later.export_type
            and series.snapshot_date < later.snapshot_date
            and later.snapshot_links >= thresholds.lost_min_snapshot_ratio * series.snapshot_links
    group by series.site_domain, series.source_tool, series.export_type, series.snapshot_date, series.snapshot_links
),

final as (
    select
        -- ids
        link_series.link_id,
        link_series.site_domain,
        link_series.source_url_key,
        link_series.source_domain,
        link_series.source_tool,
        link_series.export_type,
        -- numerics
        series_absences.snapshot_links as last_snapshot_links,
        -- timestamps
        link_series.last_series_snapshot_date,
        series_absences.absent_at
    from link_series
    inner join series_absences
        on
            link_series.site_domain = series_absences.site_domain
            and link_series.source_tool = series_absences.source_tool
            and link_series.export_type = series_absences.export_type
            and link_series.last_series_snapshot_date = series_absences.snapshot_date
)

select *{{ partition_key('sources') }} from final
