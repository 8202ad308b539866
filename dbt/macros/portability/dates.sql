{#- Monday of the ISO week containing `expr` (a date). Used by weekly velocity buckets. -#}
{% macro date_trunc_week(expr) -%}
    {{ return(adapter.dispatch('date_trunc_week', 'backlink_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__date_trunc_week(expr) -%}
    cast(date_trunc('week', {{ expr }}) as date)
{%- endmacro %}

{% macro default__date_trunc_week(expr) -%}
    cast({{ dbt.date_trunc('week', expr) }} as date)
{%- endmacro %}
