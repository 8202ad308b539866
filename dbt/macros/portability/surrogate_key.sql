{#- A stable md5 key over several columns; nulls become '' so a null target_url still keys
    (the GSC "target unknown" link). Uses dbt's own cross-database hash/concat. -#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#- A cheap hash of several columns, for routing rows (e.g. "is this row alone in its group?"),
    never as a key: callers must stay correct when two different column tuples collide. -#}
{% macro routing_hash(columns) -%}
    {{ return(adapter.dispatch('routing_hash', 'backlink_warehouse')(columns)) }}
{%- endmacro %}

{% macro duckdb__routing_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__routing_hash(columns) -%}
    {{ surrogate_key(columns) }}
{%- endmacro %}
