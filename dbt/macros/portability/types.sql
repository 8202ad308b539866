{#- An 8-byte float. dbt's own type_float() is a 4-byte REAL on DuckDB, too coarse for scores. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'backlink_warehouse')()) }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- ANSI spelling (Postgres, Redshift, Snowflake accept it). -#}
{% macro default__type_double() -%}
    double precision
{%- endmacro %}
