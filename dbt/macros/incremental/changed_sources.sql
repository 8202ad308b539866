{#- Incremental by linking page. A run's snapshot window changes the rows of a bounded set of
    source pages (int_backlinks__changed_sources: source URL keys, with their referring domains),
    and every link-level model keeps one row set per source URL key, so it rebuilds exactly
    those keys: a pre-hook deletes their rows, the model selects them again from upstream. The
    domain-level models do the same with the referring domains of those keys. On a first build
    or a --full-refresh every model builds from everything, and int_backlinks__changed_sources
    lists every key (the tests scoped to it then test every row). -#}

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
{% macro in_changed_sources(column='source_url_key') -%}
    {{ column }} in (select source_url_key from {{ changed_sources_relation() }})
{%- endmacro %}

{#- `column` is one of the referring domains this run rebuilds (those of the changed keys). -#}
{% macro in_changed_domains(column='source_domain') -%}
    {{ column }} in (select source_domain from {{ changed_sources_relation() }} where source_domain is not null)
{%- endmacro %}

{#- Pre-hook of a model incremental by source key (or by referring domain, scope='domains'):
    remove the rows this run rebuilds. Nothing on a first build or a full refresh. -#}
{% macro delete_changed(column='source_url_key', scope='sources') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where
        {%- if scope == 'domains' %} {{ in_changed_domains(column) }}
        {%- else %} {{ in_changed_sources(column) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
