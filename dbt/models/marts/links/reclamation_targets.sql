-- Formula: docs/analytics.md#reclamation-targets
-- One row per page of a configured site whose latest known HTTP status is 4xx/5xx
-- (int_backlinks__target_status) and that live links (fct_backlinks, not lost) still point to:
-- the list a developer turns into 301 redirects.
--
-- priority = sum over the referring domains with a live link to the page of
--     (1 + authority / 50)        consensus authority 0-100 of the domain (none = 0): 1 to 3
--   * (1 if one of its links to the page is followed or its rel is unknown, else 0.5)
-- rounded to 2 decimals: a referring domain counts once however many links it has, and a strong,
-- followed domain counts up to 3 times a weak or unknown one. reclaim_rank orders a site's rows:
-- priority, then referring domains, then links (all descending), then target_url - stable.
--
-- suggested_redirect: the closest live page of the same site and host (www. ignored). Candidates
-- are the targets of the site's live links whose latest known status is not 4xx/5xx, other than
-- the page's own path. Closest = the most leading path segments shared (macro
-- shared_path_segments), then the smallest edit distance between the paths, then the
-- alphabetically first URL. Null when no candidate is close (macro is_close_path: no shared
-- segment and the paths differ by more than a third of the longer one).
with

statuses as (
    select * from {{ ref('int_backlinks__target_status') }}
),

domains as (
    select * from {{ ref('dim_referring_domains') }}
),

live_links as (
    select
        site_domain,
        source_domain,
        target_url,
        {{ url_identity('target_url') }} as target_url_key,
        rel
    from {{ ref('fct_backlinks') }}
    where not is_lost and target_url is not null
),

broken as (
    select * from statuses
    where http_code >= 400
),

-- each referring domain of a broken page once: its links to the page and whether one is followed
broken_domains as (
    select
        broken.site_domain,
        broken.target_url_key,
        live_links.source_domain,
        count(*) as links,
        max(case when live_links.rel is null or live_links.rel = 'follow' then 1 else 0 end) as followed
    from broken
    inner join live_links
        on
            broken.site_domain = live_links.site_domain
            and broken.target_url_key = live_links.target_url_key
    group by broken.site_domain, broken.target_url_key, live_links.source_domain
),

scored as (
    select
        broken_domains.site_domain,
        broken_domains.target_url_key,
        count(*) as referring_domains,
        sum(broken_domains.links) as links,
        max(domains.authority) as best_authority,
        round(sum(
            (1 + coalesce(domains.authority, 0) / 50.0)
            * case when broken_domains.followed = 1 then 1.0 else 0.5 end
        ), 2) as priority
    from broken_domains
    left join domains
        on
            broken_domains.site_domain = domains.site_domain
            and broken_domains.source_domain = domains.source_domain
    group by broken_domains.site_domain, broken_domains.target_url_key
),

-- the site's live pages a broken one can redirect to: linked, not known broken
candidates as (
    select distinct
        live_links.site_domain,
        live_links.target_url,
        {{ url_site_host('live_links.target_url') }} as site_host,
        {{ url_path('live_links.target_url') }} as path
    from live_links
    left join statuses
        on
            live_links.site_domain = statuses.site_domain
            and live_links.target_url_key = statuses.target_url_key
    where statuses.http_code is null or statuses.http_code < 400
),

broken_paths as (
    select
        broken.site_domain,
        broken.target_url_key,
        {{ url_site_host('broken.target_url') }} as site_host,
        {{ url_path('broken.target_url') }} as path
    from broken
),

pairs as (
    select
        broken_paths.site_domain,
        broken_paths.target_url_key,
        broken_paths.path as broken_path,
        candidates.path as candidate_path,
        candidates.target_url as candidate_url,
        {{ shared_path_segments('broken_paths.path', 'candidates.path') }} as shared_segments,
        {{ edit_distance('broken_paths.path', 'candidates.path') }} as path_distance
    from broken_paths
    inner join candidates
        on
            broken_paths.site_domain = candidates.site_domain
            and broken_paths.site_host = candidates.site_host
            and broken_paths.path <> candidates.path
),

closest as (
    select
        site_domain,
        target_url_key,
        candidate_url,
        row_number() over (
            partition by site_domain, target_url_key
            order by shared_segments desc, path_distance asc, candidate_url asc
        ) as candidate_rank
    from pairs
    where {{ is_close_path('shared_segments', 'path_distance', 'broken_path', 'candidate_path') }}
),

final as (
    select
        -- ids
        broken.site_domain,
        broken.target_url,
        -- attributes
        broken.reported_by,
        closest.candidate_url as suggested_redirect,
        -- numerics
        broken.http_code,
        cast(scored.referring_domains as integer) as referring_domains,
        cast(scored.links as integer) as links,
        cast(scored.best_authority as {{ type_double() }}) as best_authority,
        cast(scored.priority as {{ type_double() }}) as priority,
        cast(row_number() over (
            partition by broken.site_domain
            order by scored.priority desc, scored.referring_domains desc, scored.links desc, broken.target_url asc
        ) as integer) as reclaim_rank,
        -- timestamps
        broken.checked_at
    from broken
    inner join scored
        on
            broken.site_domain = scored.site_domain
            and broken.target_url_key = scored.target_url_key
    left join closest
        on
            broken.site_domain = closest.site_domain
            and broken.target_url_key = closest.target_url_key
            and closest.candidate_rank = 1
)

select * from final
