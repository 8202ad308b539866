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

source as (
    select * from {{ source('raw', 'rankings') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

renamed as (
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

site_matches as (
    select
        renamed.file_sha256,
        renamed.row_number,
        renamed.row_part,
        sites.site_domain,
        sites.site_role,
        row_number() over (
            partition by renamed.file_sha256, renamed.row_number, renamed.row_part
            order by length(sites.site_domain) desc
        ) as match_rank
    from renamed
    inner join sites
        on case
            when renamed.url is null then renamed.site_hint = sites.site_domain
            else renamed.url_domain = sites.site_domain
                or renamed.url_host = sites.site_domain
                or {{ dbt.right('renamed.url_host', 'length(sites.site_domain) + 1') }}
                    = '.' || sites.site_domain
        end
),

final as (
    select
        site_matches.site_domain,
        site_matches.site_role,
        renamed.*
    from renamed
    inner join site_matches
        on renamed.file_sha256 = site_matches.file_sha256
        and renamed.row_number = site_matches.row_number
        and renamed.row_part = site_matches.row_part
        and site_matches.match_rank = 1
)

select * from final
