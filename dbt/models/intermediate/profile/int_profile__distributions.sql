-- The link profile of every site and competitor as it stood at each of its snapshot dates (any
-- tool's export date for that site), as category distributions: one row per
-- (site, snapshot, dimension, category) with its weight. A link is live at date D when it was
-- first seen on or before D and not lost by D (lost_at null or after D); its attributes are the
-- latest any tool reported. Dimensions and weights:
--   referring_domain  links per referring domain
--   tld               referring domains per TLD (last label)
--   subnet            referring domains per IPv4 /24 (only domains whose IP an export carried)
--   anchor_class      links per anchor class (links with a known anchor)
--   rel               links per rel (links whose rel a tool reported)
--   placement         links per placement: sitewide (any tool says so), content (in-content), other
--                     (a tool says not in content); unknown placements are left out
with

link_state as (
    select * from {{ ref('int_backlinks__link_state') }}
),

link_attributes as (
    select * from {{ ref('int_backlinks__link_attributes') }}
),

anchor_classes as (
    select * from {{ ref('int_anchors__classified') }}
),

features as (
    select * from {{ ref('int_referring_domains__features') }}
),

observations as (
    select * from {{ ref('int_backlinks__observations') }}
),

snapshots as (
    select distinct site_domain, snapshot_date from observations
),

links as (
    select
        link_state.site_domain,
        link_state.link_id,
        link_state.first_seen,
        link_state.lost_at,
        link_attributes.source_domain,
        link_attributes.rel,
        case
            when link_attributes.is_sitewide then 'sitewide'
            when link_attributes.is_content then 'content'
            when not link_attributes.is_content then 'other'
        end as placement,
        case when link_attributes.target_host is not null then anchor_classes.anchor_class end as anchor_class,
        features.tld,
        features.source_subnet
    from link_state
    inner join link_attributes
        on link_state.link_id = link_attributes.link_id
    left join anchor_classes
        on link_attributes.site_domain = anchor_classes.site_domain
        and coalesce(link_attributes.anchor, '') = anchor_classes.anchor
        and coalesce(link_attributes.is_image, false) = anchor_classes.is_image
    left join features
        on link_attributes.source_domain = features.source_domain
),

live_at_snapshot as (
    select
        snapshots.snapshot_date,
        links.*
    from snapshots
    inner join links
        on snapshots.site_domain = links.site_domain
        and links.first_seen <= snapshots.snapshot_date
        and (links.lost_at is null or links.lost_at > snapshots.snapshot_date)
),

distributions as (
    select site_domain, snapshot_date, 'referring_domain' as dimension, source_domain as category, count(*) as weight
    from live_at_snapshot
    group by site_domain, snapshot_date, source_domain

    union all
    select site_domain, snapshot_date, 'tld' as dimension, tld as category, count(distinct source_domain) as weight
    from live_at_snapshot
    where tld is not null
    group by site_domain, snapshot_date, tld

    union all
    select site_domain, snapshot_date, 'subnet' as dimension, source_subnet as category, count(distinct source_domain) as weight
    from live_at_snapshot
    where source_subnet is not null
    group by site_domain, snapshot_date, source_subnet

    union all
    select site_domain, snapshot_date, 'anchor_class' as dimension, anchor_class as category, count(*) as weight
    from live_at_snapshot
    where anchor_class is not null
    group by site_domain, snapshot_date, anchor_class

    union all
    select site_domain, snapshot_date, 'rel' as dimension, rel as category, count(*) as weight
    from live_at_snapshot
    where rel is not null
    group by site_domain, snapshot_date, rel

    union all
    select site_domain, snapshot_date, 'placement' as dimension, placement as category, count(*) as weight
    from live_at_snapshot
    where placement is not null
    group by site_domain, snapshot_date, placement
)

select
    site_domain,
    snapshot_date,
    dimension,
    category,
    cast(weight as integer) as weight
from distributions
