{#- Aggregates whose spelling differs between engines. -#}

{#- Sorted, de-duplicated, delimiter-joined list of the group's non-null values ('ahrefs,gsc'). -#}
{% macro string_agg_distinct_sorted(expr, delimiter="','") -%}
    {{ return(adapter.dispatch('string_agg_distinct_sorted', 'backlink_warehouse')(expr, delimiter)) }}
{%- endmacro %}

{% macro duckdb__string_agg_distinct_sorted(expr, delimiter) -%}
    string_agg(distinct {{ expr }}, {{ delimiter }} order by {{ expr }})
{%- endmacro %}

{% macro postgres__string_agg_distinct_sorted(expr, delimiter) -%}
    string_agg(distinct {{ expr }}, {{ delimiter }} order by {{ expr }})
{%- endmacro %}

{#- ANSI / Snowflake spelling. -#}
{% macro default__string_agg_distinct_sorted(expr, delimiter) -%}
    listagg(distinct {{ expr }}, {{ delimiter }}) within group (order by {{ expr }})
{%- endmacro %}


{#- The value of `expr` on the row with the greatest `order_key`, skipping rows where `expr` is
    null ("the most recent known value"). `order_key` must be non-null and totally ordered. -#}
{% macro latest_value(expr, order_key) -%}
    {{ return(adapter.dispatch('latest_value', 'backlink_warehouse')(expr, order_key)) }}
{%- endmacro %}

{% macro duckdb__latest_value(expr, order_key) -%}
    arg_max({{ expr }}, {{ order_key }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{% macro snowflake__latest_value(expr, order_key) -%}
    max_by({{ expr }}, {{ order_key }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{#- Postgres-style ordered array aggregate. -#}
{% macro default__latest_value(expr, order_key) -%}
    (array_agg({{ expr }} order by {{ order_key }} desc) filter (where {{ expr }} is not null))[1]
{%- endmacro %}


{#- The value of `expr` on the row with the smallest `order_key`, skipping nulls (latest_value's
    mirror: "the first known value"). -#}
{% macro earliest_value(expr, order_key) -%}
    {{ return(adapter.dispatch('earliest_value', 'backlink_warehouse')(expr, order_key)) }}
{%- endmacro %}

{% macro duckdb__earliest_value(expr, order_key) -%}
    arg_min({{ expr }}, {{ order_key }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{% macro snowflake__earliest_value(expr, order_key) -%}
    min_by({{ expr }}, {{ order_key }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{% macro default__earliest_value(expr, order_key) -%}
    (array_agg({{ expr }} order by {{ order_key }}) filter (where {{ expr }} is not null))[1]
{%- endmacro %}


{#- True when the boolean `expr` is true on any row of the group, false when it is false on
    some and true on none, null when it is unknown (null) on every row: "the tool did not say"
    stays distinguishable from "the tool said no". Named any_true so it does not shadow dbt's
    own `bool_or`. -#}
{% macro any_true(expr) -%}
    {{ return(adapter.dispatch('any_true', 'backlink_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__any_true(expr) -%}
    bool_or({{ expr }})
{%- endmacro %}

{% macro default__any_true(expr) -%}
    (max(case when {{ expr }} then 1 when not {{ expr }} then 0 end) = 1)
{%- endmacro %}
