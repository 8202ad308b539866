-- Every landed referring-domains row (raw.referring_domains) of a configured site or competitor,
-- with that `site_domain`: the export has no target column, so the site is the file's site_hint
-- (the folder named after a configured domain, else site.domain). Rows without an
-- IP keep a null one; an IPv4 address also gets its /24. Rows of unconfigured sites stay in raw.

with

source as (
    select * from {{ source('raw', 'referring_domains') }}
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
        source_host,
        source_domain,
        -- attributes
        source_ip,
        {{ ipv4_subnet_24('source_ip') }} as source_subnet,
        nullif(trim(country), '') as country,
        is_spam,
        -- numerics
        domain_rating,
        ascore,
        domain_traffic,
        links_to_target,
        dofollow_links,
        new_links,
        lost_links,
        -- timestamps
        snapshot_date,
        vendor_first_seen,
        vendor_last_seen,
        vendor_lost_at
    from source
),

final as (
    select
        sites.site_domain,
        renamed.file_sha256,
        renamed.row_number,
        renamed.source_tool,
        renamed.export_type,
        renamed.source_host,
        renamed.source_domain,
        renamed.source_ip,
        renamed.source_subnet,
        renamed.country,
        renamed.is_spam,
        renamed.domain_rating,
        renamed.ascore,
        renamed.domain_traffic,
        renamed.links_to_target,
        renamed.dofollow_links,
        renamed.new_links,
        renamed.lost_links,
        renamed.snapshot_date,
        renamed.vendor_first_seen,
        renamed.vendor_last_seen,
        renamed.vendor_lost_at
    from renamed
    inner join sites
        on renamed.site_hint = sites.site_domain
)

select * from final
