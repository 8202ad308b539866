{#- Statistics whose spelling differs between engines. -#}

{#- Aggregate: the median (interpolated between the two middle values for an even count). -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'backlink_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{#- ANSI ordered-set aggregate (Postgres, Snowflake, Redshift). -#}
{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}


{#- `numerator / denominator` as a double, null when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}


{#- A number rounded to a whole number, as text ('72'), for human-readable reasons. -#}
{% macro int_text(expr) -%}
    cast(cast(round({{ expr }}) as integer) as {{ dbt.type_string() }})
{%- endmacro %}


{#- A 0-1 share as percent text with one decimal ('12.5%'), for human-readable flags. -#}
{% macro percent_text(expr) -%}
    cast(round(100 * {{ expr }}, 1) as {{ dbt.type_string() }}) || '%'
{%- endmacro %}


{#- Aggregate: the group's values joined with `delimiter` in the order of `order_by` (a SQL
    ORDER BY list, e.g. 'points desc, reason'). -#}
{% macro string_agg_ordered(expr, order_by, delimiter="', '") -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'backlink_warehouse')(expr, order_by, delimiter)) }}
{%- endmacro %}

{% macro duckdb__string_agg_ordered(expr, order_by, delimiter) -%}
    string_agg({{ expr }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro postgres__string_agg_ordered(expr, order_by, delimiter) -%}
    string_agg({{ expr }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro default__string_agg_ordered(expr, order_by, delimiter) -%}
    listagg({{ expr }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}
