-- Formula: docs/analytics.md#links-vs-rankings
-- Did links move rankings? One row per landing page and ISO week: the live referring domains
-- pointing at the page next to its positions and clicks, from links_vs_rankings_max_lag_weeks
-- (sites.yml thresholds, default 8) weeks before the page's first ranking observation to its last.
--   page                 page_key(url): scheme, `www.`, query and trailing slashes ignored, so a
--                        link's target and a ranking URL meet however the tools spell them
--   live_referring_domains  distinct source domains with a link to the page that is live at the
--                        end of the week (first_seen on or before it, lost_at after it or null)
--   avg_position         mean position of the page's ranking keywords that week, from rank
--                        trackers only (GSC positions are period averages over every query)
--   clicks, impressions  GSC clicks of exports dated that week: page-level rows (GSC Pages)
--                        when there are any, else the sum of the page's (query, page) rows
--   correlation columns  macros/rankings/lagged_correlation.sql over the whole series:
--                        corr(live_referring_domains k weeks earlier, avg_position) for
--                        k = 0..links_vs_rankings_max_lag_weeks; best_lag_weeks = the k with the most negative
--                        correlation (more links, better position); equal on every row of a page
with

links as (
    select * from {{ ref('fct_backlinks') }}
),

keyword_rankings as (
    select * from {{ ref('keyword_rankings') }}
),

page_rankings as (
    select * from {{ ref('page_rankings') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

tracked as (
    select
        site_domain,
        {{ page_key('url') }} as page_key,
        url,
        keyword,
        position,
        {{ week_index('snapshot_date') }} as week_index
    from keyword_rankings
    where
        url is not null
        and position is not null
        and source_tool <> 'gsc'
),

page_positions as (
    select
        site_domain,
        page_key,
        week_index,
        avg(position) as avg_position,
        min(position) as best_position,
        count(distinct keyword) as keywords_ranking
    from tracked
    group by site_domain, page_key, week_index
),

gsc_page_rows as (
    select
        site_domain,
        {{ page_key('url') }} as page_key,
        {{ week_index('snapshot_date') }} as week_index,
        sum(clicks) as clicks,
        sum(impressions) as impressions
    from page_rankings
    where scope = 'page'
    group by site_domain, {{ page_key('url') }}, {{ week_index('snapshot_date') }}
),

gsc_query_page_rows as (
    select
        site_domain,
        {{ page_key('url') }} as page_key,
        {{ week_index('snapshot_date') }} as week_index,
        sum(clicks) as clicks,
        sum(impressions) as impressions
    from keyword_rankings
    where
        source_tool = 'gsc'
        and url is not null
    group by site_domain, {{ page_key('url') }}, {{ week_index('snapshot_date') }}
),

pages as (
    select
        tracked.site_domain,
        tracked.page_key,
        min(tracked.url) as page_url,
        min(tracked.week_index) - max(thresholds.links_vs_rankings_max_lag_weeks) as first_week,
        max(tracked.week_index) as last_week
    from tracked
    cross join thresholds
    group by tracked.site_domain, tracked.page_key
),

calendar as (
    {{ week_calendar('pages', ['site_domain', 'page_key', 'page_url']) }}
),

link_spans as (
    select
        site_domain,
        {{ page_key('target_url') }} as page_key,
        source_domain,
        {{ week_index('first_seen') }} as first_week,
        {{ week_index('lost_at') }} as lost_week
    from links
    where target_url is not null
),

weekly_links as (
    {{ live_domains_per_week('calendar', 'link_spans', ['site_domain', 'page_key'], 'live_referring_domains') }}
),

series as (
    select
        calendar.site_domain,
        calendar.page_key,
        calendar.page_url,
        calendar.week_index,
        calendar.week_index = calendar.last_week as is_latest_week,
        weekly_links.live_referring_domains,
        page_positions.avg_position,
        page_positions.best_position,
        page_positions.keywords_ranking,
        coalesce(gsc_page_rows.clicks, gsc_query_page_rows.clicks) as clicks,
        coalesce(gsc_page_rows.impressions, gsc_query_page_rows.impressions) as impressions
    from calendar
    inner join weekly_links
        on
            calendar.site_domain = weekly_links.site_domain
            and calendar.page_key = weekly_links.page_key
            and calendar.week_index = weekly_links.week_index
    left join page_positions
        on
            calendar.site_domain = page_positions.site_domain
            and calendar.page_key = page_positions.page_key
            and calendar.week_index = page_positions.week_index
    left join gsc_page_rows
        on
            calendar.site_domain = gsc_page_rows.site_domain
            and calendar.page_key = gsc_page_rows.page_key
            and calendar.week_index = gsc_page_rows.week_index
    left join gsc_query_page_rows
        on
            calendar.site_domain = gsc_query_page_rows.site_domain
            and calendar.page_key = gsc_query_page_rows.page_key
            and calendar.week_index = gsc_query_page_rows.week_index
),

correlations as (
    {{ lagged_correlation(
        'series', ['site_domain', 'page_key'], 'live_referring_domains', 'avg_position',
        '(select links_vs_rankings_max_lag_weeks from thresholds)'
    ) }}
),

final as (
    select
        -- ids
        series.site_domain,
        series.page_url,
        {{ week_start_of_index('series.week_index') }} as week_start,
        -- attributes
        series.page_key,
        series.is_latest_week,
        -- numerics
        cast(series.live_referring_domains as integer) as live_referring_domains,
        cast(
            series.live_referring_domains - lag(series.live_referring_domains) over (
                partition by series.site_domain, series.page_key order by series.week_index
            ) as integer
        ) as referring_domains_change,
        cast(series.avg_position as {{ type_double() }}) as avg_position,
        cast(series.best_position as {{ type_double() }}) as best_position,
        cast(series.keywords_ranking as integer) as keywords_ranking,
        cast(series.clicks as {{ type_double() }}) as clicks,
        cast(series.impressions as {{ type_double() }}) as impressions,
        cast(correlations.paired_weeks as integer) as paired_weeks,
        cast(correlations.correlation_same_week as {{ type_double() }}) as correlation_same_week,
        cast(correlations.best_lag_weeks as integer) as best_lag_weeks,
        cast(correlations.best_lag_correlation as {{ type_double() }}) as best_lag_correlation
    from series
    left join correlations
        on
            series.site_domain = correlations.site_domain
            and series.page_key = correlations.page_key
)

select * from final
