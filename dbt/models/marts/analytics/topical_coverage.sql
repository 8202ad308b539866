-- Formula: docs/analytics.md#topics
-- One row per (site_domain, topic): how many of a site's live referring domains are about each
-- topic, and how that share compares with the other configured domains: for the site, the
-- median over the competitors; for a competitor, over the other competitors and the site.
-- A domain with no share in a topic counts as 0 (not as missing), so a topic nobody but one
-- competitor covers has median 0. Every configured topic appears for every site, plus the
-- 'unassigned' bucket (domains no cluster matched), which is never a gap.
--     share             = topic referring domains / all live referring domains of the site
--     coverage_gap      = competitor_median_share - share   (> 0: the others cover it more)
--     is_under_covered  = coverage_gap >= topic_gap_min_share (sites.yml, default 0.05)
with

referring_domains as (
    select * from {{ ref('dim_referring_domains') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

topics as (
    select * from {{ ref('stg_config__topics') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

live_domains as (
    select
        site_domain,
        source_domain,
        topic
    from referring_domains
    where live_links > 0
),

all_topics as (
    select
        topic,
        true as is_configured_topic
    from topics
    union
    select
        topic,
        false as is_configured_topic
    from live_domains
    where live_domains.topic not in (select topics.topic from topics)
    union
    select
        'unassigned' as topic,
        false as is_configured_topic
),

topic_list as (
    select
        topic,
        max(case when is_configured_topic then 1 else 0 end) = 1 as is_configured_topic
    from all_topics
    group by topic
),

site_totals as (
    select
        site_domain,
        count(*) as total_referring_domains
    from live_domains
    group by site_domain
),

topic_counts as (
    select
        site_domain,
        topic,
        count(*) as topic_referring_domains
    from live_domains
    group by site_domain, topic
),

grid as (
    select
        sites.site_domain,
        sites.site_role,
        topic_list.topic,
        topic_list.is_configured_topic,
        coalesce(topic_counts.topic_referring_domains, 0) as referring_domains,
        site_totals.total_referring_domains,
        {{ safe_divide('coalesce(topic_counts.topic_referring_domains, 0)', 'site_totals.total_referring_domains') }} as share
    from sites
    cross join topic_list
    left join site_totals
        on sites.site_domain = site_totals.site_domain
    left join topic_counts
        on
            sites.site_domain = topic_counts.site_domain
            and topic_list.topic = topic_counts.topic
),

-- each row against the same topic on every other configured domain with live links
compared as (
    select
        grid.site_domain,
        grid.topic,
        count(others.share) as compared_domains,
        {{ median('others.share') }} as competitor_median_share,
        {{ median('others.referring_domains') }} as competitor_median_referring_domains
    from grid
    left join grid as others
        on
            grid.topic = others.topic
            and grid.site_domain <> others.site_domain
            and (grid.site_role = 'site' and others.site_role = 'competitor' or grid.site_role = 'competitor')
            and others.share is not null
    group by grid.site_domain, grid.topic
),

final as (
    select
        -- ids
        grid.site_domain,
        grid.topic,
        -- attributes
        grid.site_role,
        grid.is_configured_topic,
        coalesce(
            grid.topic <> 'unassigned'
            and compared.competitor_median_share - coalesce(grid.share, 0) >= thresholds.topic_gap_min_share,
            false
        ) as is_under_covered,
        -- numerics
        cast(grid.referring_domains as integer) as referring_domains,
        cast(coalesce(grid.total_referring_domains, 0) as integer) as site_referring_domains,
        cast(compared.compared_domains as integer) as compared_domains,
        cast(round(grid.share, 6) as {{ type_double() }}) as share,
        cast(round(compared.competitor_median_share, 6) as {{ type_double() }}) as competitor_median_share,
        cast(compared.competitor_median_referring_domains as {{ type_double() }}) as competitor_median_referring_domains,
        cast(round(compared.competitor_median_share - coalesce(grid.share, 0), 6) as {{ type_double() }}) as coverage_gap
    from grid
    inner join compared
        on
            grid.site_domain = compared.site_domain
            and grid.topic = compared.topic
    cross join thresholds
)

select * from final
