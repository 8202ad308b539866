-- Every landed brand-mention row, cleaned: blank texts null, whitespace collapsed, source type
-- lowercase (null when the tool has none, e.g. Google Alerts). One row per raw row; the
-- same page reported by several tools is merged in int_mentions__deduplicated.
with

source as (
    select * from {{ source('raw', 'mentions') }}
),

renamed as (
    select
        -- ids
        file_sha256,
        row_number,
        source_tool,
        export_type,
        mention_url,
        mention_host,
        mention_domain,
        -- attributes
        nullif(trim({{ regexp_replace_all('title', "'\\s+'", "' '") }}), '') as title,
        nullif(trim({{ regexp_replace_all('content', "'\\s+'", "' '") }}), '') as content,
        nullif(lower(trim(source_type)), '') as source_type,
        nullif(lower(trim(language)), '') as language,
        nullif(trim(country), '') as country,
        -- numerics
        sentiment,
        reach,
        -- timestamps
        snapshot_date,
        published_at
    from source
)

select * from renamed
