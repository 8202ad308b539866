-- Ranking rows without a keyword (Google Search Console's Pages and Dates tables): one row per
-- (site_domain, url, snapshot_date, source_tool).
--   scope 'page'  a landing page's clicks/impressions/CTR/average position over the export's
--                 date range (GSC Pages); snapshot_date is the export's date
--   scope 'site'  the whole property on one day (GSC Dates); url is null, snapshot_date the day
-- Keyword rows are in keyword_rankings. Duplicate keys merge like there (most recent file wins).
with

rankings as (
    select * from {{ ref('stg_raw__rankings') }}
    where keyword is null
),

ranked as (
    {{ ranked_reports('rankings', ['site_domain', 'url', 'observed_date', 'source_tool']) }}
),

final as (
    select
        -- ids
        site_domain,
        url,
        observed_date as snapshot_date,
        source_tool,
        -- attributes
        site_role,
        case when url is null then 'site' else 'page' end as scope,
        export_type,
        country,
        device,
        -- numerics
        cast(position as {{ type_double() }}) as position,
        cast(clicks as {{ type_double() }}) as clicks,
        cast(impressions as {{ type_double() }}) as impressions,
        cast(ctr as {{ type_double() }}) as ctr,
        cast(reports as integer) as reports
    from ranked
    where report_rank = 1
)

select * from final
