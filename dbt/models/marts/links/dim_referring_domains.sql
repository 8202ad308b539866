-- One row per (site_domain, source_domain): a referring domain of a site or competitor, with its
-- link counts and dates for that site, and the properties of the referring domain itself
-- (equal on every site's row): consensus authority with the per-tool scores behind it, topic,
-- toxicity with its reasons, TLD, IPv4 /24 and platform kind.
-- The per-site link counts come from int_referring_domains__site_links (incremental); this join
-- of domain-sized tables is rebuilt whole, because authority is a percentile over every domain.
with

site_links as (
    select * from {{ ref('int_referring_domains__site_links') }}
),

-- the domains' facts with the referring-domains exports' figures merged in
features as (
    select * from {{ ref('int_referring_domains__figures') }}
),

authority as (
    select * from {{ ref('int_referring_domains__authority') }}
),

topics as (
    select * from {{ ref('int_referring_domains__topics') }}
),

toxicity as (
    select * from {{ ref('int_referring_domains__toxicity') }}
),

platform_domains as (
    select * from {{ ref('platform_domains') }}
),

-- platform / UGC / CDN domains (seed platform_domains): the domain itself, or any site under it
-- when the seed says include_subdomains (x.wordpress.com)
platform_matches as (
    select
        site_links.source_domain,
        platform_domains.kind as platform_kind,
        row_number() over (
            partition by site_links.source_domain
            order by {{ dbt.length('platform_domains.domain') }} desc
        ) as match_rank
    from (select distinct source_domain from site_links) as site_links
    inner join platform_domains
        on
            site_links.source_domain = lower(platform_domains.domain)
            or (
                platform_domains.include_subdomains
                and {{ dbt.right('site_links.source_domain', dbt.length('platform_domains.domain') ~ ' + 1') }}
                = '.' || lower(platform_domains.domain)
            )
),

final as (
    select
        -- ids
        site_links.site_domain,
        site_links.source_domain,
        -- attributes
        features.tld,
        topics.topic,
        topics.topic_source,
        features.vendor_category,
        platform_matches.platform_kind,
        features.source_subnet,
        toxicity.toxicity_reasons,
        site_links.seen_by_google,
        -- numerics
        cast(site_links.links as integer) as links,
        cast(site_links.live_links as integer) as live_links,
        cast(site_links.live_follow_links as integer) as live_follow_links,
        authority.authority,
        cast(coalesce(authority.authority_tools, 0) as integer) as authority_tools,
        features.domain_rating as ahrefs_domain_rating,
        features.domain_authority as moz_domain_authority,
        features.trust_flow as majestic_trust_flow,
        features.citation_flow as majestic_citation_flow,
        features.ascore as semrush_ascore,
        features.spam_score as moz_spam_score,
        features.vendor_toxicity as semrush_toxicity,
        topics.topic_score,
        cast(coalesce(toxicity.toxicity_score, 0) as {{ type_double() }}) as toxicity_score,
        cast(coalesce(toxicity.toxicity_signals, 0) as integer) as toxicity_signals,
        -- timestamps
        site_links.first_seen,
        site_links.last_seen,
        site_links.lost_at
    from site_links
    left join features
        on site_links.source_domain = features.source_domain
    left join authority
        on site_links.source_domain = authority.source_domain
    left join topics
        on site_links.source_domain = topics.source_domain
    left join toxicity
        on site_links.source_domain = toxicity.source_domain
    left join platform_matches
        on
            site_links.source_domain = platform_matches.source_domain
            and platform_matches.match_rank = 1
)

select * from final
