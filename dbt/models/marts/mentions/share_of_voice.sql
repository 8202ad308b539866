-- Formula: docs/analytics.md#unlinked-mentions-and-share-of-voice
-- Share of voice: for every week and source type with at least one brand mention, one row per
-- configured brand (the site and each competitor, zeros included) with its mentions and its
-- share of that week's mentions of all brands.
--   a page mentioning two brands counts once for each (so shares of a week add up to 1)
--   a brand's mentions on its own domain (its blog, its shop) are not voice and not counted
--   week_start: the ISO week of published_at, else of the first file that reported the page
with

mentions as (
    select * from {{ ref('int_mentions__deduplicated') }}
),

brand_matches as (
    select * from {{ ref('int_mentions__brand_matches') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

brand_mentions as (
    select
        brand_matches.site_domain,
        mentions.mention_url,
        mentions.week_start,
        mentions.source_type,
        mentions.sentiment,
        mentions.reach
    from brand_matches
    inner join mentions
        on brand_matches.mention_url = mentions.mention_url
    where coalesce(mentions.mention_domain, '') <> brand_matches.site_domain
),

weeks_and_types as (
    select distinct
        week_start,
        source_type
    from brand_mentions
),

grid as (
    select
        sites.site_domain,
        sites.site_role,
        weeks_and_types.week_start,
        weeks_and_types.source_type
    from sites
    cross join weeks_and_types
),

counts as (
    select
        site_domain,
        week_start,
        source_type,
        count(*) as mentions,
        avg(sentiment) as avg_sentiment,
        sum(reach) as reach
    from brand_mentions
    group by site_domain, week_start, source_type
),

counted as (
    select
        grid.*,
        coalesce(counts.mentions, 0) as mentions,
        counts.avg_sentiment,
        counts.reach
    from grid
    left join counts
        on
            grid.site_domain = counts.site_domain
            and grid.week_start = counts.week_start
            and grid.source_type = counts.source_type
),

totals as (
    select
        counted.*,
        sum(counted.mentions) over (partition by counted.week_start, counted.source_type) as source_type_mentions,
        sum(counted.mentions) over (partition by counted.week_start) as week_mentions,
        sum(counted.mentions) over (partition by counted.site_domain, counted.week_start) as brand_week_mentions
    from counted
),

final as (
    select
        -- ids
        site_domain,
        week_start,
        source_type,
        -- attributes
        site_role,
        -- numerics
        cast(mentions as integer) as mentions,
        cast(source_type_mentions as integer) as source_type_mentions,
        cast(mentions as {{ type_double() }}) / source_type_mentions as share_of_voice,
        cast(brand_week_mentions as integer) as brand_week_mentions,
        cast(week_mentions as integer) as week_mentions,
        cast(brand_week_mentions as {{ type_double() }}) / week_mentions as week_share_of_voice,
        cast(avg_sentiment as {{ type_double() }}) as avg_sentiment,
        cast(reach as {{ type_double() }}) as reach
    from totals
)

select * from final
