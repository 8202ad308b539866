-- Brand terms per configured site (used to classify anchors as branded).
with

source as (
    select * from {{ source('config', 'brand_terms') }}
),

renamed as (
    select
        -- ids
        lower(trim(site_domain)) as site_domain,
        -- attributes
        trim(term) as brand_term
    from source
    where trim(term) <> ''
)

select distinct * from renamed
