-- The live links of every site and competitor at each of its snapshot dates (any tool's export
-- date for that site), as category distributions: one row per (site, snapshot, dimension,
-- category) with the number of live links in it, for the dimensions that count links:
-- referring_domain, anchor_class, rel, placement (int_profile__link_spans). A link is live at
-- date D when first seen on or before D and not lost by D (lost_at null or after D).
-- Incremental: the snapshot dates of the run's window are counted again over every link; every
-- other snapshot date keeps its weights plus the changes of the links this run rebuilt
-- (int_profile__span_changes), so a run does not recount the history it did not touch.
-- Rows whose weight drops to 0 are removed (post-hook).
-- On Spark a table, rebuilt whole: it updates its own rows in place (delete+insert by key,
-- deleting zero weights), which plain Parquet partitions cannot do without reading and
-- overwriting the partitions it reads (README, Running on Spark).
{{
    config(
        materialized='table' if partitioned_incremental() else 'incremental',
        incremental_strategy='delete+insert',
        unique_key=['site_domain', 'snapshot_date', 'dimension', 'category'],
        post_hook="{% if is_incremental() %}delete from {{ this }} where weight = 0{% endif %}",
    )
}}
-- depends_on: {{ ref('int_profile__span_changes') }}
with

snapshots as (
    select distinct
        site_domain,
        snapshot_date
    from {{ ref('int_backlinks__snapshots') }}
),

spans as (
    {{ span_categories(ref('int_profile__link_spans')) }}
),

{% if is_incremental() %}

window_snapshots as (
    select * from snapshots where {{ in_snapshot_window('snapshot_date') }}
),

-- 1. the window's snapshot dates, counted over every link
window_weights as (
    {{ live_weights('spans', 'window_snapshots', 'count(*)') }}
),

-- ... and their rows that are gone (a snapshot re-exported smaller, or no longer there)
window_removed as (
    select
        before.site_domain,
        before.snapshot_date,
        before.dimension,
        before.category,
        0 as weight
    from {{ this }} as before
    where {{ in_snapshot_window('before.snapshot_date') }}
        and not exists (
            select 1
            from window_weights
            where window_weights.site_domain = before.site_domain
                and window_weights.snapshot_date = before.snapshot_date
                and window_weights.dimension = before.dimension
                and window_weights.category = before.category
        )
),

-- 2. every other snapshot date: the weights before, plus the spans added, minus those removed
other_snapshots as (
    select * from snapshots where not {{ in_snapshot_window('snapshot_date') }}
),

changes as (
    {{ span_categories(ref('int_profile__span_changes'), 'change') }}
),

deltas as (
    {{ live_weights('changes', 'other_snapshots', 'sum(change)') }}
),

changed_weights as (
    select
        deltas.site_domain,
        deltas.snapshot_date,
        deltas.dimension,
        deltas.category,
        coalesce(before.weight, 0) + deltas.weight as weight
    from deltas
    left join {{ this }} as before
        on deltas.site_domain = before.site_domain
        and deltas.snapshot_date = before.snapshot_date
        and deltas.dimension = before.dimension
        and deltas.category = before.category
    where deltas.weight <> 0
),

weights as (
    select * from window_weights
    union all
    select * from window_removed
    union all
    select * from changed_weights
),

{% else %}

    weights as (
        {{ live_weights('spans', 'snapshots', 'count(*)') }}
    ),

{% endif %}

final as (
    select
        site_domain,
        snapshot_date,
        dimension,
        category,
        cast(weight as integer) as weight
    from weights
)

select * from final
