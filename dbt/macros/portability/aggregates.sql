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

{#- Spark has no ordered string aggregate it can run with DISTINCT (listagg(distinct ...) within
    group crashes Spark 4.3's optimizer): sort the set instead. Null, as elsewhere, for a group
    without a non-null value. -#}
{% macro spark__string_agg_distinct_sorted(expr, delimiter) -%}
    case when count({{ expr }}) > 0 then array_join(array_sort(collect_set({{ expr }})), {{ delimiter }}) end
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

{% macro spark__latest_value(expr, order_key) -%}
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

{% macro spark__earliest_value(expr, order_key) -%}
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

{% macro spark__any_true(expr) -%}
    bool_or({{ expr }})
{%- endmacro %}

{#- `expr` is parenthesised: `not a and b` would negate only `a`. -#}
{% macro default__any_true(expr) -%}
    (max(case when ({{ expr }}) then 1 when not ({{ expr }}) then 0 end) = 1)
{%- endmacro %}


{#- A number for each row of a relation that a query refers to more than once (a CTE), the same
    in every reference. DuckDB materialises such a CTE (the caller writes it `as materialized`
    there, see materialized_cte), so any numbering is stable and none needs a sort; an engine
    that may inline the CTE numbers the rows in a total order (`order_by`: columns that are
    unique together), which every reference repeats. -#}
{% macro stable_row_id(order_by) -%}
    {{ return(adapter.dispatch('stable_row_id', 'backlink_warehouse')(order_by)) }}
{%- endmacro %}

{% macro duckdb__stable_row_id(order_by) -%}
    row_number() over ()
{%- endmacro %}

{% macro default__stable_row_id(order_by) -%}
    row_number() over (order by {{ order_by | join(', ') }})
{%- endmacro %}

{#- `materialized` where the engine accepts `name as materialized (...)` for a CTE. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'backlink_warehouse')()) }}
{%- endmacro %}

{% macro duckdb__materialized_cte() -%}
    materialized
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{#- `not materialized` where the engine accepts it: for a CTE referenced twice whose callers
    filter it (a snapshot window), so the filter reaches the table scan in both references.
    DuckDB would otherwise compute such a CTE once, in full (stg_raw__backlinks: 3.1 s against
    0.4 s at 2M rows, and proportional to history on an incremental run). -#}
{% macro inlined_cte() -%}
    {{ return(adapter.dispatch('inlined_cte', 'backlink_warehouse')()) }}
{%- endmacro %}

{% macro duckdb__inlined_cte() -%}
    not materialized
{%- endmacro %}

{% macro postgres__inlined_cte() -%}
    not materialized
{%- endmacro %}

{% macro default__inlined_cte() -%}
{%- endmacro %}
