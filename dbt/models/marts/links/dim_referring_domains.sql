-- One row per (site_domain, source_domain): a referring domain of a site or competitor, with its
-- link counts and dates for that site, and the properties of the referring domain itself
-- (equal on every site's row): consensus authority with the per-tool scores behind it, topic,
-- toxicity with its reasons, TLD, IPv4 /24 and platform kind.
with

links as (
    select * from {{ ref('fct_backlinks') }}
),

features as (
    select * from {{ ref('int_referring_domains__features') }}
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

per_site_domain as (
    select
        -- ids
        site_domain,
        source_domain,
        -- attributes
        max(case when sources like '%gsc%' then 1 else 0 end) = 1 as seen_by_google,
        -- numerics
        count(*) as links,
        sum(case when not is_lost then 1 else 0 end) as live_links,
        sum(case when not is_lost and rel = 'follow' then 1 else 0 end) as live_follow_links,
        -- timestamps
        min(first_seen) as first_seen,
        max(last_seen) as last_seen,
        -- a referring domain is lost when its last live link is
        case when sum(case when not is_lost then 1 else 0 end) = 0 then max(lost_at) end as lost_at
    from links
    group by site_domain, source_domain
),

-- platform / UGC / CDN domains (seed platform_domains): the domain itself, or any site under it
-- when the seed says include_subdomains (x.wordpress.com)
platform_matches as (
    select
        per_site_domain.source_domain,
        platform_domains.kind as platform_kind,
        row_number() over (
            partition by per_site_domain.source_domain
            order by {{ dbt.length('platform_domains.domain') }} desc
        ) as match_rank
    from (select distinct source_domain from per_site_domain) as per_site_domain
    inner join platform_domains
        on per_site_domain.source_domain = lower(platform_domains.domain)
        or (
            platform_domains.include_subdomains
            and {{ dbt.right('per_site_domain.source_domain', dbt.length('platform_domains.domain') ~ ' + 1') }}
                = '.' || lower(platform_domains.domain)
        )
),

final as (
    select
        -- ids
        per_site_domain.site_domain,
        per_site_domain.source_domain,
        -- attributes
        features.tld,
        topics.topic,
        topics.topic_source,
        features.vendor_category,
        platform_matches.platform_kind,
        features.source_subnet,
        toxicity.toxicity_reasons,
        per_site_domain.seen_by_google,
        -- numerics
        cast(per_site_domain.links as integer) as links,
        cast(per_site_domain.live_links as integer) as live_links,
        cast(per_site_domain.live_follow_links as integer) as live_follow_links,
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
        per_site_domain.first_seen,
        per_site_domain.last_seen,
        per_site_domain.lost_at
    from per_site_domain
    left join features
        on per_site_domain.source_domain = features.source_domain
    left join authority
        on per_site_domain.source_domain = authority.source_domain
    left join topics
        on per_site_domain.source_domain = topics.source_domain
    left join toxicity
        on per_site_domain.source_domain = toxicity.source_domain
    left join platform_matches
        on per_site_domain.source_domain = platform_matches.source_domain
        and platform_matches.match_rank = 1
)

select * from final
