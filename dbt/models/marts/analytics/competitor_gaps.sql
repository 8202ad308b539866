-- Link-intersect gaps: every referring domain with a live link to at least one competitor and
-- no live link to the site, for the configured site. FIRST VERSION of the score:
--   opportunity_score = competitors_linked / N * ln(1 + authority)
-- with N = number of configured competitors and a missing authority counted as 0.
-- Configured domains themselves (the site, the competitors) are never opportunities.
with

links as (
    select * from {{ ref('fct_backlinks') }}
),

referring_domains as (
    select * from {{ ref('dim_referring_domains') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

the_site as (
    select site_domain from sites where site_role = 'site'
),

competitors as (
    select site_domain from sites where site_role = 'competitor'
),

competitor_count as (
    select count(*) as competitors_configured from competitors
),

live_links as (
    select * from links where not is_lost
),

competitor_referrers as (
    select
        live_links.source_domain,
        count(distinct live_links.site_domain) as competitors_linked,
        {{ string_agg_distinct_sorted('live_links.site_domain') }} as competitor_domains
    from live_links
    inner join competitors
        on live_links.site_domain = competitors.site_domain
    group by live_links.source_domain
),

-- authority and topic are properties of the referring domain (equal on every site's row)
domain_properties as (
    select
        source_domain,
        max(authority) as authority,
        max(topic) as topic
    from referring_domains
    group by source_domain
),

gaps as (
    select
        the_site.site_domain,
        competitor_referrers.source_domain,
        competitor_referrers.competitors_linked,
        competitor_referrers.competitor_domains
    from the_site
    cross join competitor_referrers
    where not exists (
            select 1
            from live_links
            where live_links.site_domain = the_site.site_domain
                and live_links.source_domain = competitor_referrers.source_domain
        )
        and competitor_referrers.source_domain not in (select site_domain from sites)
),

final as (
    select
        -- ids
        gaps.site_domain,
        gaps.source_domain,
        -- attributes
        gaps.competitor_domains,
        domain_properties.topic,
        -- the domain linked to the site once (a lost link to reclaim rather than a new one)
        exists (
            select 1
            from links
            where links.site_domain = gaps.site_domain
                and links.source_domain = gaps.source_domain
        ) as previously_linked_site,
        -- numerics
        cast(gaps.competitors_linked as integer) as competitors_linked,
        cast(domain_properties.authority as {{ type_double() }}) as authority,
        cast(
            1.0 * gaps.competitors_linked / competitor_count.competitors_configured
            * ln(1 + coalesce(domain_properties.authority, 0))
            as {{ type_double() }}
        ) as opportunity_score
    from gaps
    cross join competitor_count
    left join domain_properties
        on gaps.source_domain = domain_properties.source_domain
)

select * from final
