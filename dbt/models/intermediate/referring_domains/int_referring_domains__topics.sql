-- Formula: docs/analytics.md#topics
-- One row per referring domain: its topic among the clusters configured in sites.yml `topics`.
-- Every link of the domain (to any site) scores each cluster by the fields where one of the
-- cluster's keywords appears (int_backlinks__topic_hits: fields, weights, matching). A field
-- counts once per link however many keywords hit it. The domain's score for a cluster
-- is the mean over its links; the best cluster wins (ties: the longest keyword hit, then
-- alphabetical) when it reaches topic_min_score, else the domain is 'unassigned' (a visible
-- bucket, never dropped). The rules are macros/topics/assign_topic.sql, shared with ranking
-- keywords and mentions.
-- Without configured clusters the topic is the most common top-level Majestic category.
-- Incremental by referring domain (macros/incremental/changed_sources.sql).
{{ incremental_by('domains') }}
with

link_attributes as (
    select * from {{ changed_rows(ref('int_backlinks__link_attributes'), 'domains') }}
    where source_domain is not null
),

link_hits as (
    select * from {{ changed_rows(ref('int_backlinks__topic_hits'), 'domains') }}
),

topics as (
    select * from {{ ref('stg_config__topics') }}
),

features as (
    select * from {{ changed_rows(ref('int_referring_domains__features'), 'domains') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

domain_links as (
    select
        source_domain,
        count(*) as key_rows
    from link_attributes
    group by source_domain
),

-- every cluster a domain's links hit: the mean of their scores (links without a hit count 0)
topic_scores as (
    {{ topic_scores_of_hits('link_hits', 'domain_links', ['source_domain'], link_topic_fields()) }}
),

best_topic as (
    {{ best_topic('topic_scores', ['source_domain'], '(select topic_min_score from thresholds)') }}
),

vendor_evidence as (
    select
        source_domain,
        max(case when vendor_topic is not null then 1 else 0 end) as has_vendor_topic
    from link_attributes
    group by source_domain
),

vendor_hits as (
    select
        source_domain,
        max(vendor_hit) as vendor_matches_cluster
    from topic_scores
    group by source_domain
),

configured as (
    select count(*) > 0 as has_topics from topics
),

final as (
    select
        -- ids
        features.source_domain,
        -- attributes
        case
            when configured.has_topics then coalesce(best_topic.topic, 'unassigned')
            else coalesce(features.vendor_category, 'unassigned')
        end as topic,
        case
            when configured.has_topics and best_topic.topic is not null then 'keywords'
            when not configured.has_topics and features.vendor_category is not null then 'vendor'
        end as topic_source,
        -- off-topic: no cluster matched, or the vendor's own category matches none of them
        -- (spam pages stuff keywords into titles; vendor categories come from the link graph)
        case
            when configured.has_topics then
                best_topic.topic is null
                or (coalesce(vendor_evidence.has_vendor_topic, 0) = 1 and coalesce(vendor_hits.vendor_matches_cluster, 0) = 0)
        end as is_off_topic,
        -- numerics
        cast(round(coalesce(best_topic.topic_score, 0), 4) as {{ type_double() }}) as topic_score
    from features
    cross join configured
    left join best_topic
        on features.source_domain = best_topic.source_domain
    left join vendor_evidence
        on features.source_domain = vendor_evidence.source_domain
    left join vendor_hits
        on features.source_domain = vendor_hits.source_domain
)

select *{{ partition_key('domains') }} from final
