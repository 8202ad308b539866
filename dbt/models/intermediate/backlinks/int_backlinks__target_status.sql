-- Formula: docs/analytics.md#reclamation-targets
-- One row per (site, target URL key) that some tool reported an HTTP status for (today Ahrefs'
-- broken-backlinks export, `Target page HTTP code`): the latest known status of that page.
--   * Only each reporting series' newest snapshot speaks (a series = site, tool, export type):
--     a page the newest export no longer lists is no longer known broken (fixed, or its links
--     gone), so an old 404 does not linger.
--   * Among the reports left, the latest check wins: target checked date (else the snapshot
--     date), then the snapshot date, then tool and export type alphabetically, then the higher
--     code - a deterministic order.
-- target_url is the one spelling every link to the page uses (int_backlinks__target_spellings).
-- Rebuilt whole: only the few rows that carry a status are read.
with

reports as (
    select
        site_domain,
        source_tool,
        export_type,
        snapshot_date,
        target_url,
        {{ url_identity('target_url') }} as target_url_key,
        target_http_code,
        coalesce(target_checked_at, snapshot_date) as checked_at
    from {{ ref('stg_raw__backlinks') }}
    where target_http_code is not null and target_url is not null
),

spellings as (
    select * from {{ ref('int_backlinks__target_spellings') }}
),

series_latest as (
    select
        site_domain,
        source_tool,
        export_type,
        max(snapshot_date) as latest_snapshot_date
    from reports
    group by site_domain, source_tool, export_type
),

ranked as (
    select
        reports.*,
        row_number() over (
            partition by reports.site_domain, reports.target_url_key
            order by
                reports.checked_at desc,
                reports.snapshot_date desc,
                reports.source_tool asc,
                reports.export_type asc,
                reports.target_http_code desc
        ) as report_rank
    from reports
    inner join series_latest
        on
            reports.site_domain = series_latest.site_domain
            and reports.source_tool = series_latest.source_tool
            and reports.export_type = series_latest.export_type
            and reports.snapshot_date = series_latest.latest_snapshot_date
),

final as (
    select
        -- ids
        ranked.site_domain,
        ranked.target_url_key,
        coalesce(spellings.target_url, ranked.target_url) as target_url,
        -- attributes
        ranked.source_tool as reported_by,
        -- numerics
        cast(ranked.target_http_code as integer) as http_code,
        -- timestamps
        ranked.checked_at,
        ranked.snapshot_date
    from ranked
    left join spellings
        on ranked.target_url_key = spellings.target_url_key
    where ranked.report_rank = 1
)

select * from final
