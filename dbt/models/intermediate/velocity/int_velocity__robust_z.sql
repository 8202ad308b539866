-- Formula: docs/analytics.md#link-velocity
-- Modified z-score (Iglewicz-Hoaglin) of each period's new and (tool-dated) lost referring domains against
-- the trailing window of the same site and grain (the periods before it, not itself):
--     M = 0.6745 * (x - median) / MAD                      when MAD > 0
--     M = (x - median) / (1.253314 * MeanAD)               when MAD = 0 and MeanAD > 0
--     null                                                 when the window is flat (both 0) or
--                                                          has fewer than velocity_min_periods
-- MAD = median |x_j - median|, MeanAD = mean |x_j - median| over the window's periods x_j.
-- Window: velocity_window_weeks for weeks, velocity_window_days for days (sites.yml).
-- A spike needs M > robust_z_threshold (3.5) AND at least velocity_spike_min_domains (5) above
-- the median, so a quiet site going from 1 to 3 is no spike; after a flat window any jump of
-- that size is one (M is undefined there).
with

counts as (
    select * from {{ ref('int_velocity__counts') }}
),

thresholds as (
    select * from {{ ref('stg_config__thresholds') }}
),

indexed as (
    select
        counts.*,
        row_number() over (partition by counts.site_domain, counts.grain order by counts.period_start) as period_index
    from counts
),

metrics as (
    select
        site_domain,
        grain,
        period_start,
        period_index,
        'new' as metric,
        new_referring_domains as value
    from indexed
    union all
    -- loss spikes on the losses a tool dated itself (absence-dated ones bunch on snapshot weeks)
    select
        site_domain,
        grain,
        period_start,
        period_index,
        'lost' as metric,
        dated_lost_referring_domains as value
    from indexed
),

-- each period with the periods of its trailing window
windowed as (
    select
        current_period.site_domain,
        current_period.grain,
        current_period.period_start,
        current_period.metric,
        current_period.value,
        earlier.value as trailing_value
    from metrics as current_period
    cross join thresholds
    left join metrics as earlier
        on
            current_period.site_domain = earlier.site_domain
            and current_period.grain = earlier.grain
            and current_period.metric = earlier.metric
            and current_period.period_index > earlier.period_index
            and earlier.period_index >= current_period.period_index
            - case when current_period.grain = 'week' then thresholds.velocity_window_weeks else thresholds.velocity_window_days end
),

medians as (
    select
        site_domain,
        grain,
        period_start,
        metric,
        max(value) as value,
        count(trailing_value) as trailing_periods,
        {{ median('trailing_value') }} as trailing_median
    from windowed
    group by site_domain, grain, period_start, metric
),

deviations as (
    select
        medians.site_domain,
        medians.grain,
        medians.period_start,
        medians.metric,
        {{ median('abs(windowed.trailing_value - medians.trailing_median)') }} as trailing_mad,
        avg(abs(windowed.trailing_value - medians.trailing_median)) as trailing_mean_ad
    from medians
    inner join windowed
        on
            medians.site_domain = windowed.site_domain
            and medians.grain = windowed.grain
            and medians.period_start = windowed.period_start
            and medians.metric = windowed.metric
    group by medians.site_domain, medians.grain, medians.period_start, medians.metric
),

scored as (
    select
        medians.*,
        deviations.trailing_mad,
        deviations.trailing_mean_ad,
        case
            when medians.trailing_periods < thresholds.velocity_min_periods then null
            when deviations.trailing_mad > 0
                then 0.6745 * (medians.value - medians.trailing_median) / deviations.trailing_mad
            when deviations.trailing_mean_ad > 0
                then (medians.value - medians.trailing_median) / (1.253314 * deviations.trailing_mean_ad)
        end as robust_z,
        medians.trailing_periods >= thresholds.velocity_min_periods
        and medians.value - medians.trailing_median >= thresholds.velocity_spike_min_domains
            as is_large_enough,
        thresholds.robust_z_threshold
    from medians
    inner join deviations
        on
            medians.site_domain = deviations.site_domain
            and medians.grain = deviations.grain
            and medians.period_start = deviations.period_start
            and medians.metric = deviations.metric
    cross join thresholds
),

flagged as (
    select
        *,
        coalesce(
            is_large_enough
            and (robust_z > robust_z_threshold or (robust_z is null and trailing_mad = 0 and trailing_mean_ad = 0)),
            false
        ) as is_spike
    from scored
),

final as (
    select
        -- ids
        site_domain,
        grain,
        period_start,
        -- attributes
        {{ any_true("metric = 'new' and is_spike") }} as is_spike,
        {{ any_true("metric = 'lost' and is_spike") }} as is_loss_spike,
        -- numerics
        cast(max(case when metric = 'new' then value end) as integer) as new_referring_domains,
        cast(max(case when metric = 'lost' then value end) as integer) as dated_lost_referring_domains,
        cast(max(case when metric = 'new' then trailing_periods end) as integer) as trailing_periods,
        cast(max(case when metric = 'new' then trailing_median end) as {{ type_double() }}) as new_trailing_median,
        cast(max(case when metric = 'new' then trailing_mad end) as {{ type_double() }}) as new_trailing_mad,
        cast(round(max(case when metric = 'new' then robust_z end), 4) as {{ type_double() }}) as robust_z,
        cast(max(case when metric = 'lost' then trailing_median end) as {{ type_double() }}) as lost_trailing_median,
        cast(round(max(case when metric = 'lost' then robust_z end), 4) as {{ type_double() }}) as lost_robust_z
    from flagged
    group by site_domain, grain, period_start
)

select
    final.*,
    counts.lost_referring_domains
from final
inner join counts
    on
        final.site_domain = counts.site_domain
        and final.grain = counts.grain
        and final.period_start = counts.period_start
