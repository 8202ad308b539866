-- Formula: docs/analytics.md#unlinked-mentions-and-share-of-voice
-- One row per mentioned page (mention_url) across every monitoring tool and file: the same
-- page reported by Brand24 and Talkwalker is one mention with source_tools 'brand24,talkwalker'.
--   published_at   the earliest any tool reports
--   texts, type    the most recent report's non-null value (latest snapshot, then tool name);
--                  source_type 'unknown' when no tool gives one
--   sentiment      the mean over the tools' reports; reach the largest
--   topic          assign_topic over every report's title (weight topic_weight_title) and
--                  content (weight topic_weight_anchor): the referring-domain topic rules
with

mentions as (
    select * from {{ ref('stg_raw__mentions') }}
),

topics as (
    select * from {{ ref('stg_config__topics') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

ordered as (
    select
        *,
        cast(snapshot_date as {{ dbt.type_string() }}) || '|' || source_tool || '|' || file_sha256
        || '|' || cast(row_number as {{ dbt.type_string() }}) as report_order
    from mentions
),

per_url as (
    select
        -- ids
        mention_url,
        min(mention_host) as mention_host,
        min(mention_domain) as mention_domain,
        -- attributes
        {{ string_agg_distinct_sorted('source_tool') }} as source_tools,
        {{ latest_value('title', 'report_order') }} as title,
        {{ latest_value('content', 'report_order') }} as content,
        -- a tool that gives no source type (Google Alerts) does not hide another's
        coalesce({{ latest_value('source_type', 'report_order') }}, 'unknown') as source_type,
        {{ latest_value('language', 'report_order') }} as language,
        {{ latest_value('country', 'report_order') }} as country,
        -- numerics
        count(distinct source_tool) as tools_count,
        avg(sentiment) as sentiment,
        max(reach) as reach,
        -- timestamps
        min(published_at) as published_at,
        min(snapshot_date) as first_snapshot_date
    from ordered
    group by mention_url
),

mention_texts as (
    select
        mentions.mention_url,
        mentions.title,
        mentions.content,
        thresholds.topic_weight_title,
        thresholds.topic_weight_anchor
    from mentions
    cross join thresholds
),

mention_topics as (
    {{ assign_topic('mention_texts', ['mention_url'], [
        {'name': 'title', 'text': 'title', 'weight': 'topic_weight_title'},
        {'name': 'content', 'text': 'content', 'weight': 'topic_weight_anchor'},
    ], 'topics') }}
),

final as (
    select
        per_url.*,
        mention_topics.topic,
        -- the week the mention belongs to: its publication, else the first file reporting it
        {{ date_trunc_week('coalesce(cast(per_url.published_at as date), per_url.first_snapshot_date)') }} as week_start
    from per_url
    left join mention_topics
        on per_url.mention_url = mention_topics.mention_url
)

select * from final
