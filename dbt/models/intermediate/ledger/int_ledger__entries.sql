-- One row per ledger entry: a (site, linking page, target page) some ledger file lists, by URL
-- identity (no scheme, no leading `www.`: how the link models key links). A link listed twice,
-- in one file or in dated copies of the same sheet, is one entry, as the newest file (then the
-- first row) says it. A re-saved file under the same name has already replaced its older
-- version in raw.ledger (the landing step), so a deleted row is gone from there too.
with

ledger as (
    select * from {{ ref('stg_raw__ledger') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by site_domain, source_url_key, target_url_key
            order by snapshot_date desc, file_sha256 asc, row_number asc
        ) as entry_rank,
        count(*) over (partition by site_domain, source_url_key, target_url_key) as ledger_rows
    from ledger
),

final as (
    select
        -- ids
        {{ surrogate_key(['site_domain', 'source_url_key', 'target_url_key']) }} as entry_id,
        site_domain,
        source_url_key,
        target_url_key,
        source_url,
        source_domain,
        target_url,
        file_sha256,
        row_number,
        -- attributes
        anchor,
        campaign,
        -- numerics
        cost,
        ledger_rows,
        -- timestamps
        snapshot_date,
        placed_on
    from ranked
    where entry_rank = 1
)

select * from final
