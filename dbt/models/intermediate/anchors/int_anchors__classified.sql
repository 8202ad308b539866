-- Formula: docs/analytics.md#anchor-classes
-- One row per (site, anchor, image flag) that any observation or any link (its latest anchor
-- and latest image flag, see int_backlinks__link_attributes) carries, with its anchor class.
-- Matching is case-, accent-, punctuation- and whitespace-insensitive (normalise_anchor).
-- Keywords match as whole words. Brand terms match as whole words with optional spaces
-- between their letters, so "Knife Craft", "KnifeCraft" and the domain label "knifecraft" all
-- match each other, while "knife crafting" matches none. Precedence: classify_anchor.
-- A lookup that only grows: a run classifies the anchors of the pages it rebuilds that it has
-- never seen (the class of an anchor depends on sites.yml alone, and a sites.yml change
-- rebuilds everything), so an anchor seen once keeps its row until the next full refresh.
-- Appended on every engine (Spark appends to plain Parquet too).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
    )
}}
-- depends_on: {{ ref('int_backlinks__changed_sources') }}
with

-- the pages this run rebuilds (every page on a first build)
observations as (
    select * from {{ changed_rows(ref('int_backlinks__observations')) }}
),

link_attributes as (
    select * from {{ changed_rows(ref('int_backlinks__link_attributes')) }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

brand_terms as (
    select * from {{ ref('stg_config__brand_terms') }}
),

keywords as (
    select * from {{ ref('stg_config__keywords') }}
),

generic_anchors as (
    select * from {{ ref('generic_anchors') }}
),

seen_anchors as (
    select
        site_domain,
        coalesce(anchor, '') as anchor,
        coalesce(is_image, false) as is_image
    from observations

    union

    select
        site_domain,
        coalesce(anchor, '') as anchor,
        coalesce(is_image, false) as is_image
    from link_attributes
),

anchors as (
    select seen_anchors.*
    from seen_anchors
    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as classified
        where classified.site_domain = seen_anchors.site_domain
            and classified.anchor = seen_anchors.anchor
            and classified.is_image = seen_anchors.is_image
    )
    {% endif %}
),

anchors_normalised as (
    select
        *,
        {{ normalise_anchor('anchor') }} as anchor_normalised,
        ' ' || {{ normalise_anchor('anchor') }} || ' ' as anchor_padded
    from anchors
),

-- the configured brand terms, plus each site's own domain and its first label
site_brand_terms as (
    select
        site_domain,
        brand_term as term
    from brand_terms
    union all
    select
        site_domain,
        site_domain as term
    from sites
    union all
    select
        site_domain, {{ dbt.split_part('site_domain', "'.'", 1) }} as term
    from sites
),

brand_terms_compact as (
    select distinct
        site_domain,
        replace({{ normalise_anchor('term') }}, ' ', '') as term_compact
    from site_brand_terms
),

-- "knifecraft" -> "(^| )k ?n ?i ?f ?e ?c ?r ?a ?f ?t ?( |$)": the letters in order, a space
-- allowed between any two, whole words only (normalised terms hold only letters and digits)
brand_term_patterns as (
    select
        site_domain,
        '(^| )' || {{ regexp_replace_all('term_compact', "'(.)'", "'\\1 ?'") }} || '( |$)' as term_pattern
    from brand_terms_compact
    where term_compact <> ''
),

keywords_normalised as (
    select distinct {{ normalise_anchor('keyword') }} as keyword_normalised
    from keywords
),

generic_normalised as (
    select distinct {{ normalise_anchor('anchor') }} as generic_normalised
    from generic_anchors
),

flagged as (
    select
        anchors_normalised.*,
        exists(
            select 1
            from brand_term_patterns
            where
                brand_term_patterns.site_domain = anchors_normalised.site_domain
                and {{ regexp_contains('anchors_normalised.anchor_normalised', 'brand_term_patterns.term_pattern') }}
        ) as is_branded,
        exists(
            select 1
            from keywords_normalised
            where
                keywords_normalised.keyword_normalised <> ''
                and anchors_normalised.anchor_padded = ' ' || keywords_normalised.keyword_normalised || ' '
        ) as is_exact_match,
        exists(
            select 1
            from keywords_normalised
            where
                keywords_normalised.keyword_normalised <> ''
                and anchors_normalised.anchor_padded like '% ' || keywords_normalised.keyword_normalised || ' %'
        ) as is_partial_match,
        exists(
            select 1
            from generic_normalised
            where anchors_normalised.anchor_padded = ' ' || generic_normalised.generic_normalised || ' '
        ) as is_generic
    from anchors_normalised
),

final as (
    select
        -- ids
        site_domain,
        anchor,
        is_image,
        -- attributes
        {{ classify_anchor('anchor', 'is_image', 'is_branded', 'is_exact_match', 'is_partial_match', 'is_generic') }} as anchor_class,
        is_branded,
        is_exact_match,
        is_partial_match,
        is_generic
    from flagged
)

select * from final
