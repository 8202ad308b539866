-- Every staged backlink row of the run's window is counted in exactly one snapshot observation:
-- per snapshot date, the observations' raw_rows add up to the staged rows.
with

staged as (
    select
        snapshot_date,
        count(*) as staged_rows
    from {{ ref('stg_raw__backlinks') }}
    where {{ in_snapshot_window('snapshot_date') }}
    group by snapshot_date
),

observed as (
    select
        snapshot_date,
        sum(raw_rows) as observed_rows
    from {{ ref('int_backlinks__snapshot_observations') }}
    where {{ in_snapshot_window('snapshot_date') }}
    group by snapshot_date
)

select
    coalesce(staged.snapshot_date, observed.snapshot_date) as snapshot_date,
    staged.staged_rows,
    observed.observed_rows
from staged
full outer join observed
    on staged.snapshot_date = observed.snapshot_date
where coalesce(staged.staged_rows, -1) <> coalesce(observed.observed_rows, -1)
