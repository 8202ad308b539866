{#- Incremental by linking page. A run's snapshot window changes the rows of a bounded set of
    source pages (int_backlinks__changed_sources: source URL keys, with their referring domains),
    and every link-level model keeps one row set per source URL key, so it rebuilds exactly
    those keys: a pre-hook deletes their rows, the model selects them again from upstream. The
    domain-level models do the same with the referring domains of those keys. On a first build
    or a --full-refresh every model builds from everything, and int_backlinks__changed_sources
    lists every key (the tests scoped to it then test every row). -#}

{#- How an incremental run replaces the rows it rebuilds. DuckDB deletes them (a pre-hook) and
    appends them again: exactly the rows of the scope. Spark on plain Parquet has no DELETE, so
    there every incremental model is partitioned and a run replaces whole partitions
    (dbt-spark's insert_overwrite, dynamic): by snapshot_date for the window scope, by a bucket
    of the key (key_bucket) for the sources and domains scopes, whose models then read, and
    rebuild, every row of the buckets the changed keys fall in (a superset of the changed keys:
    the others are rebuilt to the same rows). -#}
{% macro partitioned_incremental() -%}
    {{- return(target.type == 'spark') -}}
{%- endmacro %}

{#- The number of buckets a sources/domains-scoped Spark table is partitioned into
    (var spark_buckets, else env BACKLINKS_SPARK_BUCKETS, else 16). A run rewrites every bucket
    one of its changed keys falls in, so more buckets rewrite less; changing it needs a
    --full-refresh. -#}
{% macro spark_buckets() -%}
    {{- return(var('spark_buckets', env_var('BACKLINKS_SPARK_BUCKETS', '16')) | int) -}}
{%- endmacro %}

{#- The partition column of a model incremental by `scope` on Spark. -#}
{% macro partition_column_name(scope) -%}
    {{- return({'window': 'snapshot_date', 'sources': '_source_bucket', 'domains': '_domain_bucket'}[scope]) -}}
{%- endmacro %}

{#- The bucket column a model incremental by `scope` adds to its output on Spark, as
    `, <bucket> as <column>` after its last select's columns (`select *{{ partition_key('sources') }}
    from final`); nothing on DuckDB, or for the window scope (partitioned by its snapshot_date). -#}
{% macro partition_key(scope) -%}
    {%- if partitioned_incremental() and scope in ('sources', 'domains') -%}
        , {{ key_bucket('source_url_key' if scope == 'sources' else 'source_domain', spark_buckets()) }} as {{ partition_column_name(scope) }}
    {%- endif -%}
{%- endmacro %}

{#- Spark pre-hook: drop the partitions of `this` the run rebuilds, so one the run leaves empty
    (a snapshot whose files were all replaced by unusable ones, a bucket whose pages are all
    gone) is emptied as DuckDB's delete empties it; insert_overwrite alone replaces only the
    partitions the new rows fall in. Re-running it is harmless (the rows come back). -#}
{% macro drop_changed_partitions(scope) -%}
    {%- if not execute or not is_incremental() -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set column = partition_column_name(scope) -%}
    {%- set touched = run_query('select distinct ' ~ column ~ ' from ' ~ this ~ ' where ' ~ in_changed(scope)) -%}
    {%- set specs = [] -%}
    {%- for row in touched.rows -%}
        {%- do specs.append('partition (' ~ column ~ " = '" ~ row[0] ~ "')") -%}
    {%- endfor -%}
    {%- if specs -%}
        {%- do run_query('alter table ' ~ this ~ ' drop if exists ' ~ specs | join(', ')) -%}
    {%- endif -%}
    {{- return('') -}}
{%- endmacro %}

{#- The relation `model_name` left by the previous run, read before this run rebuilds it; none on
    a first build, a --full-refresh, or at parse time. Only int_backlinks__changed_sources uses
    it (what was there before is how a run knows what it removes). -#}
{% macro previous_relation(model_name) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
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
{#- On Spark: one of the keys of the buckets those keys fall in (whole partitions, see
    partitioned_incremental). -#}
{% macro in_changed_sources(column='source_url_key') -%}
    {%- if partitioned_incremental() -%}
        {{ key_bucket(column, spark_buckets()) }} in (select {{ key_bucket('source_url_key', spark_buckets()) }} from {{ changed_sources_relation() }})
    {%- else -%}
        {{ column }} in (select source_url_key from {{ changed_sources_relation() }})
    {%- endif -%}
{%- endmacro %}

{#- `column` is one of the referring domains this run rebuilds (those of the changed keys). -#}
{#- On Spark: one of the domains of the buckets those domains fall in. -#}
{% macro in_changed_domains(column='source_domain') -%}
    {%- if partitioned_incremental() -%}
        {{ key_bucket(column, spark_buckets()) }} in (select {{ key_bucket('source_domain', spark_buckets()) }} from {{ changed_sources_relation() }} where source_domain is not null)
    {%- else -%}
        {{ column }} in (select source_domain from {{ changed_sources_relation() }} where source_domain is not null)
    {%- endif -%}
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
    those rows (meta.tested_rows, macros/incremental/tested_rows.sql). On Spark the run
    overwrites the partitions holding those rows instead (partitioned_incremental); the model's
    last select ends its columns with partition_key(scope), or with partitioned=false the model
    is a table on Spark, rebuilt whole. -#}
{% macro incremental_by(scope, partitioned=true) -%}
    {%- if partitioned_incremental() and not partitioned -%}
        {#- a model that cannot carry a partition column (an enforced contract) is a table there -#}
        {{ config(materialized='table') }}
        {{- return('') -}}
    {%- elif partitioned_incremental() -%}
        {#- Spark: replace the partitions the run touches (the model adds partition_key(scope)) -#}
        {{ config(
            materialized='incremental',
            incremental_strategy='insert_overwrite',
            partition_by=[partition_column_name(scope)],
            on_schema_change='append_new_columns',
            meta={'tested_rows': scope},
            pre_hook="{{ drop_changed_partitions('" ~ scope ~ "') }}",
        ) }}
    {%- else -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        meta={'tested_rows': scope},
        pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ in_changed('" ~ scope ~ "') }}{% endif %}",
    ) }}
    {%- endif -%}
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
