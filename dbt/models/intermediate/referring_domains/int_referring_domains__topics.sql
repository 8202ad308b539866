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
-- is the mean over its links; the best cluster wins (ties: alphabetical) when it reaches
-- topic_min_score, else the domain is 'unassigned' (a visible bucket, never dropped).
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

-- the texts of every link, normalised and padded with spaces for whole-word matching
link_texts as (
    select
        link_attributes.source_domain,
        ' ' || coalesce({{ normalise_anchor('link_attributes.page_title') }}, '') || ' ' as title_text,
        ' ' || coalesce({{ normalise_anchor(url_path('link_state.source_url')) }}, '') || ' ' as path_text,
        ' ' || coalesce({{ normalise_anchor('link_attributes.vendor_topic') }}, '') || ' ' as vendor_text,
        ' ' || coalesce({{ normalise_anchor('link_attributes.anchor') }}, '') || ' ' as anchor_text,
        -- the host without its last label, letters and digits only: www.knife-corner.co.uk -> wwwknifecornerco
        {{ regexp_replace_all(regexp_replace_all('lower(link_attributes.source_host)', "'[.][^.]*$'", "''"), "'[^a-z0-9]'", "''") }} as host_text,
        link_attributes.vendor_topic is not null as has_vendor_topic
    from link_attributes
    inner join link_state
        on link_attributes.link_id = link_state.link_id
    where link_attributes.source_domain is not null
),

-- identical texts are scored once (a sitewide link repeats them on every page)
distinct_texts as (
    select
        source_domain,
        title_text,
        path_text,
        vendor_text,
        anchor_text,
        host_text,
        has_vendor_topic,
        count(*) as text_links
    from link_texts
    group by source_domain, title_text, path_text, vendor_text, anchor_text, host_text, has_vendor_topic
),

domain_links as (
    select source_domain, sum(text_links) as links
    from distinct_texts
    group by source_domain
),

keywords as (
    select distinct
        topic,
        {{ normalise_anchor('keyword') }} as keyword_words,
        replace({{ normalise_anchor('keyword') }}, ' ', '') as keyword_compact
    from topics
),

field_hits as (
    select
        distinct_texts.source_domain,
        distinct_texts.title_text,
        distinct_texts.path_text,
        distinct_texts.vendor_text,
        distinct_texts.anchor_text,
        distinct_texts.host_text,
        distinct_texts.text_links,
        keywords.topic,
        max(case when distinct_texts.title_text like '% ' || keywords.keyword_words || ' %' then 1 else 0 end) as title_hit,
        max(case when distinct_texts.path_text like '% ' || keywords.keyword_words || ' %' then 1 else 0 end) as path_hit,
        max(case when distinct_texts.vendor_text like '% ' || keywords.keyword_words || ' %' then 1 else 0 end) as vendor_hit,
        max(case when distinct_texts.anchor_text like '% ' || keywords.keyword_words || ' %' then 1 else 0 end) as anchor_hit,
        max(
            case
                when {{ dbt.length('keywords.keyword_compact') }} >= 4
                    and distinct_texts.host_text like '%' || keywords.keyword_compact || '%'
                    then 1
                else 0
            end
        ) as domain_hit
    from distinct_texts
    cross join keywords
    where keywords.keyword_words <> ''
    group by
        distinct_texts.source_domain, distinct_texts.title_text, distinct_texts.path_text,
        distinct_texts.vendor_text, distinct_texts.anchor_text, distinct_texts.host_text,
        distinct_texts.text_links, keywords.topic
),

topic_scores as (
    select
        field_hits.source_domain,
        field_hits.topic,
        sum(
            field_hits.text_links * (
                field_hits.title_hit * thresholds.topic_weight_title
                + field_hits.path_hit * thresholds.topic_weight_path
                + field_hits.vendor_hit * thresholds.topic_weight_vendor
                + field_hits.anchor_hit * thresholds.topic_weight_anchor
                + field_hits.domain_hit * thresholds.topic_weight_domain
            )
        ) / max(domain_links.links) as topic_score,
        max(field_hits.vendor_hit) as vendor_hit
    from field_hits
    inner join domain_links
        on field_hits.source_domain = domain_links.source_domain
    cross join thresholds
    group by field_hits.source_domain, field_hits.topic
),

best_topic as (
    select
        topic_scores.source_domain,
        topic_scores.topic,
        topic_scores.topic_score,
        row_number() over (
            partition by topic_scores.source_domain
            order by topic_scores.topic_score desc, topic_scores.topic
        ) as topic_rank
    from topic_scores
    cross join thresholds
    where topic_scores.topic_score > 0
        and topic_scores.topic_score >= thresholds.topic_min_score
),

vendor_evidence as (
    select
        distinct_texts.source_domain,
        max(case when distinct_texts.has_vendor_topic then 1 else 0 end) as has_vendor_topic,
        coalesce(max(topic_scores.vendor_hit), 0) as vendor_matches_cluster
    from distinct_texts
    left join topic_scores
        on distinct_texts.source_domain = topic_scores.source_domain
    group by distinct_texts.source_domain
),

configured as (
    select count(*) > 0 as has_topics from keywords
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
                or (coalesce(vendor_evidence.has_vendor_topic, 0) = 1 and coalesce(vendor_evidence.vendor_matches_cluster, 0) = 0)
        end as is_off_topic,
        -- numerics
        cast(round(coalesce(best_topic.topic_score, 0), 4) as {{ type_double() }}) as topic_score
    from features
    cross join configured
    left join best_topic
        on features.source_domain = best_topic.source_domain
        and best_topic.topic_rank = 1
    left join vendor_evidence
        on features.source_domain = vendor_evidence.source_domain
)

select * from final
