-- Topical clusters: one row per (topic, keyword).
with

source as (
    select * from {{ source('config', 'topics') }}
),

renamed as (
    select
        -- ids
        trim(topic) as topic,
        -- attributes
        trim(keyword) as keyword
    from source
    where trim(keyword) <> ''
)

select distinct * from renamed
