-- Money keywords: an anchor equal to one is exact-match, an anchor containing one partial-match.
with

source as (
    select * from {{ source('config', 'keywords') }}
),

renamed as (
    select trim(keyword) as keyword
    -- attributes
    from source
    where trim(keyword) <> ''
)

select distinct * from renamed
