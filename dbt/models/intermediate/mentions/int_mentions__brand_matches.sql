-- Formula: docs/analytics.md#unlinked-mentions-and-share-of-voice
-- One row per (mention page, configured domain whose brand it mentions). A brand's terms are
-- its terms in sites.yml; a domain without any (competitors have no brand list) gets its first
-- label instead ("bladeworks.com" -> "bladeworks"). Terms match in the title or the content of
-- any tool's copy of the page, case-, accent-, punctuation- and whitespace-insensitively, as
-- whole words with or without spaces between the letters (brand_term_pattern), so "Knífecraft",
-- "KNIFE CRAFT" and "Blade Works" match. Derived labels shorter than 3 letters are not used
-- (too many false matches).
with

mentions as (
    select * from {{ ref('stg_raw__mentions') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

brand_terms as (
    select * from {{ ref('stg_config__brand_terms') }}
),

derived_terms as (
    select
        sites.site_domain,
        {{ dbt.split_part('sites.site_domain', "'.'", 1) }} as brand_term
    from sites
    where not exists (
        select 1 from brand_terms
        where brand_terms.site_domain = sites.site_domain
    )
),

site_brand_terms as (
    select
        site_domain,
        brand_term
    from brand_terms
    union
    select
        site_domain,
        brand_term
    from derived_terms
    where length(replace({{ normalise_anchor('brand_term') }}, ' ', '')) >= 3
),

brand_patterns as (
    select
        site_brand_terms.site_domain,
        sites.site_role,
        site_brand_terms.brand_term,
        {{ brand_term_pattern('site_brand_terms.brand_term') }} as term_pattern
    from site_brand_terms
    inner join sites
        on site_brand_terms.site_domain = sites.site_domain
    where replace({{ normalise_anchor('site_brand_terms.brand_term') }}, ' ', '') <> ''
),

mention_texts as (
    select distinct
        mention_url,
        {{ normalise_anchor('title') }} as title_normalised,
        {{ normalise_anchor('content') }} as content_normalised
    from mentions
),

matches as (
    select
        mention_texts.mention_url,
        brand_patterns.site_domain,
        brand_patterns.site_role,
        brand_patterns.brand_term,
        coalesce({{ regexp_contains('mention_texts.title_normalised', 'brand_patterns.term_pattern') }}, false) as in_title,
        coalesce({{ regexp_contains('mention_texts.content_normalised', 'brand_patterns.term_pattern') }}, false) as in_content
    from mention_texts
    cross join brand_patterns
),

final as (
    select
        -- ids
        mention_url,
        site_domain,
        -- attributes
        site_role,
        {{ string_agg_distinct_sorted('brand_term', "'; '") }} as brand_terms,
        {{ any_true('in_title') }} as matched_in_title,
        {{ any_true('in_content') }} as matched_in_content
    from matches
    where in_title or in_content
    group by mention_url, site_domain, site_role
)

select * from final
