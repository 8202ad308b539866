-- One row per link per tool per snapshot: "tool T saw link L of site S on date D".
-- Built from int_backlinks__snapshot_observations (duplicates already merged per snapshot),
-- adding what needs every snapshot at once:
--   1. One spelling per URL: tools disagree on the scheme and on `www.` (Moz drops the scheme,
--      so the canonicaliser can only guess http://), so URLs equal but for those are one URL,
--      spelt as the lexically greatest variant seen in any snapshot (https wins).
--   2. Rows without a target (GSC) become observations of every link other tools know from the
--      same source URL to the same site (any snapshot); only a source URL no other tool knows
--      stays a link with target_url = null.
-- Both only look at rows of the same source URL key (target spellings come from
-- int_backlinks__target_spellings), so the model is incremental by source page: a run
-- rebuilds the rows of int_backlinks__changed_sources (macros/incremental/changed_sources.sql).
{{ incremental_by('sources') }}
with

-- read by several CTEs below; inlined so each reads only its rows and columns (a materialised
-- copy of every observation cost more than the whole rest of the model)
snapshot_observations as {{ inlined_cte() }} (
    select * from {{ changed_rows(ref('int_backlinks__snapshot_observations')) }}
),

-- hosts are taken once per distinct URL, not once per observation
target_spellings as (
    select
        target_url_key,
        target_url,
        {{ url_host('target_url') }} as target_host
    from {{ ref('int_backlinks__target_spellings') }}
),

-- complete for every key selected above: all of a key's rows are there
source_spellings as (
    select
        source_url_key,
        source_url,
        {{ url_host('source_url') }} as source_host
    from (
        select
            source_url_key,
            max(source_url) as source_url
        from snapshot_observations
        group by source_url_key
    ) as greatest_spellings
),

targeted as (
    select
        -- ids
        snapshot_observations.site_domain,
        snapshot_observations.source_url_key,
        snapshot_observations.target_url_key,
        source_spellings.source_url,
        target_spellings.target_url,
        snapshot_observations.source_tool,
        snapshot_observations.snapshot_date,
        snapshot_observations.site_role,
        source_spellings.source_host,
        snapshot_observations.source_domain,
        target_spellings.target_host,
        snapshot_observations.target_domain,
        snapshot_observations.export_type,
        -- attributes
        snapshot_observations.anchor,
        snapshot_observations.page_title,
        snapshot_observations.rel,
        snapshot_observations.language,
        snapshot_observations.source_ip,
        snapshot_observations.vendor_topic,
        snapshot_observations.is_image,
        snapshot_observations.is_sitewide,
        snapshot_observations.is_content,
        snapshot_observations.is_redirect,
        snapshot_observations.is_spam,
        snapshot_observations.vendor_is_lost,
        -- numerics
        snapshot_observations.raw_rows,
        snapshot_observations.files_count,
        snapshot_observations.external_links,
        snapshot_observations.domain_rating,
        snapshot_observations.url_rating,
        snapshot_observations.domain_authority,
        snapshot_observations.page_authority,
        snapshot_observations.spam_score,
        snapshot_observations.trust_flow,
        snapshot_observations.citation_flow,
        snapshot_observations.ascore,
        snapshot_observations.vendor_toxicity,
        -- timestamps
        snapshot_observations.vendor_first_seen,
        snapshot_observations.vendor_last_seen,
        snapshot_observations.vendor_lost_at
    from snapshot_observations
    inner join source_spellings
        on snapshot_observations.source_url_key = source_spellings.source_url_key
    left join target_spellings
        on snapshot_observations.target_url_key = target_spellings.target_url_key
    where snapshot_observations.target_url_key is not null
),

untargeted as (
    select
        -- ids
        snapshot_observations.site_domain,
        snapshot_observations.source_url_key,
        snapshot_observations.target_url_key,
        source_spellings.source_url,
        cast(null as {{ dbt.type_string() }}) as target_url,
        snapshot_observations.source_tool,
        snapshot_observations.snapshot_date,
        snapshot_observations.site_role,
        source_spellings.source_host,
        snapshot_observations.source_domain,
        cast(null as {{ dbt.type_string() }}) as target_host,
        snapshot_observations.target_domain,
        snapshot_observations.export_type,
        -- attributes
        snapshot_observations.anchor,
        snapshot_observations.page_title,
        snapshot_observations.rel,
        snapshot_observations.language,
        snapshot_observations.source_ip,
        snapshot_observations.vendor_topic,
        snapshot_observations.is_image,
        snapshot_observations.is_sitewide,
        snapshot_observations.is_content,
        snapshot_observations.is_redirect,
        snapshot_observations.is_spam,
        snapshot_observations.vendor_is_lost,
        -- numerics
        snapshot_observations.raw_rows,
        snapshot_observations.files_count,
        snapshot_observations.external_links,
        snapshot_observations.domain_rating,
        snapshot_observations.url_rating,
        snapshot_observations.domain_authority,
        snapshot_observations.page_authority,
        snapshot_observations.spam_score,
        snapshot_observations.trust_flow,
        snapshot_observations.citation_flow,
        snapshot_observations.ascore,
        snapshot_observations.vendor_toxicity,
        -- timestamps
        snapshot_observations.vendor_first_seen,
        snapshot_observations.vendor_last_seen,
        snapshot_observations.vendor_lost_at
    from snapshot_observations
    inner join source_spellings
        on snapshot_observations.source_url_key = source_spellings.source_url_key
    where snapshot_observations.target_url_key is null
),

-- the observations with a target from the source pages that have rows without one: the only
-- ones the untargeted rows are matched against (most pages have none)
targeted_of_untargeted_sources as (
    select
        site_domain,
        source_url_key,
        target_url_key,
        target_domain,
        source_tool,
        snapshot_date
    from snapshot_observations
    where
        target_url_key is not null
        and source_url_key in (select untargeted.source_url_key from untargeted)
),

-- every link (with a target) any tool ever reported, to attach untargeted rows to
known_links as (
    select distinct
        targeted_of_untargeted_sources.site_domain,
        targeted_of_untargeted_sources.source_url_key,
        targeted_of_untargeted_sources.target_url_key,
        target_spellings.target_url,
        target_spellings.target_host,
        targeted_of_untargeted_sources.target_domain
    from targeted_of_untargeted_sources
    left join target_spellings
        on targeted_of_untargeted_sources.target_url_key = target_spellings.target_url_key
),

untargeted_resolved as (
    select
        untargeted.site_domain,
        untargeted.source_url_key,
        known_links.target_url_key,
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
        on
            untargeted.site_domain = known_links.site_domain
            and untargeted.source_url_key = known_links.source_url_key
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
        from targeted_of_untargeted_sources as targeted
        where
            targeted.site_domain = untargeted_resolved.site_domain
            and targeted.source_url_key = untargeted_resolved.source_url_key
            and targeted.target_url_key = untargeted_resolved.target_url_key
            and targeted.source_tool = untargeted_resolved.source_tool
            and targeted.snapshot_date = untargeted_resolved.snapshot_date
    )
),

final as (
    select
        {{ surrogate_key(['site_domain', 'source_url', 'target_url']) }} as link_id,
        site_domain,
        source_url_key,
        target_url_key,
        source_url,
        target_url,
        source_tool,
        snapshot_date,
        site_role,
        source_host,
        source_domain,
        target_host,
        target_domain,
        export_type,
        anchor,
        page_title,
        rel,
        language,
        source_ip,
        vendor_topic,
        is_image,
        is_sitewide,
        is_content,
        is_redirect,
        is_spam,
        vendor_is_lost,
        raw_rows,
        files_count,
        external_links,
        domain_rating,
        url_rating,
        domain_authority,
        page_authority,
        spam_score,
        trust_flow,
        citation_flow,
        ascore,
        vendor_toxicity,
        vendor_first_seen,
        vendor_last_seen,
        vendor_lost_at,
        is_target_inferred
    from combined
)

select *{{ partition_key('sources') }} from final
