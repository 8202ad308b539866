-- The one-row table of tunable thresholds (one column per field of config.Thresholds).
-- `select *` on purpose: a threshold added to config.py reaches the marts without a change here.
with

source as (
    select * from {{ source('config', 'thresholds') }}
)

select * from source
