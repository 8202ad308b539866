-- Formula: docs/analytics.md#authority
-- Cross-tool consensus authority, 0-100, per referring domain. Vendor scores are not comparable
-- (Ahrefs DR, Moz DA, Majestic TF, Semrush Authority Score each have their own scale and
-- distribution), so each is first turned into a percentile WITHIN ITS TOOL over every referring
-- domain that tool scored in this warehouse (mid-rank: ties share the middle of their block):
--     percentile = 100 * (domains scored lower + 0.5 * domains scored equal) / domains scored
-- and the consensus is the mean of the percentiles of the tools that scored the domain.
-- Majestic contributes Trust Flow (trust-seed distance); Citation Flow is link-count driven and
-- spam-inflatable, so it is kept per tool and used as a toxicity hint instead.
with

-- the domains' facts with the referring-domains exports' DR and Authority Score merged in
features as (
    select * from {{ ref('int_referring_domains__figures') }}
),

tool_scores as (
    select
        source_domain,
        'ahrefs' as tool,
        domain_rating as score
    from features
    where domain_rating is not null
    union all
    select
        source_domain,
        'moz' as tool,
        domain_authority as score
    from features
    where domain_authority is not null
    union all
    select
        source_domain,
        'majestic' as tool,
        trust_flow as score
    from features
    where trust_flow is not null
    union all
    select
        source_domain,
        'semrush' as tool,
        ascore as score
    from features
    where ascore is not null
),

ranked as (
    select
        source_domain,
        tool,
        score,
        rank() over (partition by tool order by score) - 1 as scored_lower,
        count(*) over (partition by tool, score) as scored_equal,
        count(*) over (partition by tool) as scored_total
    from tool_scores
),

percentiles as (
    select
        source_domain,
        tool,
        100 * (cast(scored_lower as {{ type_double() }}) + 0.5 * scored_equal) / scored_total as percentile
    from ranked
),

consensus as (
    select
        source_domain,
        avg(percentile) as authority,
        count(*) as authority_tools,
        max(case when tool = 'ahrefs' then percentile end) as ahrefs_percentile,
        max(case when tool = 'moz' then percentile end) as moz_percentile,
        max(case when tool = 'majestic' then percentile end) as majestic_percentile,
        max(case when tool = 'semrush' then percentile end) as semrush_percentile
    from percentiles
    group by source_domain
),

final as (
    select
        -- ids
        features.source_domain,
        -- numerics
        cast(round(consensus.authority, 4) as {{ type_double() }}) as authority,
        cast(coalesce(consensus.authority_tools, 0) as integer) as authority_tools,
        cast(round(consensus.ahrefs_percentile, 4) as {{ type_double() }}) as ahrefs_percentile,
        cast(round(consensus.moz_percentile, 4) as {{ type_double() }}) as moz_percentile,
        cast(round(consensus.majestic_percentile, 4) as {{ type_double() }}) as majestic_percentile,
        cast(round(consensus.semrush_percentile, 4) as {{ type_double() }}) as semrush_percentile,
        features.domain_rating,
        features.domain_authority,
        features.trust_flow,
        features.citation_flow,
        features.ascore
    from features
    left join consensus
        on features.source_domain = consensus.source_domain
)

select * from final
