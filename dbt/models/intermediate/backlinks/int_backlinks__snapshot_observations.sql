-- One row per (site, source URL, target URL, tool, snapshot): "tool T saw this link of site S
-- in its snapshot of date D", before anything that needs other snapshots. URLs are grouped by
-- their identity (no scheme, no leading www.), so spellings that differ only there are one row.
--
-- Incremental by snapshot date: a run deletes every row of the dates of its window (min_date /
-- max_date, set from the Dagster partitions) and inserts them again from the raw rows, so
-- re-running a partition gives the same rows, never duplicates, and a window date whose files
-- were all replaced by unusable versions is emptied. Everything here depends on one snapshot's
-- raw rows only; cross-snapshot work (URL spelling, GSC targets) happens in
-- int_backlinks__observations. A change of sites.yml (which rows belong to which site) needs a
-- full refresh; the Dagster dbt asset does that by itself when the fingerprint changes.
{{ incremental_by('window') }}

with

keyed as (
    select
        *,
        {{ url_identity('source_url') }} as source_url_key,
        {{ url_identity('target_url') }} as target_url_key
    from {{ changed_rows(ref('stg_raw__backlinks'), 'window') }}
),

backlinks as {{ materialized_cte() }} (
    select
        *,
        -- routes a row to the fast path when no other row has its hash (then it has no
        -- duplicate); a collision only sends rows through the aggregation below
        {{ routing_hash(['snapshot_date', 'site_domain', 'source_url_key', 'target_url_key', 'source_tool']) }} as group_hash
    from keyed
),

group_sizes as (
    select
        group_hash,
        count(*) as group_rows
    from backlinks
    group by group_hash
),

-- rows with duplicates (the same link, tool and snapshot more than once) are merged below;
-- most rows have none and pass through (2M rows: 19.0 s -> 10.3 s under load, 16.8 -> 7.7 CPU-s)
duplicated as {{ materialized_cte() }} (
    select
        *,
        -- the row that speaks for a duplicate group has the smallest: one of a complete listing
        -- first (not a partial export such as Ahrefs broken backlinks, so the link stays in the
        -- series of the tool's full export), then one with an anchor, then file order (unique: a
        -- row is a file and a row number)
        case when coalesce(export_type, '') in ({{ "'" ~ partial_export_types() | join("', '") ~ "'" }}) then '1' else '0' end
        || case when anchor is null then '1' else '0' end
        || file_sha256
        || lpad(cast(row_number as {{ dbt.type_string() }}), 12, '0') as speaker_key
    from backlinks
    where group_hash in (
        select group_sizes.group_hash from group_sizes
        where group_sizes.group_rows > 1
    )
),

aggregated as (
    select
        -- ids
        site_domain,
        source_url_key,
        target_url_key,
        source_tool,
        snapshot_date,
        -- the lexically greatest spelling (https, www.) of the group; int_backlinks__observations
        -- takes the greatest over all snapshots
        max(source_url) as source_url,
        max(target_url) as target_url,
        -- attributes: a flag any duplicate raised holds
        {{ any_true('is_image') }} as is_image,
        {{ any_true('is_sitewide') }} as is_sitewide,
        {{ any_true('is_content') }} as is_content,
        {{ any_true('is_redirect') }} as is_redirect,
        {{ any_true('is_spam') }} as is_spam,
        {{ any_true('vendor_is_lost') }} as vendor_is_lost,
        -- numerics
        count(*) as raw_rows,
        count(distinct file_sha256) as files_count,
        max(external_links) as external_links,
        max(domain_rating) as domain_rating,
        max(url_rating) as url_rating,
        max(domain_authority) as domain_authority,
        max(page_authority) as page_authority,
        max(spam_score) as spam_score,
        max(trust_flow) as trust_flow,
        max(citation_flow) as citation_flow,
        max(ascore) as ascore,
        max(vendor_toxicity) as vendor_toxicity,
        -- timestamps
        min(vendor_first_seen) as vendor_first_seen,
        max(vendor_last_seen) as vendor_last_seen,
        max(vendor_lost_at) as vendor_lost_at,
        min(speaker_key) as speaker_key
    from duplicated
    group by snapshot_date, site_domain, source_url_key, target_url_key, source_tool
),

merged as (
    select
        -- ids
        aggregated.site_domain,
        aggregated.source_url_key,
        aggregated.target_url_key,
        aggregated.source_url,
        aggregated.target_url,
        aggregated.source_tool,
        aggregated.snapshot_date,
        representative.site_role,
        representative.source_domain,
        representative.target_domain,
        representative.export_type,
        -- attributes
        representative.anchor,
        representative.page_title,
        representative.rel,
        representative.language,
        representative.source_ip,
        representative.vendor_topic,
        aggregated.is_image,
        aggregated.is_sitewide,
        aggregated.is_content,
        aggregated.is_redirect,
        aggregated.is_spam,
        aggregated.vendor_is_lost,
        -- numerics
        aggregated.raw_rows,
        aggregated.files_count,
        aggregated.external_links,
        aggregated.domain_rating,
        aggregated.url_rating,
        aggregated.domain_authority,
        aggregated.page_authority,
        aggregated.spam_score,
        aggregated.trust_flow,
        aggregated.citation_flow,
        aggregated.ascore,
        aggregated.vendor_toxicity,
        -- timestamps
        aggregated.vendor_first_seen,
        aggregated.vendor_last_seen,
        aggregated.vendor_lost_at
    from aggregated
    -- the speaker of the group (a join on its unique key, cheaper than ranking every row)
    inner join duplicated as representative
        on aggregated.speaker_key = representative.speaker_key
),

-- a row without duplicates is its own group: every aggregate above is its own value
single as (
    select
        -- ids
        site_domain,
        source_url_key,
        target_url_key,
        source_url,
        target_url,
        source_tool,
        snapshot_date,
        site_role,
        source_domain,
        target_domain,
        export_type,
        -- attributes
        anchor,
        page_title,
        rel,
        language,
        source_ip,
        vendor_topic,
        is_image,
        is_sitewide,
        is_content,
        is_redirect,
        is_spam,
        vendor_is_lost,
        -- numerics
        cast(1 as {{ dbt.type_bigint() }}) as raw_rows,
        cast(1 as {{ dbt.type_bigint() }}) as files_count,
        external_links,
        domain_rating,
        url_rating,
        domain_authority,
        page_authority,
        spam_score,
        trust_flow,
        citation_flow,
        ascore,
        vendor_toxicity,
        -- timestamps
        vendor_first_seen,
        vendor_last_seen,
        vendor_lost_at
    from backlinks
    where group_hash in (
        select group_sizes.group_hash from group_sizes
        where group_sizes.group_rows = 1
    )
),

final as (
    select * from single
    union all
    select * from merged
)

select * from final
