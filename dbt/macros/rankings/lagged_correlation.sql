{#- Did links move rankings? For each entity (key_columns) of a weekly series, the Pearson
    correlation between x lagged by k weeks and y, for every lag k = 0..max_lag:

        correlation_k = corr( x(w - k), y(w) )   over the weeks w where y(w) and x(w - k) are known

    and the lag with the strongest NEGATIVE correlation. With x = live referring domains and
    y = average position (lower is better), a negative correlation means "more referring domains
    k weeks earlier, better position now". A correlation is null when fewer than `min_pairs`
    weeks pair up or either side is constant; correlations are rounded to 6 decimals, and a tie
    goes to the shorter lag. best_lag_weeks is null when no lag correlates negatively.

    series     relation / CTE name with key_columns, week_index (integer, see week_index) and x, y
    max_lag    SQL expression of the largest lag in weeks, e.g. a threshold
               (links_vs_rankings_max_lag_weeks); lags above max_lag_limit are never tried
    max_lag_limit  compile-time bound of max_lag (config.Thresholds allows at most 52)

    Returns one row per entity that has at least one paired week: key_columns,
    paired_weeks (pairs at lag 0), correlation_same_week (k = 0), best_lag_weeks,
    best_lag_correlation. -#}
{% macro lagged_correlation(series, key_columns, x, y, max_lag, min_pairs=3, max_lag_limit=52) -%}
    {%- set keys = key_columns | join(', ') -%}
    select
        {{ keys }},
        max(case when lag_weeks = 0 then paired_weeks end) as paired_weeks,
        max(case when lag_weeks = 0 then correlation end) as correlation_same_week,
        max(case when lag_rank = 1 and correlation < 0 then lag_weeks end) as best_lag_weeks,
        max(case when lag_rank = 1 and correlation < 0 then correlation end) as best_lag_correlation
    from (
        select
            per_lag.*,
            row_number() over (
                partition by {% for key in key_columns %}per_lag.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
                order by case when per_lag.correlation is null then 1 else 0 end, per_lag.correlation, per_lag.lag_weeks
            ) as lag_rank
        from (
            select
                {% for key in key_columns %}current_week.{{ key }},
                {% endfor -%}
                lags.lag_weeks,
                count(*) as paired_weeks,
                case
                    when count(*) >= {{ min_pairs }}
                        and min(earlier_week.{{ x }}) <> max(earlier_week.{{ x }})
                        and min(current_week.{{ y }}) <> max(current_week.{{ y }})
                        then round(corr(earlier_week.{{ x }}, current_week.{{ y }}), 6)
                end as correlation
            from {{ series }} as current_week
            cross join (
                select generated_number - 1 as lag_weeks
                from ({{ dbt.generate_series(max_lag_limit + 1) }}) as lag_numbers
                where generated_number - 1 <= {{ max_lag }}
            ) as lags
            inner join {{ series }} as earlier_week
                on {% for key in key_columns %}earlier_week.{{ key }} = current_week.{{ key }}
                and {% endfor %}earlier_week.week_index = current_week.week_index - lags.lag_weeks
            where current_week.{{ y }} is not null
                and earlier_week.{{ x }} is not null
            group by {% for key in key_columns %}current_week.{{ key }}, {% endfor %}lags.lag_weeks
        ) as per_lag
    ) as ranked
    group by {{ keys }}
{%- endmacro %}
