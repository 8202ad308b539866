-- Every link is counted once in dim_referring_domains, live links included.
with

links as (
    select
        site_domain,
        count(*) as links,
        sum(case when not is_lost then 1 else 0 end) as live_links
    from {{ ref('fct_backlinks') }}
    group by site_domain
),

domains as (
    select
        site_domain,
        sum(links) as links,
        sum(live_links) as live_links
    from {{ ref('dim_referring_domains') }}
    group by site_domain
)

select
    links.*,
    domains.links as domain_links,
    domains.live_links as domain_live_links
from links
full outer join domains
    on links.site_domain = domains.site_domain
where
    coalesce(links.links, -1) <> coalesce(domains.links, -1)
    or coalesce(links.live_links, -1) <> coalesce(domains.live_links, -1)
