-- Every landed backlink row that belongs to a configured site or competitor, with that
-- `site_domain` assigned, and without internal links. Rows for targets nobody configured stay
-- in raw.backlinks: adding a competitor later and refreshing picks them up.
-- Partition-local on purpose: every output row depends on its own raw row (and the config) only,
-- so a filter on snapshot_date reaches the raw scan and an incremental run of
-- int_backlinks__snapshot_observations reads just its window. History-wide choices (one
-- spelling per URL across tools) are made later, in int_backlinks__observations.

with

source as {{ inlined_cte() }} (
    select * from {{ source('raw', 'backlinks') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

renamed as {{ inlined_cte() }} (
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
        vendor_lost_at,
        nullif(trim(vendor_lost_reason), '') as vendor_lost_reason,
        target_http_code,
        target_checked_at
    from source
),

-- A row with a target belongs to the configured domain its target is on, the most specific one
-- winning; a row without a target (GSC) to its site_hint (macros/sites/configured_site_matches.sql).
-- snapshot_date keys the site lookup too, so a caller's snapshot_date filter reaches both sides.
site_matches as (
    {{ configured_site_matches('renamed', 'sites', ['renamed.*'], ['snapshot_date'], 'target_url', 'target_domain', 'target_host') }}
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
        vendor_lost_at,
        vendor_lost_reason,
        target_http_code,
        target_checked_at
    from site_matches
    -- internal links are not backlinks (GSC lists the site's own pages among its linking pages)
    where coalesce(source_domain, '') <> site_domain
)

select * from final
