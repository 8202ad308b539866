-- One row per input row the ingest step could not use, with the reason.
with

source as (
    select * from {{ source('audit', 'quarantine') }}
),

renamed as (
    select
        -- ids
        file_sha256,
        file_name,
        row_number,
        -- attributes
        reason,
        raw
    from source
)

select * from renamed
