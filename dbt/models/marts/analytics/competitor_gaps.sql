-- Formula: docs/analytics.md#competitor-gaps
-- Link intersect, as the tools define it: every referring domain with a live link to at least
-- one competitor and no live link to the configured site, with the competitors it links to,
-- its authority, topic, toxicity and whether its links are followed, and an opportunity score:
--     opportunity_score = 100 * (competitors_linked / N)
--                             * ln(1 + authority) / ln(101)
--                             * (1 if its topic is a configured cluster else gap_offtopic_factor)
--                             * (1 - toxicity_score / 100)
-- N = configured competitors; a missing authority counts as 0. A row is an opportunity (ranked
-- by score) when it passes every filter of sites.yml thresholds: links to >= gap_min_competitors
-- competitors, authority >= gap_min_authority, a followed link (gap_follow_only), not a
-- platform / UGC domain (gap_exclude_platforms), toxicity below toxicity_candidate_threshold.
-- Other rows stay, with the reasons they were left out. The site and competitors themselves
-- are never gaps.
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

the_site as (
    select site_domain from sites
    where site_role = 'site'
),

competitor_count as (
    select count(*) as competitors_configured from sites
    where site_role = 'competitor'
),

-- per referring domain, the competitors it links to live (one model answers this for the marts)
competitor_referrers as (
    select * from {{ ref('int_referring_domains__competitor_links') }}
),

-- authority, topic, toxicity and platform kind describe the referring domain (equal on every
-- site's row)
domain_properties as (
    select
        source_domain,
        max(authority) as authority,
        max(authority_tools) as authority_tools,
        max(topic) as topic,
        max(toxicity_score) as toxicity_score,
        max(platform_kind) as platform_kind
    from referring_domains
    group by source_domain
),

configured_topics as (
    select distinct topic from topics
),

gaps as (
    select
        the_site.site_domain,
        competitor_referrers.*
    from the_site
    cross join competitor_referrers
    where not exists (
        select 1
        from referring_domains
        where
            referring_domains.site_domain = the_site.site_domain
            and referring_domains.source_domain = competitor_referrers.source_domain
            and referring_domains.live_links > 0
    )
    and competitor_referrers.source_domain not in (select sites.site_domain from sites)
),

scored as (
    select
        gaps.*,
        domain_properties.authority,
        coalesce(domain_properties.authority_tools, 0) as authority_tools,
        domain_properties.topic,
        coalesce(domain_properties.toxicity_score, 0) as toxicity_score,
        domain_properties.platform_kind,
        competitor_count.competitors_configured,
        -- without configured clusters every domain matches
        (
            not exists (select 1 from configured_topics)
            or domain_properties.topic in (select configured_topics.topic from configured_topics)
        ) as topic_match,
        exists(
            select 1
            from referring_domains
            where
                referring_domains.site_domain = gaps.site_domain
                and referring_domains.source_domain = gaps.source_domain
        ) as previously_linked_site
    from gaps
    cross join competitor_count
    left join domain_properties
        on gaps.source_domain = domain_properties.source_domain
),

exclusions as (
    select
        scored.site_domain,
        scored.source_domain,
        'links to ' || cast(scored.competitors_linked as {{ dbt.type_string() }}) || ' of '
        || cast(scored.competitors_configured as {{ dbt.type_string() }}) || ' competitors (min '
        || cast(thresholds.gap_min_competitors as {{ dbt.type_string() }}) || ')' as reason
    from scored cross join thresholds
    where scored.competitors_linked < thresholds.gap_min_competitors

    union all
    select
        scored.site_domain,
        scored.source_domain,
        case
            when scored.authority is null then 'no authority score'
            else
                'authority ' || {{ int_text('scored.authority') }} || ' (min '
                || {{ int_text('thresholds.gap_min_authority') }} || ')'
        end as reason
    from scored cross join thresholds
    where coalesce(scored.authority, 0) < thresholds.gap_min_authority

    union all
    select
        scored.site_domain,
        scored.source_domain,
        'no followed link to a competitor' as reason
    from scored cross join thresholds
    where thresholds.gap_follow_only and scored.followed_links_to_competitors = 0

    union all
    select
        scored.site_domain,
        scored.source_domain,
        'platform domain (' || scored.platform_kind || ')' as reason
    from scored cross join thresholds
    where thresholds.gap_exclude_platforms and scored.platform_kind is not null

    union all
    select
        scored.site_domain,
        scored.source_domain,
        'toxicity ' || {{ int_text('scored.toxicity_score') }} as reason
    from scored cross join thresholds
    where scored.toxicity_score >= thresholds.toxicity_candidate_threshold
),

excluded as (
    select
        site_domain,
        source_domain,
        {{ string_agg_distinct_sorted('reason', "'; '") }} as excluded_because
    from exclusions
    group by site_domain, source_domain
),

with_score as (
    select
        scored.*,
        excluded.excluded_because,
        round(
            100.0
            * scored.competitors_linked / nullif(scored.competitors_configured, 0)
            * ln(1 + least(greatest(coalesce(scored.authority, 0), 0), 100)) / ln(101)
            * case when scored.topic_match then 1.0 else thresholds.gap_offtopic_factor end
            * (1 - scored.toxicity_score / 100.0),
            4
        ) as opportunity_score
    from scored
    cross join thresholds
    left join excluded
        on
            scored.site_domain = excluded.site_domain
            and scored.source_domain = excluded.source_domain
),

final as (
    select
        -- ids
        site_domain,
        source_domain,
        -- attributes
        competitor_domains,
        topic,
        platform_kind,
        excluded_because,
        excluded_because is null as is_opportunity,
        topic_match,
        followed_links_to_competitors > 0 as has_followed_link,
        previously_linked_site,
        -- numerics
        cast(competitors_linked as integer) as competitors_linked,
        cast(competitors_configured as integer) as competitors_configured,
        cast(links_to_competitors as integer) as links_to_competitors,
        cast(followed_links_to_competitors as integer) as followed_links_to_competitors,
        cast(authority as {{ type_double() }}) as authority,
        cast(authority_tools as integer) as authority_tools,
        cast(toxicity_score as {{ type_double() }}) as toxicity_score,
        cast(coalesce(opportunity_score, 0) as {{ type_double() }}) as opportunity_score,
        cast(
            case
                when excluded_because is null then row_number() over (
                    partition by site_domain, excluded_because is null
                    order by opportunity_score desc, competitors_linked desc, authority desc, source_domain asc
                )
            end
            as integer
        ) as opportunity_rank
    from with_score
)

select * from final
