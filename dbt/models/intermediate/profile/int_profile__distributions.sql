-- Formula: docs/analytics.md#profile-diversity
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
-- A view over the two tables that keep them: int_profile__link_weights (the link-counted
-- dimensions, maintained incrementally) and int_profile__domain_weights (domain-counted).
{{ config(materialized='view') }}
with

link_weights as (
    select * from {{ ref('int_profile__link_weights') }}
),

domain_weights as (
    select * from {{ ref('int_profile__domain_weights') }}
),

final as (
    select * from link_weights
    union all
    select * from domain_weights
)

select * from final
