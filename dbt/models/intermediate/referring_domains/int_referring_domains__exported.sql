-- One row per (referring domain, snapshot date) on which a referring-domains export (Ahrefs,
-- Semrush; any site) lists it: the figures those exports give for the domain that day. Several
-- rows can speak for one domain on one day (hosts of the domain, sites, tools): the IP is the
-- one of an IPv4 address first (it has a /24), then the highest; DR and Authority Score the
-- highest; the spam flag set when any row sets it. Rebuilt whole: one row per domain and export.

with

exported_rows as (
    select * from {{ ref('stg_raw__referring_domains') }}
),

ranked_ips as (
    select
        source_domain,
        snapshot_date,
        source_ip,
        source_subnet,
        row_number() over (
            partition by source_domain, snapshot_date
            order by case when source_subnet is not null then 0 else 1 end, source_ip desc
        ) as ip_rank
    from exported_rows
    where source_ip is not null
),

per_date as (
    select
        source_domain,
        snapshot_date,
        max(domain_rating) as domain_rating,
        max(ascore) as ascore,
        {{ any_true('is_spam') }} as is_spam,
        count(distinct source_tool) as tools
    from exported_rows
    group by source_domain, snapshot_date
),

final as (
    select
        -- ids
        per_date.source_domain,
        per_date.snapshot_date,
        -- attributes
        ranked_ips.source_ip,
        ranked_ips.source_subnet,
        per_date.is_spam,
        -- numerics
        cast(per_date.domain_rating as {{ type_double() }}) as domain_rating,
        cast(per_date.ascore as {{ type_double() }}) as ascore,
        cast(per_date.tools as integer) as tools
    from per_date
    left join ranked_ips
        on
            per_date.source_domain = ranked_ips.source_domain
            and per_date.snapshot_date = ranked_ips.snapshot_date
            and ranked_ips.ip_rank = 1
)

select * from final
