-- The live referring domains of every site at each of its snapshot dates, per TLD (last label)
-- and per IPv4 /24 (only domains whose IP an export carried): one row per (site, snapshot,
-- dimension, category) with the number of domains. A domain is live at a date when one of its
-- links is (int_profile__link_weights, dimension referring_domain). Its /24 at a snapshot is the
-- one of the latest referring-domains export on or before that date that gave it an IP
-- (int_referring_domains__exported); a domain no such export lists has the /24 its links carry
-- (int_referring_domains__figures); one whose first export came later has none yet.
-- Rebuilt whole every run from those rows: a domain's /24 can change with any export, and the
-- table is small.
with

link_weights as (
    select * from {{ ref('int_profile__link_weights') }}
    where dimension = 'referring_domain'
),

features as (
    select * from {{ ref('int_referring_domains__figures') }}
),

exported as (
    select * from {{ ref('int_referring_domains__exported') }}
    where source_ip is not null
),

live_domains as (
    select
        link_weights.site_domain,
        link_weights.snapshot_date,
        features.source_domain,
        features.tld,
        features.source_subnet as latest_subnet,
        features.ip_exported_on
    from link_weights
    inner join features
        on link_weights.category = features.source_domain
),

-- the exports with an IP for the domain on or before the snapshot, latest first
ips_as_of as (
    select
        live_domains.site_domain,
        live_domains.snapshot_date,
        live_domains.source_domain,
        exported.source_subnet,
        row_number() over (
            partition by live_domains.site_domain, live_domains.snapshot_date, live_domains.source_domain
            order by exported.snapshot_date desc
        ) as recency
    from live_domains
    inner join exported
        on
            live_domains.source_domain = exported.source_domain
            and live_domains.snapshot_date >= exported.snapshot_date
),

domains_at as (
    select
        live_domains.site_domain,
        live_domains.snapshot_date,
        live_domains.tld,
        case
            when ips_as_of.source_domain is not null then ips_as_of.source_subnet
            when live_domains.ip_exported_on is null then live_domains.latest_subnet
        end as source_subnet
    from live_domains
    left join ips_as_of
        on
            live_domains.site_domain = ips_as_of.site_domain
            and live_domains.snapshot_date = ips_as_of.snapshot_date
            and live_domains.source_domain = ips_as_of.source_domain
            and ips_as_of.recency = 1
),

weights as (
    select
        site_domain,
        snapshot_date,
        'tld' as dimension,
        tld as category,
        count(*) as weight
    from domains_at
    where tld is not null
    group by site_domain, snapshot_date, tld

    union all
    select
        site_domain,
        snapshot_date,
        'subnet' as dimension,
        source_subnet as category,
        count(*) as weight
    from domains_at
    where source_subnet is not null
    group by site_domain, snapshot_date, source_subnet
),

final as (
    select
        site_domain,
        snapshot_date,
        dimension,
        category,
        cast(weight as integer) as weight
    from weights
)

select * from final
