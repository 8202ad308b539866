-- The live referring domains of every site at each of its snapshot dates, per TLD (last label)
-- and per IPv4 /24 (only domains whose IP an export carried): one row per (site, snapshot,
-- dimension, category) with the number of domains. A domain is live at a date when one of its
-- links is (int_profile__link_weights, dimension referring_domain). Rebuilt whole every run from
-- those rows: a domain's /24 can change with any export, and the table is small.
with

link_weights as (
    select * from {{ ref('int_profile__link_weights') }}
    where dimension = 'referring_domain'
),

features as (
    select * from {{ ref('int_referring_domains__features') }}
),

live_domains as (
    select
        link_weights.site_domain,
        link_weights.snapshot_date,
        features.tld,
        features.source_subnet
    from link_weights
    inner join features
        on link_weights.category = features.source_domain
),

weights as (
    select
        site_domain,
        snapshot_date,
        'tld' as dimension,
        tld as category,
        count(*) as weight
    from live_domains
    where tld is not null
    group by site_domain, snapshot_date, tld

    union all
    select
        site_domain,
        snapshot_date,
        'subnet' as dimension,
        source_subnet as category,
        count(*) as weight
    from live_domains
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
