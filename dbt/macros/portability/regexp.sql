{#- Regular expressions differ per engine (flags, full vs partial match). Patterns passed here
    are RE2/POSIX-compatible; callers anchor them with ^...$ when they mean a full match. -#}

{#- Replace every match of `pattern` in `expr`. -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'backlink_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro postgres__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Snowflake, BigQuery, Spark, Trino replace every match by default. -#}
{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}


{#- True when `pattern` matches somewhere in `expr`. -#}
{% macro regexp_contains(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'backlink_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__regexp_contains(expr, pattern) -%}
    ({{ expr }} ~ {{ pattern }})
{%- endmacro %}

{% macro default__regexp_contains(expr, pattern) -%}
    regexp_like({{ expr }}, {{ pattern }})
{%- endmacro %}
