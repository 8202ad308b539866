-- One row per link per tool per snapshot: "tool T saw link L of site S on date D".
--   1. Rows repeated within a file (Moz lists a URL on consecutive rows, some Ahrefs exports
--      contain every row twice) or across files of the same tool and snapshot collapse to one.
--   2. Rows without a target (GSC) become observations of every link other tools know from the
--      same source URL to the same site (any snapshot); only a source URL no other tool knows
--      stays a link with target_url = null.
with

backlinks as (
    select * from {{ ref('stg_raw__backlinks') }}
),

-- The row that speaks for a duplicate group: one with an anchor first, then file order.
ranked as (
    select
        *,
        row_number() over (
            partition by site_domain, source_url, target_url, source_tool, snapshot_date
            order by case when anchor is null then 1 else 0 end, file_sha256, row_number
        ) as duplicate_rank
    from backlinks
),

representative as (
    select * from ranked where duplicate_rank = 1
),

aggregated as (
    select
        -- ids
        site_domain,
        source_url,
        target_url,
        source_tool,
        snapshot_date,
        -- attributes: a flag any duplicate raised holds
        {{ any_true('is_image') }} as is_image,
        {{ any_true('is_sitewide') }} as is_sitewide,
        {{ any_true('is_content') }} as is_content,
        {{ any_true('is_redirect') }} as is_redirect,
        {{ any_true('is_spam') }} as is_spam,
        {{ any_true('vendor_is_lost') }} as vendor_is_lost,
        -- numerics
        count(*) as raw_rows,
        count(distinct file_sha256) as files_count,
        max(external_links) as external_links,
        max(domain_rating) as domain_rating,
        max(url_rating) as url_rating,
        max(domain_authority) as domain_authority,
        max(page_authority) as page_authority,
        max(spam_score) as spam_score,
        max(trust_flow) as trust_flow,
        max(citation_flow) as citation_flow,
        max(ascore) as ascore,
        max(vendor_toxicity) as vendor_toxicity,
        -- timestamps
        min(vendor_first_seen) as vendor_first_seen,
        max(vendor_last_seen) as vendor_last_seen,
        max(vendor_lost_at) as vendor_lost_at
    from backlinks
    group by site_domain, source_url, target_url, source_tool, snapshot_date
),

deduplicated as (
    select
        -- ids
        aggregated.site_domain,
        aggregated.source_url,
        aggregated.target_url,
        aggregated.source_tool,
        aggregated.snapshot_date,
        representative.site_role,
        representative.source_host,
        representative.source_domain,
        representative.target_host,
        representative.target_domain,
        representative.export_type,
        -- attributes
        representative.anchor,
        representative.page_title,
        representative.rel,
        representative.language,
        representative.source_ip,
        representative.vendor_topic,
        aggregated.is_image,
        aggregated.is_sitewide,
        aggregated.is_content,
        aggregated.is_redirect,
        aggregated.is_spam,
        aggregated.vendor_is_lost,
        -- numerics
        aggregated.raw_rows,
        aggregated.files_count,
        aggregated.external_links,
        aggregated.domain_rating,
        aggregated.url_rating,
        aggregated.domain_authority,
        aggregated.page_authority,
        aggregated.spam_score,
        aggregated.trust_flow,
        aggregated.citation_flow,
        aggregated.ascore,
        aggregated.vendor_toxicity,
        -- timestamps
        aggregated.vendor_first_seen,
        aggregated.vendor_last_seen,
        aggregated.vendor_lost_at
    from aggregated
    inner join representative
        on aggregated.site_domain = representative.site_domain
        and aggregated.source_url = representative.source_url
        and coalesce(aggregated.target_url, '') = coalesce(representative.target_url, '')
        and aggregated.source_tool = representative.source_tool
        and aggregated.snapshot_date = representative.snapshot_date
),

targeted as (
    select * from deduplicated where target_url is not null
),

untargeted as (
    select * from deduplicated where target_url is null
),

-- every link (with a target) any tool ever reported, to attach untargeted rows to
known_links as (
    select distinct
        site_domain,
        source_url,
        target_url,
        target_host,
        target_domain
    from targeted
),

untargeted_resolved as (
    select
        untargeted.site_domain,
        untargeted.source_url,
        known_links.target_url,
        untargeted.source_tool,
        untargeted.snapshot_date,
        untargeted.site_role,
        untargeted.source_host,
        untargeted.source_domain,
        known_links.target_host,
        known_links.target_domain,
        untargeted.export_type,
        untargeted.anchor,
        untargeted.page_title,
        untargeted.rel,
        untargeted.language,
        untargeted.source_ip,
        untargeted.vendor_topic,
        untargeted.is_image,
        untargeted.is_sitewide,
        untargeted.is_content,
        untargeted.is_redirect,
        untargeted.is_spam,
        untargeted.vendor_is_lost,
        untargeted.raw_rows,
        untargeted.files_count,
        untargeted.external_links,
        untargeted.domain_rating,
        untargeted.url_rating,
        untargeted.domain_authority,
        untargeted.page_authority,
        untargeted.spam_score,
        untargeted.trust_flow,
        untargeted.citation_flow,
        untargeted.ascore,
        untargeted.vendor_toxicity,
        untargeted.vendor_first_seen,
        untargeted.vendor_last_seen,
        untargeted.vendor_lost_at,
        known_links.target_url is not null as is_target_inferred
    from untargeted
    left join known_links
        on untargeted.site_domain = known_links.site_domain
        and untargeted.source_url = known_links.source_url
),

combined as (
    select
        targeted.*,
        false as is_target_inferred
    from targeted

    union all

    -- a tool that exported the same link with and without a target in one snapshot keeps
    -- only the targeted observation
    select untargeted_resolved.*
    from untargeted_resolved
    where not exists (
        select 1
        from targeted
        where targeted.site_domain = untargeted_resolved.site_domain
            and targeted.source_url = untargeted_resolved.source_url
            and targeted.target_url = untargeted_resolved.target_url
            and targeted.source_tool = untargeted_resolved.source_tool
            and targeted.snapshot_date = untargeted_resolved.snapshot_date
    )
),

final as (
    select
        {{ surrogate_key(['site_domain', 'source_url', 'target_url']) }} as link_id,
        *
    from combined
)

select * from final
