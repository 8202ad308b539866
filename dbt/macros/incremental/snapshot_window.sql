{#- The snapshot-date window one run rebuilds. The Dagster partition (or `backlinks backfill`)
    sets it through the environment (BACKLINKS_DBT_MIN_DATE / BACKLINKS_DBT_MAX_DATE): a new
    `--vars` value makes dbt re-parse the whole project on every run (measured: 11 s instead of
    5.6 s), while an env var read here is rendered at execution time only. By hand,
    `dbt build --vars '{"min_date": "…", "max_date": "…"}'` works too and wins over the
    environment. Without either the window is all of time, so a plain `dbt build` is still
    correct, just not incremental. -#}
{% macro snapshot_window_bound(name, default) -%}
    {%- set value = var(name, env_var('BACKLINKS_DBT_' ~ name | upper, default)) | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("the snapshot window's " ~ name ~ " must be an ISO date (YYYY-MM-DD), got " ~ value) }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{% macro in_snapshot_window(column) -%}
    {{ column }} between {{ snapshot_window_bound('min_date', '1900-01-01') }}
        and {{ snapshot_window_bound('max_date', '9999-12-31') }}
{%- endmacro %}
