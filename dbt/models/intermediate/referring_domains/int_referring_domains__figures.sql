-- Formula: docs/analytics.md#referring-domains-exports
-- One row per referring domain of int_referring_domains__features: its facts, with the figures
-- the referring-domains exports give for it merged in (int_referring_domains__exported). What
-- authority, toxicity, the /24 measures and dim_referring_domains read. Per figure:
--   IP (and /24)   the latest export's that has one: the vendor's own statement about the domain,
--                  so it replaces what its links carry (no links export carries an IP today);
--                  ip_exported_on says which day, null when the IP comes from its links
--   DR, Authority  the highest of its links' (the features' rule) and the latest export's:
--   Score          one more report of the same domain-level score
--   spam flag      set when its links' or the latest export's flag says so
-- A domain no export lists keeps exactly its features. Rebuilt whole every run: the features are
-- incremental by domain, but a new referring-domains export changes domains whose links did not.

with

features as (
    select * from {{ ref('int_referring_domains__features') }}
),

exported as (
    select * from {{ ref('int_referring_domains__exported') }}
),

latest_ip as (
    select
        source_domain,
        source_ip,
        source_subnet,
        snapshot_date as ip_exported_on,
        row_number() over (partition by source_domain order by snapshot_date desc) as recency
    from exported
    where source_ip is not null
),

latest_rating as (
    select
        source_domain,
        domain_rating,
        row_number() over (partition by source_domain order by snapshot_date desc) as recency
    from exported
    where domain_rating is not null
),

latest_ascore as (
    select
        source_domain,
        ascore,
        row_number() over (partition by source_domain order by snapshot_date desc) as recency
    from exported
    where ascore is not null
),

latest_spam as (
    select
        source_domain,
        is_spam,
        row_number() over (partition by source_domain order by snapshot_date desc) as recency
    from exported
    where is_spam is not null
),

final as (
    select
        -- ids
        features.source_domain,
        -- attributes
        features.tld,
        features.first_label,
        case when latest_ip.source_domain is not null then latest_ip.source_ip else features.source_ip end as source_ip,
        case
            when latest_ip.source_domain is not null then latest_ip.source_subnet else features.source_subnet
        end as source_subnet,
        features.vendor_category,
        coalesce(features.is_spam or latest_spam.is_spam, features.is_spam, latest_spam.is_spam) as is_spam,
        -- numerics
        features.links,
        features.exact_match_links,
        features.sitewide_links,
        features.label_hyphens,
        features.label_digits,
        features.label_length,
        features.median_external_links,
        case
            when latest_rating.domain_rating is null or features.domain_rating >= latest_rating.domain_rating
                then features.domain_rating
            else latest_rating.domain_rating
        end as domain_rating,
        features.domain_authority,
        features.trust_flow,
        features.citation_flow,
        case
            when latest_ascore.ascore is null or features.ascore >= latest_ascore.ascore
                then features.ascore
            else latest_ascore.ascore
        end as ascore,
        features.spam_score,
        features.vendor_toxicity,
        -- timestamps
        latest_ip.ip_exported_on
    from features
    left join latest_ip
        on features.source_domain = latest_ip.source_domain and latest_ip.recency = 1
    left join latest_rating
        on features.source_domain = latest_rating.source_domain and latest_rating.recency = 1
    left join latest_ascore
        on features.source_domain = latest_ascore.source_domain and latest_ascore.recency = 1
    left join latest_spam
        on features.source_domain = latest_spam.source_domain and latest_spam.recency = 1
)

select * from final
