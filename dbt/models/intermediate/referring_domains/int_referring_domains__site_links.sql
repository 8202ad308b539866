-- One row per (site_domain, source_domain): the links a referring domain has to one configured
-- site or competitor, how many are live (and followed), and their dates. The per-site half of
-- dim_referring_domains, kept apart because it is the costly half (an aggregate over every
-- link) and can be maintained incrementally by referring domain, while the domain-wide half
-- (authority percentiles, toxicity) is global and rebuilt whole.
{{ incremental_by('domains') }}
with

links as (
    select * from {{ changed_rows(ref('fct_backlinks'), 'domains') }}
),

final as (
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
)

select *{{ partition_key('domains') }} from final
