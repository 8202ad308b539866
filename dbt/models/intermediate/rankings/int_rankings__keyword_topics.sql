-- Formula: docs/analytics.md#topics
-- The topical cluster of every ranking keyword, by the keyword rules referring domains are
-- assigned with (macros/topics/assign_topic.sql, shared with int_referring_domains__topics), the
-- keyword being the only field. Keywords no cluster keyword hits (brand queries, much of the
-- long tail) are 'unassigned', like referring domains.
with

rankings as (
    select distinct keyword from {{ ref('stg_raw__rankings') }}
    where keyword is not null
),

topics as (
    select * from {{ ref('stg_config__topics') }}
),

keyword_topics as (
    {{ assign_topic('rankings', ['keyword'], [{'name': 'keyword', 'text': 'keyword', 'weight': '1'}], 'topics') }}
)

select
    -- ids
    keyword,
    -- attributes
    topic,
    -- numerics
    cast(topic_score as {{ type_double() }}) as topic_score
from keyword_topics
