-- Every landed ranking row that belongs to a configured site or competitor, with that
-- `site_domain` assigned and the day it describes (`observed_date`).
--   site_domain    the configured domain the row's URL is on (registrable domain equal, or the
--                  host is it or a subdomain of it; the most specific wins); a row without a URL
--                  (GSC queries/dates, "not ranking" rows) belongs to its site_hint. A URL on an
--                  unconfigured domain stays in raw.rankings (like backlinks to unconfigured
--                  targets): a file's site_hint never claims another domain's page.
--   observed_date  the ranking_date the export gives, else the file's snapshot date.
-- A wide export (Semrush Position Tracking) lands several rows per file row (one per target and
-- day, same row_number): `row_part` numbers them, so (file_sha256, row_number, row_part) is a key.
with

source as {{ inlined_cte() }} (
    select * from {{ source('raw', 'rankings') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

renamed as {{ inlined_cte() }} (
    select
        -- ids
        file_sha256,
        row_number,
        row_number() over (
            partition by file_sha256, row_number
            order by site_hint, ranking_date, url, keyword, country, device
        ) as row_part,
        source_tool,
        export_type,
        site_hint,
        -- search queries are case-insensitive: one spelling per query
        nullif(lower(trim({{ regexp_replace_all('keyword', "'\\s+'", "' '") }})), '') as keyword,
        url,
        url_host,
        url_domain,
        -- attributes
        nullif(trim(country), '') as country,
        nullif(lower(trim(device)), '') as device,
        -- numerics
        position,
        -- Semrush writes previous position 0 for "new": not ranking before
        case when previous_position > 0 then previous_position end as previous_position,
        clicks,
        impressions,
        ctr,
        search_volume,
        -- timestamps
        snapshot_date,
        ranking_date,
        coalesce(ranking_date, snapshot_date) as observed_date
    from source
),

-- the configured site each row belongs to, as for backlinks (macros/sites/configured_site_matches.sql)
site_matches as (
    {{ configured_site_matches('renamed', 'sites', ['renamed.*'], ['snapshot_date'], 'url', 'url_domain', 'url_host') }}
),

final as (
    select *
    from site_matches
)

select * from final
