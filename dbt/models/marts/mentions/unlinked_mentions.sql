-- Formula: docs/analytics.md#unlinked-mentions-and-share-of-voice
-- The outreach list: one row per page mentioning the configured site's brand (role 'site') on a
-- domain with NO live link to the site. Pages are already merged across monitoring tools
-- (int_mentions__deduplicated); brand matching is int_mentions__brand_matches. Pages on the
-- site's own domain or on a competitor's are not outreach targets and are left out. Mentions
-- of competitors' brands only are in share_of_voice, not here.
--   authority            the mentioning domain's authority in dim_referring_domains (it links to
--                        any configured site or competitor), else null
--   links_to_competitor  the domain links live to a competitor: a warmer lead
--   lead_score           (1 + ln(1 + coalesce(authority, 0))) * (2 if links_to_competitor else 1)
--   lead_rank            1 = best lead of the site: lead_score desc, then newest, then URL
with

mentions as (
    select * from {{ ref('int_mentions__deduplicated') }}
),

brand_matches as (
    select * from {{ ref('int_mentions__brand_matches') }}
),

-- the referring domains that mention a brand (a few, next to every domain linking anywhere)
referring_domains as (
    select * from {{ ref('dim_referring_domains') }}
    where source_domain in (select mentions.mention_domain from mentions)
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

site_mentions as (
    select
        brand_matches.site_domain,
        brand_matches.brand_terms,
        brand_matches.matched_in_title,
        brand_matches.matched_in_content,
        mentions.*
    from brand_matches
    inner join mentions
        on brand_matches.mention_url = mentions.mention_url
    where brand_matches.site_role = 'site'
),

-- authority is a property of the referring domain (equal on every site's row)
domain_authority as (
    select
        source_domain,
        max(authority) as authority
    from referring_domains
    group by source_domain
),

-- the competitors a mentioning domain links to live (one model answers this for the marts)
competitor_referrers as (
    select
        source_domain,
        competitor_domains as competitor_domains_linked
    from {{ ref('int_referring_domains__competitor_links') }}
),

unlinked as (
    select
        site_mentions.*,
        -- the domain linked to the site once and all those links are lost: a link to reclaim
        exists(
            select 1
            from referring_domains
            where
                referring_domains.site_domain = site_mentions.site_domain
                and referring_domains.source_domain = site_mentions.mention_domain
        ) as previously_linked_site
    from site_mentions
    where not exists (
        select 1
        from referring_domains
        where
            referring_domains.site_domain = site_mentions.site_domain
            and referring_domains.source_domain = site_mentions.mention_domain
            and referring_domains.live_links > 0
    )
    and coalesce(site_mentions.mention_domain, '') not in (select sites.site_domain from sites)
),

scored as (
    select
        unlinked.*,
        domain_authority.authority,
        competitor_referrers.competitor_domains_linked,
        competitor_referrers.source_domain is not null as links_to_competitor,
        (1 + ln(1 + coalesce(domain_authority.authority, 0)))
        * case when competitor_referrers.source_domain is not null then 2 else 1 end as lead_score
    from unlinked
    left join domain_authority
        on unlinked.mention_domain = domain_authority.source_domain
    left join competitor_referrers
        on unlinked.mention_domain = competitor_referrers.source_domain
),

final as (
    select
        -- ids
        site_domain,
        mention_url,
        mention_host,
        mention_domain,
        -- attributes
        source_tools as source_tool,
        title,
        brand_terms as brand_term,
        case
            when matched_in_title and matched_in_content then 'title,content'
            when matched_in_title then 'title'
            else 'content'
        end as matched_in,
        topic,
        source_type,
        language,
        competitor_domains_linked,
        links_to_competitor,
        previously_linked_site,
        -- numerics
        cast(tools_count as integer) as tools_count,
        cast(authority as {{ type_double() }}) as authority,
        cast(sentiment as {{ type_double() }}) as sentiment,
        cast(reach as {{ type_double() }}) as reach,
        cast(lead_score as {{ type_double() }}) as lead_score,
        cast(
            row_number() over (
                partition by site_domain
                order by lead_score desc, case when published_at is null then 1 else 0 end, published_at desc, mention_url asc
            ) as integer
        ) as lead_rank,
        -- timestamps
        published_at,
        week_start
    from scored
)

select * from final
