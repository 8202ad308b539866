{#- The snapshot-date window one run rebuilds, from the `min_date` / `max_date` vars that the
    Dagster partition (or `backlinks backfill`) passes (`dbt build --vars`). Without vars the
    window is all of time, so a plain `dbt build` is still correct, just not incremental. -#}
{% macro snapshot_window_bound(name, default) -%}
    {%- set value = var(name, default) | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be an ISO date (YYYY-MM-DD), got " ~ value) }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{% macro in_snapshot_window(column) -%}
    {{ column }} between {{ snapshot_window_bound('min_date', '1900-01-01') }}
        and {{ snapshot_window_bound('max_date', '9999-12-31') }}
{%- endmacro %}
