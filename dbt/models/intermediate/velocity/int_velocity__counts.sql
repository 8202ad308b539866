-- Formula: docs/analytics.md#link-velocity
-- New and lost referring domains per site per period, on a gap-free period spine (a period
-- without events is a 0, which the robust z-score needs), for two grains:
--   week  Monday-based weeks; every dated event (vendor or snapshot basis)
--   day   only events with a vendor (day-precise) date: snapshot-dated events would pile up
--         on export days and fake daily spikes
-- Losses a tool dated itself (its lost flag / date) are also counted apart: a loss found by
-- absence is dated at the snapshot that revealed it, which bunches weeks of losses into the
-- snapshot's week, so loss spikes are judged on the dated ones only (int_velocity__robust_z).
-- The spine runs from the site's first counted event to its latest snapshot or event.
-- Baseline domains (already there when tracking began) are never new.
with

events as (
    select * from {{ ref('int_velocity__domain_events') }}
),

snapshots as (
    select * from {{ ref('int_backlinks__snapshots') }}
),

dated as (
    select
        site_domain,
        'week' as grain,
        {{ date_trunc_week('first_seen') }} as period_start,
        'new' as event
    from events
    where first_seen_basis in ('vendor', 'snapshot')
    union all
    select
        site_domain,
        'week' as grain,
        {{ date_trunc_week('lost_at') }} as period_start,
        case when lost_basis = 'vendor' then 'lost_dated' else 'lost' end as event
    from events
    where lost_at is not null
    union all
    select
        site_domain,
        'day' as grain,
        first_seen as period_start,
        'new' as event
    from events
    where first_seen_basis = 'vendor'
    union all
    select
        site_domain,
        'day' as grain,
        lost_at as period_start,
        'lost_dated' as event
    from events
    where lost_at is not null and lost_basis = 'vendor'
),

last_snapshots as (
    select
        site_domain,
        max(snapshot_date) as last_snapshot_date
    from snapshots
    group by site_domain
),

bounds as (
    select
        dated.site_domain,
        dated.grain,
        min(dated.period_start) as first_period,
        max(
            case
                when dated.grain = 'week' then {{ date_trunc_week('last_snapshots.last_snapshot_date') }}
                else last_snapshots.last_snapshot_date
            end
        ) as last_snapshot_period,
        max(dated.period_start) as last_event_period
    from dated
    inner join last_snapshots
        on dated.site_domain = last_snapshots.site_domain
    group by dated.site_domain, dated.grain
),

spine as (
    select
        site_domain,
        grain,
        {{ date_series(
            'first_period',
            'case when last_snapshot_period > last_event_period then last_snapshot_period else last_event_period end',
            "case when grain = 'week' then 7 else 1 end"
        ) }} as period_start
    from bounds
),

counted as (
    select
        site_domain,
        grain,
        period_start,
        sum(case when event = 'new' then 1 else 0 end) as new_referring_domains,
        sum(case when event in ('lost', 'lost_dated') then 1 else 0 end) as lost_referring_domains,
        sum(case when event = 'lost_dated' then 1 else 0 end) as dated_lost_referring_domains
    from dated
    group by site_domain, grain, period_start
),

final as (
    select
        -- ids
        spine.site_domain,
        spine.grain,
        spine.period_start,
        -- numerics
        cast(coalesce(counted.new_referring_domains, 0) as integer) as new_referring_domains,
        cast(coalesce(counted.lost_referring_domains, 0) as integer) as lost_referring_domains,
        cast(coalesce(counted.dated_lost_referring_domains, 0) as integer) as dated_lost_referring_domains
    from spine
    left join counted
        on
            spine.site_domain = counted.site_domain
            and spine.grain = counted.grain
            and spine.period_start = counted.period_start
)

select * from final
