-- Formula: docs/analytics.md#profile-diversity
-- One row per (site_domain, snapshot_date): how diverse each site's and competitor's link
-- profile was at each of its snapshot dates, side by side. Diversity measures come from
-- int_profile__diversity (natural-log Shannon entropy, evenness, effective number, Simpson,
-- HHI, Gini); shares are of the live links whose attribute is known. Health flags mark shares
-- outside the practitioner ranges configured in sites.yml thresholds (flags to review, not
-- rules): exact match > exact_match_max_share, partial match > partial_match_max_share,
-- generic > generic_max_share, branded < branded_min_share, domain HHI > domain_hhi_max.
{%- set classes = anchor_classes() %}
with

site_snapshots as (
    select * from {{ ref('int_backlinks__snapshots') }}
),

diversity as (
    select * from {{ ref('int_profile__diversity') }}
),

distributions as (
    select * from {{ ref('int_profile__distributions') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

snapshots as (
    select distinct
        site_domain,
        snapshot_date
    from site_snapshots
),

-- the dimensions shares are taken of (few categories: not the per-domain rows)
mixes as (
    select * from distributions
    where dimension in ('rel', 'placement', 'anchor_class')
),

totals as (
    select
        site_domain,
        snapshot_date,
        dimension,
        sum(weight) as total_weight
    from mixes
    group by site_domain, snapshot_date, dimension
),

-- the share of each category within its dimension (0 when absent but the dimension is known)
{%- set share_columns = [
    ('follow_share', 'rel', 'follow'), ('nofollow_share', 'rel', 'nofollow'),
    ('ugc_share', 'rel', 'ugc'), ('sponsored_share', 'rel', 'sponsored'),
    ('content_share', 'placement', 'content'), ('sitewide_share', 'placement', 'sitewide'),
] %}
{%- for class in classes %}{% do share_columns.append((class ~ '_share', 'anchor_class', class)) %}{% endfor %}
shares as (
    select
        distributions.site_domain,
        distributions.snapshot_date,
    {%- for alias, dimension, category in share_columns %}
        {{ safe_divide(
            "coalesce(sum(case when distributions.dimension = '" ~ dimension ~ "' and distributions.category = '" ~ category ~ "' then distributions.weight end), 0)",
            "max(case when totals.dimension = '" ~ dimension ~ "' then totals.total_weight end)"
        ) }} as {{ alias }}{{ "," if not loop.last }}
    {%- endfor %}
    from mixes as distributions
    inner join totals
        on
            distributions.site_domain = totals.site_domain
            and distributions.snapshot_date = totals.snapshot_date
            and distributions.dimension = totals.dimension
    group by distributions.site_domain, distributions.snapshot_date
),

measures as (
    select
        site_domain,
        snapshot_date,
        max(case when dimension = 'referring_domain' then categories end) as referring_domains,
        max(case when dimension = 'referring_domain' then total_weight end) as live_links,
        max(case when dimension = 'referring_domain' then entropy end) as domain_entropy,
        max(case when dimension = 'referring_domain' then evenness end) as domain_evenness,
        max(case when dimension = 'referring_domain' then effective_number end) as domain_effective_number,
        max(case when dimension = 'referring_domain' then simpson end) as domain_simpson,
        max(case when dimension = 'referring_domain' then inverse_simpson end) as domain_inverse_simpson,
        max(case when dimension = 'referring_domain' then hhi end) as domain_hhi,
        max(case when dimension = 'referring_domain' then gini end) as domain_gini,
        max(case when dimension = 'tld' then categories end) as tlds,
        max(case when dimension = 'tld' then entropy end) as tld_entropy,
        max(case when dimension = 'subnet' then total_weight end) as subnet_domains,
        max(case when dimension = 'subnet' then categories end) as subnets,
        max(case when dimension = 'subnet' then entropy end) as subnet_entropy,
        max(case when dimension = 'anchor_class' then entropy end) as anchor_entropy
    from diversity
    group by site_domain, snapshot_date
),

profile as (
    select
        snapshots.site_domain,
        snapshots.snapshot_date,
        sites.site_role,
        snapshots.snapshot_date = max(snapshots.snapshot_date) over (partition by snapshots.site_domain) as is_latest_snapshot,
        measures.referring_domains,
        measures.live_links,
        measures.domain_entropy,
        measures.domain_evenness,
        measures.domain_effective_number,
        measures.domain_simpson,
        measures.domain_inverse_simpson,
        measures.domain_hhi,
        measures.domain_gini,
        measures.tlds,
        measures.tld_entropy,
        measures.subnet_domains,
        measures.subnets,
        measures.subnet_entropy,
        measures.anchor_entropy,
        {%- for alias, dimension, category in share_columns %}
            shares.{{ alias }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from snapshots
    inner join sites
        on snapshots.site_domain = sites.site_domain
    left join measures
        on
            snapshots.site_domain = measures.site_domain
            and snapshots.snapshot_date = measures.snapshot_date
    left join shares
        on
            snapshots.site_domain = shares.site_domain
            and snapshots.snapshot_date = shares.snapshot_date
),

flagged as (
    select
        profile.*,
        coalesce(profile.exact_match_share > thresholds.exact_match_max_share, false) as is_exact_match_high,
        coalesce(profile.partial_match_share > thresholds.partial_match_max_share, false) as is_partial_match_high,
        coalesce(profile.generic_share > thresholds.generic_max_share, false) as is_generic_high,
        coalesce(profile.branded_share < thresholds.branded_min_share, false) as is_branded_low,
        coalesce(profile.domain_hhi > thresholds.domain_hhi_max, false) as is_domain_concentrated,
        thresholds.exact_match_max_share,
        thresholds.partial_match_max_share,
        thresholds.generic_max_share,
        thresholds.branded_min_share,
        thresholds.domain_hhi_max
    from profile
    cross join thresholds
),

flag_texts as (
    select
        site_domain,
        snapshot_date,
        'exact match ' || {{ percent_text('exact_match_share') }} || ' > ' || {{ percent_text('exact_match_max_share') }} as flag
    from flagged
    where is_exact_match_high
    union all
    select
        site_domain,
        snapshot_date,
        'partial match ' || {{ percent_text('partial_match_share') }} || ' > ' || {{ percent_text('partial_match_max_share') }} as flag
    from flagged
    where is_partial_match_high
    union all
    select
        site_domain,
        snapshot_date,
        'generic ' || {{ percent_text('generic_share') }} || ' > ' || {{ percent_text('generic_max_share') }} as flag
    from flagged
    where is_generic_high
    union all
    select
        site_domain,
        snapshot_date,
        'branded ' || {{ percent_text('branded_share') }} || ' < ' || {{ percent_text('branded_min_share') }} as flag
    from flagged
    where is_branded_low
    union all
    select
        site_domain,
        snapshot_date,
        'domain HHI ' || {{ int_text('domain_hhi') }} || ' > ' || {{ int_text('domain_hhi_max') }} as flag
    from flagged
    where is_domain_concentrated
),

flags as (
    select
        site_domain,
        snapshot_date,
        {{ string_agg_distinct_sorted('flag', "'; '") }} as health_flags
    from flag_texts
    group by site_domain, snapshot_date
),

final as (
    select
        -- ids
        flagged.site_domain,
        flagged.snapshot_date,
        -- attributes
        flagged.site_role,
        flagged.is_latest_snapshot,
        flags.health_flags,
        flagged.is_exact_match_high,
        flagged.is_partial_match_high,
        flagged.is_generic_high,
        flagged.is_branded_low,
        flagged.is_domain_concentrated,
        -- numerics
        cast(coalesce(flagged.referring_domains, 0) as integer) as referring_domains,
        cast(coalesce(flagged.live_links, 0) as integer) as live_links,
        cast(flagged.domain_entropy as {{ type_double() }}) as domain_entropy,
        cast(flagged.domain_evenness as {{ type_double() }}) as domain_evenness,
        cast(flagged.domain_effective_number as {{ type_double() }}) as domain_effective_number,
        cast(flagged.domain_simpson as {{ type_double() }}) as domain_simpson,
        cast(flagged.domain_inverse_simpson as {{ type_double() }}) as domain_inverse_simpson,
        cast(flagged.domain_hhi as {{ type_double() }}) as domain_hhi,
        cast(flagged.domain_gini as {{ type_double() }}) as domain_gini,
        cast(coalesce(flagged.tlds, 0) as integer) as tlds,
        cast(flagged.tld_entropy as {{ type_double() }}) as tld_entropy,
        cast(coalesce(flagged.subnet_domains, 0) as integer) as subnet_domains,
        cast(coalesce(flagged.subnets, 0) as integer) as subnets,
        cast(flagged.subnet_entropy as {{ type_double() }}) as subnet_entropy,
        cast(flagged.anchor_entropy as {{ type_double() }}) as anchor_entropy,
        cast(round(flagged.follow_share, 6) as {{ type_double() }}) as follow_share,
        cast(round(flagged.nofollow_share, 6) as {{ type_double() }}) as nofollow_share,
        cast(round(flagged.ugc_share, 6) as {{ type_double() }}) as ugc_share,
        cast(round(flagged.sponsored_share, 6) as {{ type_double() }}) as sponsored_share,
        cast(round(flagged.content_share, 6) as {{ type_double() }}) as content_share,
        cast(round(flagged.sitewide_share, 6) as {{ type_double() }}) as sitewide_share,
        {%- for class in classes %}
            cast(round(flagged.{{ class }}_share, 6) as {{ type_double() }}) as {{ class }}_share{% if not loop.last %},{% endif %}
        {%- endfor %}
    from flagged
    left join flags
        on
            flagged.site_domain = flags.site_domain
            and flagged.snapshot_date = flags.snapshot_date
)

select * from final
