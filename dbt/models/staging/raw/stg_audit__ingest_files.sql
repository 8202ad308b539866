-- One row per file the ingest step has seen (loaded, rejected or duplicate).
with

source as (
    select * from {{ source('audit', 'ingest_files') }}
),

renamed as (
    select
        -- ids
        file_name,
        sha256 as file_sha256,
        -- attributes
        detected_format,
        kind,
        source_tool,
        site_domain,
        snapshot_date_source,
        status,
        error,
        -- numerics
        rows_read,
        rows_loaded,
        rows_quarantined,
        file_size,
        -- timestamps
        snapshot_date,
        ingested_at
    from source
)

select * from renamed
