{#- Set-returning select-list expression: every date from `start_expr` to `end_expr` (inclusive)
    stepping `step_days` days, as a date. Used as `select site_domain, {{ date_series(...) }} as d
    from bounds` to build a gap-free period spine per site. -#}
{% macro date_series(start_expr, end_expr, step_days) -%}
    {{ return(adapter.dispatch('date_series', 'backlink_warehouse')(start_expr, end_expr, step_days)) }}
{%- endmacro %}

{% macro duckdb__date_series(start_expr, end_expr, step_days) -%}
    cast(unnest(generate_series(
        cast({{ start_expr }} as timestamp),
        cast({{ end_expr }} as timestamp),
        to_days(cast({{ step_days }} as integer))
    )) as date)
{%- endmacro %}

{% macro postgres__date_series(start_expr, end_expr, step_days) -%}
    cast(generate_series(
        cast({{ start_expr }} as timestamp),
        cast({{ end_expr }} as timestamp),
        make_interval(days => {{ step_days }})
    ) as date)
{%- endmacro %}

{#- Spark raises on a step that cannot reach the end; callers pass start <= end. -#}
{% macro spark__date_series(start_expr, end_expr, step_days) -%}
    explode(sequence(
        cast({{ start_expr }} as date),
        cast({{ end_expr }} as date),
        make_dt_interval(cast({{ step_days }} as integer))
    ))
{%- endmacro %}

{% macro default__date_series(start_expr, end_expr, step_days) -%}
    {{ exceptions.raise_compiler_error("date_series: no implementation for adapter " ~ adapter.type() ~ "; add <adapter>__date_series in macros/analytics/dates.sql") }}
{%- endmacro %}
