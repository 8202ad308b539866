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


{#- The bucket (0 .. buckets-1) of a key: a stable hash of its text (null as ''), for tables
    partitioned by bucket (the Spark incremental models, macros/incremental/changed_sources.sql).
    Every engine must give a key the same bucket on every run. -#}
{% macro key_bucket(column, buckets) -%}
    {{ return(adapter.dispatch('key_bucket', 'backlink_warehouse')(column, buckets)) }}
{%- endmacro %}

{% macro duckdb__key_bucket(column, buckets) -%}
    cast(hash(coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')) % {{ buckets }} as integer)
{%- endmacro %}

{% macro spark__key_bucket(column, buckets) -%}
    cast(pmod(xxhash64(coalesce(cast({{ column }} as string), '')), {{ buckets }}) as int)
{%- endmacro %}

{% macro default__key_bucket(column, buckets) -%}
    {{ exceptions.raise_compiler_error("key_bucket has no version for " ~ target.type) }}
{%- endmacro %}
