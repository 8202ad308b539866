{#- Incremental by linking page. A run's snapshot window changes the rows of a bounded set of
    source pages (int_backlinks__changed_sources: source URL keys, with their referring domains),
    and every link-level model keeps one row set per source URL key, so it rebuilds exactly
    those keys: a pre-hook deletes their rows, the model selects them again from upstream. The
    domain-level models do the same with the referring domains of those keys. On a first build
    or a --full-refresh every model builds from everything, and int_backlinks__changed_sources
    lists every key (the tests scoped to it then test every row). -#}

{#- Whether the incremental models build incrementally on this engine. Spark on plain Parquet has
    no DELETE (the pre-hooks below) and dbt-spark no delete+insert, so there every run rebuilds
    them in full, as tables: slower on a long history, the same rows. -#}
{% macro incremental_supported() -%}
    {{- return(target.type != 'spark') -}}
{%- endmacro %}

{#- The relation `model_name` left by the previous run, read before this run rebuilds it; none on
    a first build, a --full-refresh, or at parse time. Only int_backlinks__changed_sources uses
    it (what was there before is how a run knows what it removes). -#}
{% macro previous_relation(model_name) -%}
    {%- if not execute or flags.FULL_REFRESH or not incremental_supported() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ model_name] -%}
    {{- return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) -}}
{%- endmacro %}

{#- int_backlinks__changed_sources as a relation, for tests' `where` (a test config cannot ref). -#}
{% macro changed_sources_relation() -%}
    {%- if not execute -%}
        {{- return('int_backlinks__changed_sources') -}}
    {%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.int_backlinks__changed_sources'] -%}
    {{- return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) -}}
{%- endmacro %}

{#- `column` is one of the source URL keys this run rebuilds. -#}
{% macro in_changed_sources(column='source_url_key') -%}
    {{ column }} in (select source_url_key from {{ changed_sources_relation() }})
{%- endmacro %}

{#- `column` is one of the referring domains this run rebuilds (those of the changed keys). -#}
{% macro in_changed_domains(column='source_domain') -%}
    {{ column }} in (select source_domain from {{ changed_sources_relation() }} where source_domain is not null)
{%- endmacro %}

{#- The rows of `scope` a run rebuilds, as a condition on `column` (default: the scope's key):
      window   snapshot_date in the run's window (macros/incremental/snapshot_window.sql)
      sources  source_url_key in int_backlinks__changed_sources
      domains  source_domain among the referring domains of those pages -#}
{% macro in_changed(scope, column=none) -%}
    {%- if scope == 'window' -%}
        {{ in_snapshot_window(column or 'snapshot_date') }}
    {%- elif scope == 'sources' -%}
        {{ in_changed_sources(column or 'source_url_key') }}
    {%- elif scope == 'domains' -%}
        {{ in_changed_domains(column or 'source_domain') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("scope must be window, sources or domains, not " ~ scope) }}
    {%- endif -%}
{%- endmacro %}

{#- Make the calling model incremental by `scope` (window / sources / domains): on an
    incremental run a pre-hook deletes the rows of the scope the run rebuilds and the model's
    select (reading its inputs through changed_rows) appends them again; its data tests check
    those rows (meta.tested_rows, macros/incremental/tested_rows.sql). -#}
{% macro incremental_by(scope) -%}
    {%- if not incremental_supported() -%}
        {{ config(materialized='table') }}
        {{- return('') -}}
    {%- endif -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        meta={'tested_rows': scope},
        pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ in_changed('" ~ scope ~ "') }}{% endif %}",
    ) }}
    {%- if scope != 'window' -%}
        {%- do ref('int_backlinks__changed_sources') -%}
    {%- endif -%}
{%- endmacro %}

{#- `relation` on a first build or a full refresh; on an incremental run only its rows of
    `scope` the run rebuilds (a parenthesised subquery). For import CTEs:
    `links as (select * from {{ changed_rows(ref('fct_backlinks'), 'domains') }})`. -#}
{% macro changed_rows(relation, scope='sources', column=none) -%}
    {%- if is_incremental() -%}
        (select * from {{ relation }} where {{ in_changed(scope, column) }}) as changed_rows
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
