-- One row per referring domain (across every site it links to): the facts its links carry that
-- authority, topic and toxicity are computed from. Vendor metrics take the highest value any
-- of its links reports (most are domain-level scores repeated on each link); the IP is the
-- highest of the latest IPs reported for its links (one host, one address in practice).
-- Incremental by referring domain: a run rebuilds the domains of the pages it rebuilds
-- (macros/incremental/changed_sources.sql). How many domains share a /24 is global, so it is
-- counted in int_referring_domains__toxicity, over this table.
{{ incremental_by('domains') }}
with

link_attributes as (
    select * from {{ changed_rows(ref('int_backlinks__link_attributes'), 'domains') }}
),

anchor_classes as (
    select * from {{ ref('int_anchors__classified') }}
),

links as (
    select
        link_attributes.*,
        -- a link only GSC knows (no target) has no anchor in any export: no class
        case when link_attributes.target_host is not null then anchor_classes.anchor_class end as anchor_class
    from link_attributes
    left join anchor_classes
        on
            link_attributes.site_domain = anchor_classes.site_domain
            and coalesce(link_attributes.anchor, '') = anchor_classes.anchor
            and coalesce(link_attributes.is_image, false) = anchor_classes.is_image
),

majestic_topics as (
    select
        source_domain,
        {{ dbt.split_part('vendor_topic', "'/'", 1) }} as vendor_category,
        count(*) as topic_links
    from links
    where vendor_topic is not null
    group by source_domain, {{ dbt.split_part('vendor_topic', "'/'", 1) }}
),

top_majestic_topic as (
    select
        source_domain,
        vendor_category,
        row_number() over (partition by source_domain order by topic_links desc, vendor_category asc) as category_rank
    from majestic_topics
),

per_domain as (
    select
        -- ids
        source_domain,
        -- attributes
        max(source_ip) as source_ip,
        {{ any_true('is_spam') }} as is_spam,
        -- numerics
        count(*) as links,
        sum(case when anchor_class = 'exact_match' then 1 else 0 end) as exact_match_links,
        sum(case when is_sitewide then 1 else 0 end) as sitewide_links,
        {{ median('external_links') }} as median_external_links,
        max(domain_rating) as domain_rating,
        max(domain_authority) as domain_authority,
        max(trust_flow) as trust_flow,
        max(citation_flow) as citation_flow,
        max(ascore) as ascore,
        max(spam_score) as spam_score,
        max(vendor_toxicity) as vendor_toxicity
    from links
    where source_domain is not null
    group by source_domain
),

named as (
    select
        per_domain.*,
        {{ tld_of('per_domain.source_domain') }} as tld,
        {{ first_label_of('per_domain.source_domain') }} as first_label,
        {{ ipv4_subnet_24('per_domain.source_ip') }} as source_subnet,
        top_majestic_topic.vendor_category
    from per_domain
    left join top_majestic_topic
        on
            per_domain.source_domain = top_majestic_topic.source_domain
            and top_majestic_topic.category_rank = 1
),

final as (
    select
        -- ids
        named.source_domain,
        -- attributes
        named.tld,
        named.first_label,
        named.source_ip,
        named.source_subnet,
        named.vendor_category,
        named.is_spam,
        -- numerics
        cast(named.links as integer) as links,
        cast(named.exact_match_links as integer) as exact_match_links,
        cast(named.sitewide_links as integer) as sitewide_links,
        cast({{ count_char('named.first_label', "'-'") }} as integer) as label_hyphens,
        cast({{ count_digits('named.first_label') }} as integer) as label_digits,
        cast({{ dbt.length('named.first_label') }} as integer) as label_length,
        cast(named.median_external_links as {{ type_double() }}) as median_external_links,
        cast(named.domain_rating as {{ type_double() }}) as domain_rating,
        cast(named.domain_authority as {{ type_double() }}) as domain_authority,
        cast(named.trust_flow as {{ type_double() }}) as trust_flow,
        cast(named.citation_flow as {{ type_double() }}) as citation_flow,
        cast(named.ascore as {{ type_double() }}) as ascore,
        cast(named.spam_score as {{ type_double() }}) as spam_score,
        cast(named.vendor_toxicity as {{ type_double() }}) as vendor_toxicity
    from named
)

select *{{ partition_key('domains') }} from final
