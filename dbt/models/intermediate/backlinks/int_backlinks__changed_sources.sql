-- The linking pages whose link rows this run rebuilds: one row per (source URL key, referring
-- domain). Every link-level model is keyed by its source page (all of a page's observations,
-- from every tool and snapshot, decide its links: the URL spelling, GSC rows without a target,
-- first/last seen, lost), so a run recomputes exactly these keys and the domain-level models
-- exactly their referring domains (macros/incremental/changed_sources.sql). A key is changed when
--   1. the page is in a snapshot of the run's window, as landed now, or
--   2. it was in one before this run (a re-exported snapshot may have dropped it), or
--   3. a window snapshot can change whether the tool considers one of its links lost: a
--      complete-enough snapshot of the link's series (site, tool, export type) after the last
--      one that had it and not after the one that proved it absent, or the window holds the
--      snapshot that proved it absent (which may have shrunk or gone), or
--   4. a link of the page points at a target whose spelling changed, or
--   5. the window can move the first snapshot a tool took of the page's site (it holds no
--      later date than that first snapshot), which decides whether a link was there from the
--      start ('baseline' in int_velocity__domain_events).
-- Everything else the window cannot change, so a run costs what its snapshots touch, not the
-- history. On a first build or a --full-refresh every key is listed (and everything is rebuilt).
-- "Before this run" is the previous state of int_backlinks__observations and
-- int_backlinks__series_state, read here before this run rebuilds them (macro previous_relation).
-- depends_on: {{ ref('int_backlinks__snapshots') }}
-- depends_on: {{ ref('int_backlinks__target_spellings') }}
-- depends_on: {{ ref('stg_config__thresholds') }}
{%- set observations_before = previous_relation('int_backlinks__observations') %}
{%- set series_before = previous_relation('int_backlinks__series_state') %}

with

snapshot_observations as (
    select * from {{ ref('int_backlinks__snapshot_observations') }}
),

{% if observations_before is none or series_before is none %}

    changed as (
        select
            source_url_key,
            source_domain
        from snapshot_observations
    ),

{% else %}

snapshots as (
    select * from {{ ref('int_backlinks__snapshots') }}
),

target_spellings as (
    select * from {{ ref('int_backlinks__target_spellings') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

observations_before as (
    select * from {{ observations_before }}
),

series_before as (
    select * from {{ series_before }}
),

window_series_snapshots as (
    select * from snapshots
    where not is_sample
        and {{ in_snapshot_window('snapshot_date') }}
),

tool_first_snapshots as (
    select site_domain, source_tool, min(snapshot_date) as first_snapshot_date
    from snapshots
    group by site_domain, source_tool
),

changed as (
    -- 1. in the window now
    select source_url_key, source_domain
    from snapshot_observations
    where {{ in_snapshot_window('snapshot_date') }}

    union all
    -- 2. in the window before
    select source_url_key, source_domain
    from observations_before
    where {{ in_snapshot_window('snapshot_date') }}

    union all
    -- 3a. a new complete-enough snapshot may prove a link absent earlier than before
    select series_before.source_url_key, series_before.source_domain
    from series_before
    inner join window_series_snapshots
        on series_before.site_domain = window_series_snapshots.site_domain
        and series_before.source_tool = window_series_snapshots.source_tool
        and series_before.export_type = window_series_snapshots.export_type
        and window_series_snapshots.snapshot_date > series_before.last_series_snapshot_date
        and (series_before.absent_at is null or window_series_snapshots.snapshot_date < series_before.absent_at)
    cross join thresholds
    where window_series_snapshots.snapshot_links >= thresholds.lost_min_snapshot_ratio * series_before.last_snapshot_links

    union all
    -- 3b. the snapshot that proved a link absent is rebuilt (it may have shrunk or gone)
    select source_url_key, source_domain
    from series_before
    where {{ in_snapshot_window('absent_at') }}

    union all
    -- 4. a target spelt otherwise now
    select observations_before.source_url_key, observations_before.source_domain
    from observations_before
    inner join target_spellings
        on observations_before.target_url_key = target_spellings.target_url_key
    where observations_before.target_url <> target_spellings.target_url

    union all
    -- 5. no snapshot of the tool for the site before the window: its first one may move
    select observations_before.source_url_key, observations_before.source_domain
    from observations_before
    left join tool_first_snapshots
        on observations_before.site_domain = tool_first_snapshots.site_domain
        and observations_before.source_tool = tool_first_snapshots.source_tool
    where tool_first_snapshots.first_snapshot_date is null
        or tool_first_snapshots.first_snapshot_date >= {{ snapshot_window_bound('min_date', '1900-01-01') }}
),

{% endif %}

final as (
    select distinct
        source_url_key,
        source_domain
    from changed
)

select * from final
