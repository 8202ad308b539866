-- Formula: docs/analytics.md#links-vs-rankings
-- "Links in a topic" next to "rankings in a topic": one row per (site, configured topic, ISO
-- week), from links_vs_rankings_max_lag_weeks weeks before the topic's first ranking
-- observation to its last (thresholds from sites.yml: stg_config__thresholds).
--   live_referring_domains  the site's referring domains whose topic (dim_referring_domains) is
--                        the topic, live at the end of the week (first_seen on or before it,
--                        lost_at after it or null)
--   links_share          that count over the site's live referring domains in any configured
--                        topic that week (0 when there are none)
--   rankings             the topic's keywords (keyword_rankings.topic, same cluster rules) from
--                        rank trackers that week; avg_position over the ranking ones
--   divergence           on weeks with tracked keywords, with fair share = 1 / configured topics:
--                          many_links_poor_rankings  links_share >= fair share and avg_position
--                                                    > topic_divergence_poor_position (default 20)
--                                                    or nothing ranks
--                          few_links_good_rankings   links_share < fair share / 2 and
--                                                    avg_position <= topic_divergence_good_position
--                                                    (default 10)
--   correlation columns  as in links_vs_rankings_pages, per topic
with

referring_domains as (
    select * from {{ ref('dim_referring_domains') }}
),

keyword_rankings as (
    select * from {{ ref('keyword_rankings') }}
),

topics as (
    select distinct topic from {{ ref('stg_config__topics') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

topic_count as (
    select count(*) as topics_configured from topics
),

tracked as (
    select
        keyword_rankings.site_domain,
        keyword_rankings.topic,
        keyword_rankings.keyword,
        keyword_rankings.position,
        {{ week_index('keyword_rankings.snapshot_date') }} as week_index
    from keyword_rankings
    inner join topics
        on keyword_rankings.topic = topics.topic
    where keyword_rankings.source_tool <> 'gsc'
),

topic_positions as (
    select
        site_domain,
        topic,
        week_index,
        count(distinct keyword) as keywords_tracked,
        count(distinct case when position is not null then keyword end) as keywords_ranking,
        count(distinct case when position <= 10 then keyword end) as keywords_top10,
        avg(position) as avg_position
    from tracked
    group by site_domain, topic, week_index
),

-- GSC query totals (rows without a page) when the week has any, else its (query, page) rows
gsc_clicks as (
    select
        keyword_rankings.site_domain,
        keyword_rankings.topic,
        {{ week_index('keyword_rankings.snapshot_date') }} as week_index,
        sum(case when keyword_rankings.url is null then keyword_rankings.clicks end) as query_clicks,
        sum(case when keyword_rankings.url is not null then keyword_rankings.clicks end) as query_page_clicks
    from keyword_rankings
    inner join topics
        on keyword_rankings.topic = topics.topic
    where keyword_rankings.source_tool = 'gsc'
    group by keyword_rankings.site_domain, keyword_rankings.topic, {{ week_index('keyword_rankings.snapshot_date') }}
),

topic_spans as (
    select
        tracked.site_domain,
        tracked.topic,
        min(tracked.week_index) - max(thresholds.links_vs_rankings_max_lag_weeks) as first_week,
        max(tracked.week_index) as last_week
    from tracked
    cross join thresholds
    group by tracked.site_domain, tracked.topic
),

calendar as (
    {{ week_calendar('topic_spans', ['site_domain', 'topic']) }}
),

domain_spans as (
    select
        referring_domains.site_domain,
        referring_domains.topic,
        referring_domains.source_domain,
        {{ week_index('referring_domains.first_seen') }} as first_week,
        {{ week_index('referring_domains.lost_at') }} as lost_week
    from referring_domains
    inner join topics
        on referring_domains.topic = topics.topic
),

weekly_links as (
    {{ live_domains_per_week('calendar', 'domain_spans', ['site_domain', 'topic'], 'live_referring_domains') }}
),

site_weeks as (
    select distinct
        site_domain,
        week_index
    from calendar
),

-- every configured topic's live referring domains of the site, the links_share denominator
weekly_site_links as (
    {{ live_domains_per_week('site_weeks', 'domain_spans', ['site_domain'], 'topical_referring_domains') }}
),

series as (
    select
        calendar.site_domain,
        calendar.topic,
        calendar.week_index,
        calendar.week_index = calendar.last_week as is_latest_week,
        weekly_links.live_referring_domains,
        case
            when weekly_site_links.topical_referring_domains > 0
                then cast(weekly_links.live_referring_domains as {{ type_double() }}) / weekly_site_links.topical_referring_domains
            else 0
        end as links_share,
        topic_positions.keywords_tracked,
        topic_positions.keywords_ranking,
        topic_positions.keywords_top10,
        topic_positions.avg_position,
        coalesce(gsc_clicks.query_clicks, gsc_clicks.query_page_clicks) as clicks
    from calendar
    inner join weekly_links
        on
            calendar.site_domain = weekly_links.site_domain
            and calendar.topic = weekly_links.topic
            and calendar.week_index = weekly_links.week_index
    inner join weekly_site_links
        on
            calendar.site_domain = weekly_site_links.site_domain
            and calendar.week_index = weekly_site_links.week_index
    left join topic_positions
        on
            calendar.site_domain = topic_positions.site_domain
            and calendar.topic = topic_positions.topic
            and calendar.week_index = topic_positions.week_index
    left join gsc_clicks
        on
            calendar.site_domain = gsc_clicks.site_domain
            and calendar.topic = gsc_clicks.topic
            and calendar.week_index = gsc_clicks.week_index
),

correlations as (
    {{ lagged_correlation(
        'series', ['site_domain', 'topic'], 'live_referring_domains', 'avg_position',
        '(select links_vs_rankings_max_lag_weeks from thresholds)'
    ) }}
),

flagged as (
    select
        -- ids
        series.site_domain,
        series.topic,
        {{ week_start_of_index('series.week_index') }} as week_start,
        -- attributes
        case
            when series.keywords_tracked is null then null
            when
                series.links_share >= cast(1 as {{ type_double() }}) / topic_count.topics_configured
                and (series.avg_position is null or series.avg_position > thresholds.topic_divergence_poor_position)
                then 'many_links_poor_rankings'
            when
                series.links_share < cast(0.5 as {{ type_double() }}) / topic_count.topics_configured
                and series.avg_position <= thresholds.topic_divergence_good_position
                then 'few_links_good_rankings'
        end as divergence,
        series.is_latest_week,
        -- numerics
        cast(series.live_referring_domains as integer) as live_referring_domains,
        cast(
            series.live_referring_domains - lag(series.live_referring_domains) over (
                partition by series.site_domain, series.topic order by series.week_index
            ) as integer
        ) as referring_domains_change,
        cast(series.links_share as {{ type_double() }}) as links_share,
        cast(series.keywords_tracked as integer) as keywords_tracked,
        cast(series.keywords_ranking as integer) as keywords_ranking,
        cast(series.keywords_top10 as integer) as keywords_top10,
        cast(series.avg_position as {{ type_double() }}) as avg_position,
        cast(series.clicks as {{ type_double() }}) as clicks,
        cast(correlations.paired_weeks as integer) as paired_weeks,
        cast(correlations.correlation_same_week as {{ type_double() }}) as correlation_same_week,
        cast(correlations.best_lag_weeks as integer) as best_lag_weeks,
        cast(correlations.best_lag_correlation as {{ type_double() }}) as best_lag_correlation
    from series
    cross join topic_count
    cross join thresholds
    left join correlations
        on
            series.site_domain = correlations.site_domain
            and series.topic = correlations.topic
),

final as (
    select
        site_domain,
        topic,
        week_start,
        divergence,
        divergence is not null as is_diverging,
        is_latest_week,
        live_referring_domains,
        referring_domains_change,
        links_share,
        keywords_tracked,
        keywords_ranking,
        keywords_top10,
        avg_position,
        clicks,
        paired_weeks,
        correlation_same_week,
        best_lag_weeks,
        best_lag_correlation
    from flagged
)

select * from final
