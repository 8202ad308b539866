-- Domains that are never disavowed, whatever their toxicity score.
with

source as (
    select * from {{ source('config', 'disavow_never') }}
),

renamed as (
    select lower(trim(domain)) as domain
    -- ids
    from source
)

select distinct * from renamed
