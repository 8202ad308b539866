-- One row per distinct link (site_domain, source_url, target_url) across every tool and
-- snapshot: the warehouse's one true link table. Incremental by source page (source_url_key).
-- On Spark a table, rebuilt whole (from the incremental link_state and link_attributes): its
-- enforced contract has no room for a partition column.
{{ incremental_by('sources', partitioned=false) }}
with

link_state as (
    select * from {{ changed_rows(ref('int_backlinks__link_state')) }}
),

link_attributes as (
    select * from {{ changed_rows(ref('int_backlinks__link_attributes')) }}
),

anchor_classes as (
    select * from {{ ref('int_anchors__classified') }}
),

final as (
    select
        -- ids
        cast(link_state.link_id as {{ dbt.type_string() }}) as link_id,
        link_state.site_domain,
        link_state.source_url_key,
        link_state.source_url,
        link_attributes.source_host,
        link_attributes.source_domain,
        link_state.target_url,
        link_attributes.target_host,
        link_attributes.target_domain,
        -- attributes
        link_attributes.anchor,
        -- a link only GSC knows (no target) has no anchor in any export: class unknown (null)
        case when link_state.target_url is not null then anchor_classes.anchor_class end as anchor_class,
        link_attributes.rel,
        link_attributes.page_title,
        link_attributes.language,
        link_attributes.is_image,
        link_attributes.is_sitewide,
        link_attributes.is_content,
        link_attributes.is_redirect,
        link_attributes.is_spam,
        link_attributes.vendor_topic,
        link_state.sources,
        link_state.is_lost,
        link_state.lost_reason,
        link_state.lost_by,
        -- numerics
        cast(link_state.tools_count as integer) as tools_count,
        cast(link_state.snapshot_count as integer) as snapshot_count,
        cast(link_attributes.external_links as bigint) as external_links,
        cast(link_attributes.domain_rating as {{ type_double() }}) as domain_rating,
        cast(link_attributes.url_rating as {{ type_double() }}) as url_rating,
        cast(link_attributes.domain_authority as {{ type_double() }}) as domain_authority,
        cast(link_attributes.page_authority as {{ type_double() }}) as page_authority,
        cast(link_attributes.spam_score as {{ type_double() }}) as spam_score,
        cast(link_attributes.trust_flow as {{ type_double() }}) as trust_flow,
        cast(link_attributes.citation_flow as {{ type_double() }}) as citation_flow,
        cast(link_attributes.ascore as {{ type_double() }}) as ascore,
        cast(link_attributes.vendor_toxicity as {{ type_double() }}) as vendor_toxicity,
        -- timestamps
        link_state.first_seen,
        link_state.last_seen,
        link_state.lost_at
    from link_state
    inner join link_attributes
        on link_state.link_id = link_attributes.link_id
    left join anchor_classes
        on
            link_state.site_domain = anchor_classes.site_domain
            and coalesce(link_attributes.anchor, '') = anchor_classes.anchor
            and coalesce(link_attributes.is_image, false) = anchor_classes.is_image
)

select * from final
