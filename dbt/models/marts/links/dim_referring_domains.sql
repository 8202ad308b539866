-- One row per (site_domain, source_domain): a referring domain of a site or competitor.
-- authority, topic and toxicity describe the referring domain itself (the same value for every
-- site it links to) and are FIRST VERSIONS from vendor columns only:
--   authority       the highest vendor 0-100 score seen on its links: Ahrefs DR, Moz DA, and
--                   as fallbacks the page-level Majestic TF and Semrush ascore. Vendor scales
--                   differ; a cross-tool consensus (percentile per tool) is meant to replace it.
--   topic           the most common top-level Majestic topic of its links (ties: alphabetical).
--   toxicity_score  a placeholder: the strongest vendor spam signal (Moz spam score, Semrush
--                   toxicity, Ahrefs "is spam" = 80, Majestic CF/TF > 6.58 = 60), 0 if none.
with

links as (
    select * from {{ ref('fct_backlinks') }}
),

per_site_domain as (
    select
        -- ids
        site_domain,
        source_domain,
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
),

vendor_scores as (
    select
        source_domain,
        max(domain_rating) as domain_rating,
        max(domain_authority) as domain_authority,
        max(trust_flow) as trust_flow,
        max(citation_flow) as citation_flow,
        max(ascore) as ascore,
        max(spam_score) as spam_score,
        max(vendor_toxicity) as vendor_toxicity,
        {{ any_true('is_spam') }} as is_spam
    from links
    group by source_domain
),

authority as (
    select
        source_domain,
        nullif(
            greatest(
                coalesce(domain_rating, -1),
                coalesce(domain_authority, -1),
                coalesce(trust_flow, -1),
                coalesce(ascore, -1)
            ),
            -1
        ) as vendor_authority
    from vendor_scores
),

topic_counts as (
    select
        source_domain,
        {{ dbt.split_part('vendor_topic', "'/'", 1) }} as topic,
        count(*) as topic_links
    from links
    where vendor_topic is not null
    group by source_domain, {{ dbt.split_part('vendor_topic', "'/'", 1) }}
),

top_topic as (
    select
        source_domain,
        topic,
        row_number() over (partition by source_domain order by topic_links desc, topic) as topic_rank
    from topic_counts
),

-- one row per (domain, signal) that fired, with its score and its reason
toxicity_signals as (
    select source_domain, spam_score as signal_score,
        'moz spam score ' || cast(cast(round(spam_score) as integer) as {{ dbt.type_string() }}) as reason
    from vendor_scores where spam_score >= 31
    union all
    select source_domain, vendor_toxicity as signal_score,
        'semrush toxicity ' || cast(cast(round(vendor_toxicity) as integer) as {{ dbt.type_string() }}) as reason
    from vendor_scores where vendor_toxicity >= 31
    union all
    select source_domain, 80 as signal_score, 'ahrefs spam flag' as reason
    from vendor_scores where is_spam
    union all
    select source_domain, 60 as signal_score, 'majestic citation/trust flow ratio above 6.58' as reason
    from vendor_scores where trust_flow > 0 and citation_flow / trust_flow > 6.58
),

toxicity as (
    select
        vendor_scores.source_domain,
        -- weaker signals (below the reason thresholds) still count towards the score
        greatest(
            coalesce(vendor_scores.spam_score, 0),
            coalesce(vendor_scores.vendor_toxicity, 0),
            coalesce(max(toxicity_signals.signal_score), 0)
        ) as toxicity_score,
        {{ string_agg_distinct_sorted('toxicity_signals.reason', "'; '") }} as toxicity_reasons
    from vendor_scores
    left join toxicity_signals
        on vendor_scores.source_domain = toxicity_signals.source_domain
    group by vendor_scores.source_domain, vendor_scores.spam_score, vendor_scores.vendor_toxicity
),

final as (
    select
        -- ids
        per_site_domain.site_domain,
        per_site_domain.source_domain,
        -- attributes
        top_topic.topic,
        toxicity.toxicity_reasons,
        -- numerics
        cast(per_site_domain.links as integer) as links,
        cast(per_site_domain.live_links as integer) as live_links,
        cast(per_site_domain.live_follow_links as integer) as live_follow_links,
        -- clamp to 0-100, keeping "no score" null (greatest/least skip nulls on some engines)
        cast(
            case
                when authority.vendor_authority is not null
                    then least(greatest(authority.vendor_authority, 0), 100)
            end
            as {{ type_double() }}
        ) as authority,
        cast(least(greatest(toxicity.toxicity_score, 0), 100) as {{ type_double() }}) as toxicity_score,
        -- timestamps
        per_site_domain.first_seen,
        per_site_domain.last_seen,
        per_site_domain.lost_at
    from per_site_domain
    left join authority
        on per_site_domain.source_domain = authority.source_domain
    left join top_topic
        on per_site_domain.source_domain = top_topic.source_domain
        and top_topic.topic_rank = 1
    left join toxicity
        on per_site_domain.source_domain = toxicity.source_domain
)

select * from final
