-- Keyword ranking history: one row per (site_domain, keyword, url, snapshot_date, source_tool).
-- Only rows with a keyword: GSC's page- and date-only tables are in page_rankings.
--   snapshot_date  the day the position describes: the export's ranking date (Semrush
--                  Position Tracking has one per day column, Semrush Positions its Timestamp),
--                  else the file's snapshot date (GSC tables are period aggregates: the date is
--                  the export's, the numbers cover its date range)
--   url            null for GSC query tables (no page dimension) and for "not ranking" rows
--   duplicates     two exports of one tool describing the same key (Semrush Positions and
--                  Position Tracking on one day) are merged: the row with a position wins, then
--                  the most recent file; `reports` counts the merged rows
--   topic          int_rankings__keyword_topics: the cluster rules of referring domains;
--                  'unassigned' when no cluster keyword occurs in the query
with

rankings as (
    select * from {{ ref('stg_raw__rankings') }}
    where keyword is not null
),

keyword_topics as (
    select * from {{ ref('int_rankings__keyword_topics') }}
),

ranked as (
    {{ ranked_reports('rankings', ['site_domain', 'keyword', 'url', 'observed_date', 'source_tool']) }}
),

final as (
    select
        -- ids
        ranked.site_domain,
        ranked.keyword,
        ranked.url,
        ranked.observed_date as snapshot_date,
        ranked.source_tool,
        -- attributes
        ranked.site_role,
        ranked.export_type,
        keyword_topics.topic,
        ranked.country,
        ranked.device,
        ranked.position is not null as is_ranking,
        -- numerics
        cast(ranked.position as {{ type_double() }}) as position,
        cast(ranked.previous_position as {{ type_double() }}) as previous_position,
        cast(ranked.clicks as {{ type_double() }}) as clicks,
        cast(ranked.impressions as {{ type_double() }}) as impressions,
        cast(ranked.ctr as {{ type_double() }}) as ctr,
        cast(ranked.search_volume as {{ type_double() }}) as search_volume,
        cast(ranked.reports as integer) as reports
    from ranked
    left join keyword_topics
        on ranked.keyword = keyword_topics.keyword
    where ranked.report_rank = 1
)

select * from final
