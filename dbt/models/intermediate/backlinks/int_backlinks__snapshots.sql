-- One row per (site, tool, export type, snapshot date): one export's size, counted as the distinct
-- links it reports (int_backlinks__snapshot_observations rows). The small table that everything
-- asking "which snapshots exist, and how complete are they" reads instead of the observations:
-- lost by absence (a complete-enough later snapshot of the series), each tool's first snapshot of
-- a site, every site's snapshot dates (profile diversity, velocity spines).
-- Incremental by snapshot date, like int_backlinks__snapshot_observations (same window).
{{ incremental_by('window') }}

with

snapshot_observations as (
    select * from {{ changed_rows(ref('int_backlinks__snapshot_observations'), 'window') }}
),

final as (
    select
        -- ids
        site_domain,
        source_tool,
        coalesce(export_type, '') as export_type,
        snapshot_date,
        -- attributes
        source_tool in ({{ "'" ~ sample_only_tools() | join("', '") ~ "'" }})
        or coalesce(export_type, '') in ({{ "'" ~ partial_export_types() | join("', '") ~ "'" }}) as is_sample,
        -- numerics
        cast(count(*) as integer) as snapshot_links
    from snapshot_observations
    group by site_domain, source_tool, coalesce(export_type, ''), snapshot_date
)

select * from final
