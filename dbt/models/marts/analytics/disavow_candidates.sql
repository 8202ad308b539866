-- Formula: docs/analytics.md#toxicity-and-disavow
-- What `backlinks disavow` writes: the referring domains of the configured site that are clear
-- toxicity cases, one entry each, with the reasons. Conservative by design (Google ignores most
-- spam; disavow is for paid links and manual actions): a domain needs toxicity_score >=
-- toxicity_candidate_threshold (default 60) AND toxicity_signals >= toxicity_min_signals
-- (default 2). Never listed: domains in sites.yml disavow.never (and sites under them), the
-- site and competitors themselves (and their registrable domains). The entry is
--   domain:<source_domain>  the registrable domain by the PSL incl. its private section, so
--                           x.blogspot.com is its own site and never rolls up to blogspot.com
--   <source URL>            one line per linking page for a platform domain of the seed
--                           platform_domains (reddit.com, medium.com...): never a whole platform
-- Domains whose links are all lost stay listed (a disavow also covers links that come back).
with

referring_domains as (
    select * from {{ ref('dim_referring_domains') }}
),

links as (
    select * from {{ ref('fct_backlinks') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

never as (
    select * from {{ ref('stg_config__disavow_never') }}
),

platform_domains as (
    select * from {{ ref('platform_domains') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

toxic as (
    select referring_domains.*
    from referring_domains
    inner join sites
        on
            referring_domains.site_domain = sites.site_domain
            and sites.site_role = 'site'
    cross join thresholds
    where
        referring_domains.toxicity_score >= thresholds.toxicity_candidate_threshold
        and referring_domains.toxicity_signals >= thresholds.toxicity_min_signals
        and not exists (
            select 1 from never
            where
                referring_domains.source_domain = never.domain
                or {{ dbt.right('referring_domains.source_domain', dbt.length('never.domain') ~ ' + 1') }} = '.' || never.domain
        )
        and not exists (
            select 1 from sites as configured
            where
                referring_domains.source_domain = configured.site_domain
                or {{ dbt.right('referring_domains.source_domain', dbt.length('configured.site_domain') ~ ' + 1') }} = '.' || configured.site_domain
                or {{ dbt.right('configured.site_domain', dbt.length('referring_domains.source_domain') ~ ' + 1') }} = '.' || referring_domains.source_domain
        )
),

entries as (
    select
        toxic.site_domain,
        'domain:' || toxic.source_domain as entry,
        'domain' as entry_type,
        toxic.source_domain
    from toxic
    where toxic.source_domain not in (select lower(platform_domains.domain) from platform_domains)

    union all

    select distinct
        toxic.site_domain,
        links.source_url as entry,
        'url' as entry_type,
        toxic.source_domain
    from toxic
    inner join links
        on
            toxic.site_domain = links.site_domain
            and toxic.source_domain = links.source_domain
    where toxic.source_domain in (select lower(platform_domains.domain) from platform_domains)
),

final as (
    select
        -- ids
        entries.site_domain,
        entries.entry,
        -- attributes
        entries.entry_type,
        entries.source_domain,
        toxic.toxicity_reasons as reasons,
        toxic.seen_by_google,
        -- numerics
        toxic.toxicity_score,
        toxic.toxicity_signals,
        toxic.links,
        toxic.live_links,
        -- timestamps
        toxic.first_seen,
        toxic.last_seen
    from entries
    inner join toxic
        on
            entries.site_domain = toxic.site_domain
            and entries.source_domain = toxic.source_domain
)

select * from final
