-- Formula: docs/analytics.md#toxicity-and-disavow
-- One row per referring domain: a 0-100 toxicity score with a human-readable reason per signal.
-- Each signal that fires adds the points of its row in the seed `toxicity_signals`; the score
-- is the sum, capped at 100. Thresholds come from sites.yml (config.Thresholds). Signals use
-- only what the exports carry:
--   vendor spam verdicts   Moz spam score, Semrush toxicity (medium / high bands), Ahrefs flag
--   Majestic CF/TF ratio   citation without trust (only when CF >= cf_tf_min_citation_flow)
--   spammy TLD             seed `spammy_tlds`
--   link network           subnet_min_domains+ referring domains on the domain's IPv4 /24
--   off-topic money anchor exact-match keyword anchor from an off-topic / unassigned domain
--   domain-name shape      hyphens, digits or length of the first label
--   many external links    median outbound links of its linking pages
--   sitewide placement     a sitewide / footer / navigation link
-- Conservative by design (Google ignores most spam): the disavow candidates additionally need
-- toxicity_candidate_threshold and toxicity_min_signals (see disavow_candidates).
-- Rebuilt whole every run: one row per referring domain, and a /24's size is global.
with

-- the domains' facts with the referring-domains exports' IPs, scores and spam flags merged in
domain_features as (
    select * from {{ ref('int_referring_domains__figures') }}
),

-- referring domains (any site) per IPv4 /24
subnets as (
    select
        source_subnet,
        count(*) as subnet_domains
    from domain_features
    where source_subnet is not null
    group by source_subnet
),

features as (
    select
        domain_features.*,
        cast(subnets.subnet_domains as integer) as subnet_domains
    from domain_features
    left join subnets
        on domain_features.source_subnet = subnets.source_subnet
),

topics as (
    select * from {{ ref('int_referring_domains__topics') }}
),

spammy_tlds as (
    select * from {{ ref('spammy_tlds') }}
),

signal_points as (
    select * from {{ ref('toxicity_signals') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

fired as (
    select
        features.source_domain,
        'moz_spam_high' as signal,
        'moz spam score ' || {{ int_text('features.spam_score') }} as detail
    from features cross join thresholds
    where features.spam_score >= thresholds.moz_spam_high

    union all
    select
        features.source_domain,
        'moz_spam_medium' as signal,
        'moz spam score ' || {{ int_text('features.spam_score') }} as detail
    from features cross join thresholds
    where features.spam_score >= thresholds.moz_spam_medium and features.spam_score < thresholds.moz_spam_high

    union all
    select
        features.source_domain,
        'semrush_toxic_high' as signal,
        'semrush toxicity ' || {{ int_text('features.vendor_toxicity') }} as detail
    from features cross join thresholds
    where features.vendor_toxicity >= thresholds.semrush_toxicity_high

    union all
    select
        features.source_domain,
        'semrush_toxic_medium' as signal,
        'semrush toxicity ' || {{ int_text('features.vendor_toxicity') }} as detail
    from features cross join thresholds
    where
        features.vendor_toxicity >= thresholds.semrush_toxicity_medium
        and features.vendor_toxicity < thresholds.semrush_toxicity_high

    union all
    select
        source_domain,
        'ahrefs_spam_flag' as signal,
        'ahrefs spam flag' as detail
    from features
    where is_spam

    union all
    select
        features.source_domain,
        'cf_tf_ratio' as signal,
        'majestic citation/trust flow ' || {{ int_text('features.citation_flow') }}
        || '/' || {{ int_text('features.trust_flow') }} as detail
    from features cross join thresholds
    where
        features.citation_flow >= thresholds.cf_tf_min_citation_flow
        and features.citation_flow > thresholds.cf_tf_ratio_max * coalesce(features.trust_flow, 0)

    union all
    select
        features.source_domain,
        'spammy_tld' as signal,
        'spammy TLD .' || features.tld as detail
    from features
    inner join spammy_tlds
        on features.tld = lower(trim(spammy_tlds.tld))

    union all
    select
        features.source_domain,
        'subnet_cluster' as signal,
        cast(features.subnet_domains as {{ dbt.type_string() }}) || ' referring domains on '
        || features.source_subnet as detail
    from features cross join thresholds
    where features.subnet_domains >= thresholds.subnet_min_domains

    union all
    select
        features.source_domain,
        'offtopic_commercial_anchor' as signal,
        cast(features.exact_match_links as {{ dbt.type_string() }}) || ' exact-match anchor(s) from an off-topic domain' as detail
    from features
    inner join topics
        on features.source_domain = topics.source_domain
    where
        features.exact_match_links > 0
        and topics.is_off_topic

    union all
    select
        features.source_domain,
        'domain_name_shape' as signal,
        'domain name ' || features.first_label || ' ('
        || cast(features.label_hyphens as {{ dbt.type_string() }}) || ' hyphens, '
        || cast(features.label_digits as {{ dbt.type_string() }}) || ' digits, '
        || cast(features.label_length as {{ dbt.type_string() }}) || ' characters)' as detail
    from features cross join thresholds
    where
        features.label_hyphens >= thresholds.domain_min_hyphens
        or features.label_digits >= thresholds.domain_min_digits
        or features.label_length > thresholds.domain_max_label_length

    union all
    select
        features.source_domain,
        'many_external_links' as signal,
        {{ int_text('features.median_external_links') }} || ' external links on its linking pages (median)' as detail
    from features cross join thresholds
    where features.median_external_links >= thresholds.external_links_max

    union all
    select
        source_domain,
        'sitewide_placement' as signal,
        cast(sitewide_links as {{ dbt.type_string() }}) || ' sitewide/footer link(s)' as detail
    from features
    where sitewide_links > 0
),

scored as (
    select
        fired.source_domain,
        fired.signal,
        signal_points.points,
        fired.detail || ' (+' || cast(signal_points.points as {{ dbt.type_string() }}) || ')' as reason
    from fired
    inner join signal_points
        on fired.signal = signal_points.signal
    where signal_points.points > 0
),

per_domain as (
    select
        source_domain,
        sum(points) as points,
        count(*) as signals,
        -- strongest signal first
        {{ string_agg_ordered('reason', 'points desc, reason', "'; '") }} as reasons
    from scored
    group by source_domain
),

final as (
    select
        -- ids
        features.source_domain,
        -- attributes
        per_domain.reasons as toxicity_reasons,
        -- numerics
        cast(least(coalesce(per_domain.points, 0), 100) as {{ type_double() }}) as toxicity_score,
        cast(coalesce(per_domain.signals, 0) as integer) as toxicity_signals
    from features
    left join per_domain
        on features.source_domain = per_domain.source_domain
)

select * from final
