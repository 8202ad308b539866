-- One row per link: its descriptive attributes and vendor metrics, each the most recent value
-- any tool reported (latest snapshot first; on the same date the tool name breaks the tie).
-- Null values never win, so a GSC observation without an anchor keeps the anchor another tool
-- reported. Incremental by source page.
--
-- Most links have a single observation (one tool, one snapshot): their values are that row's,
-- so they pass through and only links with several rows are aggregated (2M single-row links:
-- 13 s -> 4 s, most of it a HASH_GROUP_BY of two dozen latest_value states per link).
{%- set attribute_columns = [
    'anchor', 'rel', 'page_title', 'language', 'source_ip', 'vendor_topic',
    'is_image', 'is_sitewide', 'is_content', 'is_redirect', 'is_spam',
    'external_links', 'domain_rating', 'url_rating', 'domain_authority', 'page_authority',
    'spam_score', 'trust_flow', 'citation_flow', 'ascore', 'vendor_toxicity',
] %}
{{ incremental_by('sources') }}
with

-- read by three branches below; inlined so each scans only the columns it needs
observations as {{ inlined_cte() }} (
    select
        *,
        -- newest snapshot first; on one date the tool name makes the order total
        {{ report_recency('snapshot_date', 'source_tool') }} as recency_key
    from {{ changed_rows(ref('int_backlinks__observations')) }}
),

-- how many observations each link has (link_id is a hash of the link: one key to group by)
link_rows as (
    select
        link_id,
        count(*) as observation_count
    from observations
    group by link_id
),

-- one observation: the latest known value of every column is the row's own
single_observation_links as (
    select
        link_id,
        site_domain,
        source_url_key,
        source_host,
        source_domain,
        target_host,
        target_domain,
        {%- for column in attribute_columns %}
            {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from observations
    where link_id in (
        select link_rows.link_id from link_rows
        where link_rows.observation_count = 1
    )
),

multi_observation_links as (
    select
        -- ids
        link_id,
        site_domain,
        source_url_key,
        min(source_host) as source_host,
        min(source_domain) as source_domain,
        min(target_host) as target_host,
        min(target_domain) as target_domain,
        -- attributes and numerics
        {%- for column in attribute_columns %}
            {{ latest_value(column, 'recency_key') }} as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from observations
    where
        link_id in (
            select link_rows.link_id from link_rows
            where link_rows.observation_count > 1
        )
    group by link_id, site_domain, source_url_key
),

final as (
    select * from single_observation_links
    union all
    select * from multi_observation_links
)

select *{{ partition_key('sources') }} from final
