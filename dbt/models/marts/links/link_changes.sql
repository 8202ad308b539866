-- Formula: docs/analytics.md#what-changed
-- One row per event of a site's (or competitor's) link profile, dated: what `backlinks changes`
-- lists, the refresh digest counts and the lost-link alert looks at. Built from the models that
-- already decide each fact, so no rule is made twice:
--   new_referring_domain   int_velocity__domain_events: a domain's earliest link, at its
--                          first_seen; never a baseline domain (already there when tracking
--                          began: when it appeared is unknown), as link_velocity counts them
--   lost_referring_domain  the same model: every link of the domain lost, at the latest lost_at.
--                          Losses come from int_backlinks__link_state, where a loss another tool
--                          contradicts does not stand: a false loss is never an event
--   new_toxic_domain       a new referring domain (as above) that disavow_candidates lists (the
--                          site only: thresholds and disavow.never apply), at its first_seen
--   ledger_live            a ledger entry a tool has seen (ledger_links status other than
--                          pending), at the matched link's first_seen
--   ledger_changed         status changed: since the first observation in the changed state
--                          after the last one as placed (follow / no redirect); the link's
--                          first_seen when no tool ever saw it as placed or it links to another
--                          page (other_target)
--   ledger_lost            status lost (a loss no tool contradicts), at lost_at
-- source_url / target_url: the link the event is about (a domain event: the domain's earliest
-- link, or for a loss the link lost last); authority: the referring domain's consensus authority.
-- Rebuilt whole every run from models that are themselves incremental-safe.
with

domain_events as (
    select * from {{ ref('int_velocity__domain_events') }}
),

domains as (
    select * from {{ ref('dim_referring_domains') }}
),

links as (
    select * from {{ ref('fct_backlinks') }}
),

lost_links as (
    select * from {{ ref('lost_links') }}
),

ledger as (
    select * from {{ ref('ledger_links') }}
),

-- one row per toxic domain (a platform domain has a candidate entry per URL)
toxic as (
    select
        site_domain,
        source_domain,
        max(toxicity_score) as toxicity_score,
        max(reasons) as reasons
    from {{ ref('disavow_candidates') }}
    group by site_domain, source_domain
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

-- the observations of the few links a ledger entry matched and that changed since
changed_observations as (
    select
        ledger.entry_id,
        observations.snapshot_date,
        case
            when ledger.status_reason in ('nofollow', 'ugc', 'sponsored')
                then
                    case
                        when observations.rel = ledger.status_reason then 1
                        when observations.rel is not null then 0
                    end
            when ledger.status_reason = 'redirected'
                then case when observations.is_redirect then 1 when not observations.is_redirect then 0 end
        end as in_changed_state
    from ledger
    inner join {{ ref('int_backlinks__observations') }} as observations
        on ledger.link_id = observations.link_id
    where ledger.status = 'changed' and ledger.status_reason <> 'other_target'
),

last_as_placed as (
    select
        entry_id,
        max(snapshot_date) as last_as_placed
    from changed_observations
    where in_changed_state = 0
    group by entry_id
),

changed_since as (
    select
        changed_observations.entry_id,
        min(changed_observations.snapshot_date) as changed_at
    from changed_observations
    inner join last_as_placed
        on changed_observations.entry_id = last_as_placed.entry_id
    where
        changed_observations.in_changed_state = 1
        and changed_observations.snapshot_date > last_as_placed.last_as_placed
    group by changed_observations.entry_id
),

-- each referring domain's earliest link (the one that made it new) and the link it lost last
-- (source_url breaks ties: ISO dates and URLs sort as text)
keyed_links as (
    select
        site_domain,
        source_domain,
        source_url,
        coalesce(target_url, '') as target_url,
        cast(first_seen as {{ dbt.type_string() }}) || ' ' || source_url as first_key,
        cast(coalesce(lost_at, last_seen) as {{ dbt.type_string() }}) || ' ' || source_url as last_key
    from links
    where source_domain is not null
),

domain_links as (
    select
        site_domain,
        source_domain,
        {{ earliest_value('source_url', 'first_key') }} as first_source_url,
        {{ earliest_value('target_url', 'first_key') }} as first_target_url,
        {{ latest_value('source_url', 'last_key') }} as last_source_url,
        {{ latest_value('target_url', 'last_key') }} as last_target_url,
        count(*) as links
    from keyed_links
    group by site_domain, source_domain
),

-- why a lost domain's links were lost (lost_links.lost_reason), alphabetically
domain_lost_reasons as (
    select
        site_domain,
        source_domain,
        {{ string_agg_distinct_sorted('lost_reason', "', '") }} as lost_reasons
    from lost_links
    group by site_domain, source_domain
),

new_domains as (
    select
        domain_events.site_domain,
        domain_events.first_seen as event_date,
        'new_referring_domain' as event,
        domain_events.source_domain,
        domain_links.first_source_url as source_url,
        domain_links.first_target_url as target_url,
        cast(domain_links.links as {{ dbt.type_string() }})
        || case when domain_links.links = 1 then ' link, ' else ' links, ' end
        || cast(coalesce(domains.live_links, 0) as {{ dbt.type_string() }}) || ' live'
        || coalesce('; topic ' || domains.topic, '') as detail
    from domain_events
    inner join domain_links
        on
            domain_events.site_domain = domain_links.site_domain
            and domain_events.source_domain = domain_links.source_domain
    left join domains
        on
            domain_events.site_domain = domains.site_domain
            and domain_events.source_domain = domains.source_domain
    where domain_events.first_seen_basis in ('vendor', 'snapshot')
),

lost_domains as (
    select
        domain_events.site_domain,
        domain_events.lost_at as event_date,
        'lost_referring_domain' as event,
        domain_events.source_domain,
        domain_links.last_source_url as source_url,
        domain_links.last_target_url as target_url,
        cast(domain_links.links as {{ dbt.type_string() }})
        || case when domain_links.links = 1 then ' link lost' else ' links lost' end
        || coalesce(': ' || domain_lost_reasons.lost_reasons, '') as detail
    from domain_events
    inner join domain_links
        on
            domain_events.site_domain = domain_links.site_domain
            and domain_events.source_domain = domain_links.source_domain
    left join domain_lost_reasons
        on
            domain_events.site_domain = domain_lost_reasons.site_domain
            and domain_events.source_domain = domain_lost_reasons.source_domain
    where domain_events.lost_at is not null
),

toxic_domains as (
    select
        new_domains.site_domain,
        new_domains.event_date,
        'new_toxic_domain' as event,
        new_domains.source_domain,
        new_domains.source_url,
        new_domains.target_url,
        'toxicity ' || cast(cast(toxic.toxicity_score as integer) as {{ dbt.type_string() }})
        || coalesce(': ' || toxic.reasons, '') as detail
    from new_domains
    inner join toxic
        on
            new_domains.site_domain = toxic.site_domain
            and new_domains.source_domain = toxic.source_domain
),

ledger_events as (
    select
        site_domain,
        first_seen as event_date,
        'ledger_live' as event,
        source_domain,
        source_url,
        target_url,
        'seen by ' || seen_by || coalesce('; campaign ' || campaign, '') as detail
    from ledger
    where status <> 'pending'

    union all

    select
        ledger.site_domain,
        case
            when ledger.status_reason = 'other_target' or last_as_placed.entry_id is null then ledger.first_seen
            else coalesce(changed_since.changed_at, ledger.first_seen)
        end as event_date,
        'ledger_changed' as event,
        ledger.source_domain,
        ledger.source_url,
        ledger.target_url,
        ledger.status_reason
        || case
            when ledger.status_reason = 'other_target' then ': links to ' || coalesce(ledger.seen_target_url, '?')
            else ''
        end
        || coalesce('; campaign ' || ledger.campaign, '') as detail
    from ledger
    left join last_as_placed
        on ledger.entry_id = last_as_placed.entry_id
    left join changed_since
        on ledger.entry_id = changed_since.entry_id
    where ledger.status = 'changed'

    union all

    select
        site_domain,
        lost_at as event_date,
        'ledger_lost' as event,
        source_domain,
        source_url,
        target_url,
        status_reason || coalesce('; campaign ' || campaign, '') as detail
    from ledger
    where status = 'lost'
),

events as (
    select * from new_domains
    union all
    select * from lost_domains
    union all
    select * from toxic_domains
    union all
    select * from ledger_events
),

final as (
    select
        -- ids
        events.site_domain,
        sites.site_role,
        events.event,
        events.source_domain,
        events.source_url,
        nullif(events.target_url, '') as target_url,
        -- attributes
        events.detail,
        -- numerics
        cast(domains.authority as {{ type_double() }}) as authority,
        -- timestamps
        events.event_date
    from events
    inner join sites
        on events.site_domain = sites.site_domain
    left join domains
        on
            events.site_domain = domains.site_domain
            and events.source_domain = domains.source_domain
)

select * from final
