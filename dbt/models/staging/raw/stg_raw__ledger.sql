-- Every ledger entry (raw.ledger) whose target is on a configured site or competitor, with that
-- `site_domain` (the same rule as backlinks: macros/sites/configured_site_matches.sql) and the URL
-- identities the link models use, so an entry finds the link a tool reported whatever the
-- scheme or `www.` either side wrote. Entries for unconfigured targets stay in raw.ledger.

with

source as (
    select * from {{ source('raw', 'ledger') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

renamed as (
    select
        -- ids
        file_sha256,
        row_number,
        source_url,
        source_host,
        source_domain,
        target_url,
        target_host,
        target_domain,
        -- a ledger row always has a target: the site comes from it, never from a hint
        cast(null as {{ dbt.type_string() }}) as site_hint,
        -- attributes
        nullif(trim({{ regexp_replace_all('anchor', "'\\s+'", "' '") }}), '') as anchor,
        nullif(trim(campaign), '') as campaign,
        -- numerics
        cost,
        -- timestamps
        snapshot_date,
        placed_on
    from source
),

site_matches as (
    {{ configured_site_matches('renamed', 'sites', ['renamed.*'], [], 'target_url', 'target_domain', 'target_host') }}
),

final as (
    select
        site_domain,
        file_sha256,
        row_number,
        source_url,
        {{ url_identity('source_url') }} as source_url_key,
        source_host,
        source_domain,
        target_url,
        {{ url_identity('target_url') }} as target_url_key,
        anchor,
        campaign,
        cost,
        snapshot_date,
        placed_on
    from site_matches
)

select * from final
