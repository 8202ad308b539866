-- The configured site and competitors: the only profiles the marts describe.
with

source as (
    select * from {{ source('config', 'sites') }}
),

renamed as (
    select
        -- ids
        lower(trim(site_domain)) as site_domain,
        -- attributes
        lower(trim(role)) as site_role
    from source
)

select * from renamed
