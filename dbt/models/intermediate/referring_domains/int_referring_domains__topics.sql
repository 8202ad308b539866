-- One row per referring domain: its topic among the clusters configured in sites.yml `topics`.
-- Every link of the domain (to any site) scores each cluster by the fields where one of the
-- cluster's keywords appears, as whole words (case-, accent- and punctuation-insensitive):
--     page title        topic_weight_title   (default 3)
--     URL path          topic_weight_path    (default 2)
--     vendor category   topic_weight_vendor  (default 1.5; Majestic Topical Trust Flow path)
--     anchor            topic_weight_anchor  (default 1)
--     host name         topic_weight_domain  (default 1; keywords of 4+ letters as substrings,
--                                             since host names glue words: knifecorner.com)
-- A field counts once per link however many keywords hit it. The domain's score for a cluster
-- is the mean over its links; the best cluster wins (ties: the longest keyword hit, then
-- alphabetical) when it reaches topic_min_score, else the domain is 'unassigned' (a visible
-- bucket, never dropped). The rules are macros/topics/assign_topic.sql, shared with ranking
-- keywords and mentions.
-- Without configured clusters the topic is the most common top-level Majestic category.
with

link_attributes as (
    select * from {{ ref('int_backlinks__link_attributes') }}
),

link_state as (
    select * from {{ ref('int_backlinks__link_state') }}
),

topics as (
    select * from {{ ref('stg_config__topics') }}
),

features as (
    select * from {{ ref('int_referring_domains__features') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

-- the texts of every link with the weights of their fields
link_texts as (
    select
        link_attributes.source_domain,
        link_attributes.page_title,
        {{ url_path('link_state.source_url') }} as url_path,
        link_attributes.vendor_topic,
        link_attributes.anchor,
        -- the host without its last label, letters and digits only: www.knife-corner.co.uk -> wwwknifecornerco
        {{ regexp_replace_all(regexp_replace_all('lower(link_attributes.source_host)', "'[.][^.]*$'", "''"), "'[^a-z0-9]'", "''") }} as host_text,
        thresholds.topic_weight_title,
        thresholds.topic_weight_path,
        thresholds.topic_weight_vendor,
        thresholds.topic_weight_anchor,
        thresholds.topic_weight_domain
    from link_attributes
    inner join link_state
        on link_attributes.link_id = link_state.link_id
    cross join thresholds
    where link_attributes.source_domain is not null
),

-- every cluster a domain's links hit, scored by macros/topics/assign_topic.sql (shared with
-- ranking keywords and mentions)
topic_scores as (
    {{ topic_scores('link_texts', ['source_domain'], [
        {'name': 'title', 'text': 'page_title', 'weight': 'topic_weight_title'},
        {'name': 'path', 'text': 'url_path', 'weight': 'topic_weight_path'},
        {'name': 'vendor', 'text': 'vendor_topic', 'weight': 'topic_weight_vendor'},
        {'name': 'anchor', 'text': 'anchor', 'weight': 'topic_weight_anchor'},
        {'name': 'domain', 'text': 'host_text', 'weight': 'topic_weight_domain', 'match': 'glued'},
    ], 'topics') }}
),

best_topic as (
    {{ best_topic('topic_scores', ['source_domain'], '(select topic_min_score from thresholds)') }}
),

vendor_evidence as (
    select
        source_domain,
        max(case when vendor_topic is not null then 1 else 0 end) as has_vendor_topic
    from link_texts
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

select * from final
