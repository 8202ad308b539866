-- Domains that are never disavowed, whatever their toxicity score.
with

source as (
    select * from {{ source('config', 'disavow_never') }}
),

renamed as (
    select
        -- ids
        lower(trim(domain)) as domain
    from source
)

select distinct * from renamed
