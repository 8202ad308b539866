-- Which competitors each referring domain links to: one row per referring domain with a live
-- link to at least one configured competitor, with those competitors (sorted, comma-joined),
-- how many, and its live and live-followed links to them. One answer for the two marts that ask
-- (competitor_gaps: the link intersect; unlinked_mentions: the warmer leads).
with

site_links as (
    select * from {{ ref('int_referring_domains__site_links') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

final as (
    select
        -- ids
        site_links.source_domain,
        -- attributes
        {{ string_agg_distinct_sorted('site_links.site_domain') }} as competitor_domains,
        -- numerics
        count(*) as competitors_linked,
        sum(site_links.live_links) as links_to_competitors,
        sum(site_links.live_follow_links) as followed_links_to_competitors
    from site_links
    inner join sites
        on
            site_links.site_domain = sites.site_domain
            and sites.site_role = 'competitor'
    where site_links.live_links > 0
    group by site_links.source_domain
)

select * from final
