{#- Levenshtein distance between two strings: the fewest single-character insertions, deletions
    and substitutions that turn one into the other. -#}
{% macro edit_distance(a, b) -%}
    {{ return(adapter.dispatch('edit_distance', 'backlink_warehouse')(a, b)) }}
{%- endmacro %}

{% macro duckdb__edit_distance(a, b) -%}
    levenshtein({{ a }}, {{ b }})
{%- endmacro %}

{% macro snowflake__edit_distance(a, b) -%}
    editdistance({{ a }}, {{ b }})
{%- endmacro %}

{#- Spark, Databricks, Trino and Postgres (with fuzzystrmatch) spell it levenshtein. -#}
{% macro default__edit_distance(a, b) -%}
    levenshtein({{ a }}, {{ b }})
{%- endmacro %}
