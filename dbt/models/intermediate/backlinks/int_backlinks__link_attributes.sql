-- One row per link: its descriptive attributes and vendor metrics, each the most recent value
-- any tool reported (latest snapshot first; on the same date the tool name breaks the tie).
-- Null values never win, so a GSC observation without an anchor keeps the anchor another tool
-- reported. Incremental by source page.
{{ incremental_by('sources') }}
with

observations as (
    select
        *,
        -- newest snapshot first; on one date the tool name makes the order total
        {{ report_recency('snapshot_date', 'source_tool') }} as recency_key
    from {{ changed_rows(ref('int_backlinks__observations')) }}
),

final as (
    select
        -- ids
        link_id,
        site_domain,
        source_url_key,
        min(source_host) as source_host,
        min(source_domain) as source_domain,
        min(target_host) as target_host,
        min(target_domain) as target_domain,
        -- attributes
        {{ latest_value('anchor', 'recency_key') }} as anchor,
        {{ latest_value('rel', 'recency_key') }} as rel,
        {{ latest_value('page_title', 'recency_key') }} as page_title,
        {{ latest_value('language', 'recency_key') }} as language,
        {{ latest_value('source_ip', 'recency_key') }} as source_ip,
        {{ latest_value('vendor_topic', 'recency_key') }} as vendor_topic,
        {{ latest_value('is_image', 'recency_key') }} as is_image,
        {{ latest_value('is_sitewide', 'recency_key') }} as is_sitewide,
        {{ latest_value('is_content', 'recency_key') }} as is_content,
        {{ latest_value('is_redirect', 'recency_key') }} as is_redirect,
        {{ latest_value('is_spam', 'recency_key') }} as is_spam,
        -- numerics
        {{ latest_value('external_links', 'recency_key') }} as external_links,
        {{ latest_value('domain_rating', 'recency_key') }} as domain_rating,
        {{ latest_value('url_rating', 'recency_key') }} as url_rating,
        {{ latest_value('domain_authority', 'recency_key') }} as domain_authority,
        {{ latest_value('page_authority', 'recency_key') }} as page_authority,
        {{ latest_value('spam_score', 'recency_key') }} as spam_score,
        {{ latest_value('trust_flow', 'recency_key') }} as trust_flow,
        {{ latest_value('citation_flow', 'recency_key') }} as citation_flow,
        {{ latest_value('ascore', 'recency_key') }} as ascore,
        {{ latest_value('vendor_toxicity', 'recency_key') }} as vendor_toxicity
    from observations
    group by link_id, site_domain, source_url_key
)

select * from final
