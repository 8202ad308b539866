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
    where source_tool not in ({{ "'" ~ sample_only_tools() | join("', '") ~ "'" }})
),

series_snapshots as (
    select * from {{ ref('int_backlinks__snapshots') }}
    where not is_sample
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

-- the last snapshot of each series that had the link
link_series as (
    select
        link_id,
        site_domain,
        source_url_key,
        source_domain,
        source_tool,
        coalesce(export_type, '') as export_type,
        max(snapshot_date) as last_series_snapshot_date
    from observations
    group by link_id, site_domain, source_url_key, source_domain, source_tool, coalesce(export_type, '')
),

with_size as (
    select
        link_series.*,
        last_with_link.snapshot_links as last_snapshot_links
    from link_series
    inner join series_snapshots as last_with_link
        on link_series.site_domain = last_with_link.site_domain
        and link_series.source_tool = last_with_link.source_tool
        and link_series.export_type = last_with_link.export_type
        and link_series.last_series_snapshot_date = last_with_link.snapshot_date
),

-- the first later, complete-enough snapshot of the same series: the link is absent from it
absences as (
    select
        with_size.link_id,
        with_size.source_tool,
        with_size.export_type,
        min(later.snapshot_date) as absent_at
    from with_size
    inner join series_snapshots as later
        on with_size.site_domain = later.site_domain
        and with_size.source_tool = later.source_tool
        and with_size.export_type = later.export_type
        and later.snapshot_date > with_size.last_series_snapshot_date
    cross join thresholds
    where later.snapshot_links >= thresholds.lost_min_snapshot_ratio * with_size.last_snapshot_links
    group by with_size.link_id, with_size.source_tool, with_size.export_type
),

final as (
    select
        -- ids
        with_size.link_id,
        with_size.site_domain,
        with_size.source_url_key,
        with_size.source_domain,
        with_size.source_tool,
        with_size.export_type,
        -- numerics
        with_size.last_snapshot_links,
        -- timestamps
        with_size.last_series_snapshot_date,
        absences.absent_at
    from with_size
    left join absences
        on with_size.link_id = absences.link_id
        and with_size.source_tool = absences.source_tool
        and with_size.export_type = absences.export_type
)

select * from final
