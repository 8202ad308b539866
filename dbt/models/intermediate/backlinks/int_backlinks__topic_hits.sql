-- Formula: docs/analytics.md#topics
-- One row per (link, topic cluster) where a keyword of the cluster (sites.yml `topics`) hits one
-- of the link's texts: the keyword matching of int_referring_domains__topics, done once per link
-- (macros/topics/assign_topic.sql, topic_hits) so that a referring domain's topic is an
-- aggregate of its links' hits. Fields and weights (sites.yml thresholds):
--     page title        topic_weight_title   (default 3)
--     URL path          topic_weight_path    (default 2)
--     vendor category   topic_weight_vendor  (default 1.5; Majestic Topical Trust Flow path)
--     anchor            topic_weight_anchor  (default 1)
--     host name         topic_weight_domain  (default 1; keywords of 4+ letters as substrings,
--                                             since host names glue words: knifecorner.com)
-- Incremental by source page: matching is the costly part, and a link's texts only change
-- when its page does.
{{ incremental_by('sources') }}
with

link_attributes as (
    select * from {{ changed_rows(ref('int_backlinks__link_attributes')) }}
),

topics as (
    select * from {{ ref('stg_config__topics') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

-- the host without its last label, letters and digits only: www.knife-corner.co.uk -> wwwknifecornerco
-- (once per host, not once per link)
host_texts as (
    select
        source_host,
        {{ regexp_replace_all(regexp_replace_all('lower(source_host)', "'[.][^.]*$'", "''"), "'[^a-z0-9]'", "''") }} as host_text
    from (select distinct source_host from link_attributes) as hosts
),

-- the texts of every link with the weights of their fields (one row per link)
link_texts as (
    select
        link_attributes.link_id,
        link_attributes.source_url_key,
        link_attributes.source_domain,
        link_attributes.page_title,
        -- the path of the page's identity: every spelling of the page has this path
        {{ url_path('link_attributes.source_url_key') }} as url_path,
        link_attributes.vendor_topic,
        link_attributes.anchor,
        host_texts.host_text,
        thresholds.topic_weight_title,
        thresholds.topic_weight_path,
        thresholds.topic_weight_vendor,
        thresholds.topic_weight_anchor,
        thresholds.topic_weight_domain
    from link_attributes
    left join host_texts
        on link_attributes.source_host = host_texts.source_host
    cross join thresholds
    where link_attributes.source_domain is not null
),

hits as (
    {{ topic_hits('link_texts', ['link_id', 'source_url_key', 'source_domain'], link_topic_fields(), 'topics', one_row_per_key=true) }}
),

final as (
    select
        -- ids
        link_id,
        source_url_key,
        source_domain,
        topic,
        -- numerics
        text_rows,
        title_hit,
        path_hit,
        vendor_hit,
        anchor_hit,
        domain_hit,
        row_score,
        longest_hit
    from hits
)

select *{{ partition_key('sources') }} from final
