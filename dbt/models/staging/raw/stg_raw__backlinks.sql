-- Every landed backlink row that belongs to a configured site or competitor, with that
-- `site_domain` assigned, and without internal links. Rows for targets nobody configured stay
-- in raw.backlinks: adding a competitor later and refreshing picks them up.
-- Partition-local on purpose: every output row depends on its own raw row (and the config) only,
-- so a filter on snapshot_date reaches the raw scan and an incremental run of
-- int_backlinks__snapshot_observations reads just its window. History-wide choices (one
-- spelling per URL across tools) are made later, in int_backlinks__observations.

with

source as (
    select * from {{ source('raw', 'backlinks') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

renamed as (
    select
        -- ids
        file_sha256,
        row_number,
        source_tool,
        export_type,
        site_hint,
        source_url,
        source_host,
        source_domain,
        target_url,
        target_host,
        target_domain,
        -- attributes
        nullif(trim({{ regexp_replace_all('anchor', "'\\s+'", "' '") }}), '') as anchor,
        nullif(trim(page_title), '') as page_title,
        lower(trim(rel)) as rel,
        is_image,
        is_sitewide,
        is_content,
        is_redirect,
        language,
        source_ip,
        -- a vendor's lost date without its lost flag still means lost
        coalesce(vendor_is_lost, vendor_lost_at is not null) as vendor_is_lost,
        is_spam,
        nullif(trim(vendor_topic), '') as vendor_topic,
        -- numerics
        external_links,
        domain_rating,
        url_rating,
        domain_authority,
        page_authority,
        spam_score,
        trust_flow,
        citation_flow,
        ascore,
        vendor_toxicity,
        -- timestamps
        snapshot_date,
        vendor_first_seen,
        vendor_last_seen,
        vendor_lost_at
    from source
),

-- A row with a target belongs to the configured domain its target is on: the registrable
-- domain equals it, or the host is it or one of its subdomains (a competitor may be configured
-- as a host such as shop.example.com). A row without a target (GSC) belongs to its site_hint.
-- One pass over `renamed` (no join back to it), and snapshot_date leads the window partition, so
-- a snapshot_date filter from a caller is pushed below the window to the raw scan.
site_matches as (
    select
        renamed.*,
        sites.site_domain,
        sites.site_role,
        -- the most specific configured domain wins (shop.example.com over example.com)
        row_number() over (
            partition by renamed.snapshot_date, renamed.file_sha256, renamed.row_number
            order by length(sites.site_domain) desc
        ) as match_rank
    from renamed
    inner join sites
        on case
            when renamed.target_url is null then renamed.site_hint = sites.site_domain
            else renamed.target_domain = sites.site_domain
                or renamed.target_host = sites.site_domain
                or {{ dbt.right('renamed.target_host', 'length(sites.site_domain) + 1') }}
                    = '.' || sites.site_domain
        end
),

final as (
    select
        site_domain,
        site_role,
        file_sha256,
        row_number,
        source_tool,
        export_type,
        site_hint,
        source_url,
        source_host,
        source_domain,
        target_url,
        target_host,
        target_domain,
        anchor,
        page_title,
        rel,
        is_image,
        is_sitewide,
        is_content,
        is_redirect,
        language,
        source_ip,
        vendor_is_lost,
        is_spam,
        vendor_topic,
        external_links,
        domain_rating,
        url_rating,
        domain_authority,
        page_authority,
        spam_score,
        trust_flow,
        citation_flow,
        ascore,
        vendor_toxicity,
        snapshot_date,
        vendor_first_seen,
        vendor_last_seen,
        vendor_lost_at
    from site_matches
    where match_rank = 1
        -- internal links are not backlinks (GSC lists the site's own pages among its linking pages)
        and coalesce(source_domain, '') <> site_domain
)

select * from final
