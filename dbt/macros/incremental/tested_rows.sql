{#- The data tests of an incremental model check the rows this run rebuilt; the other rows were
    tested when they were built, and re-testing them every run would cost what the history
    costs. A model says which rows those are with `meta: {tested_rows: ...}` in its config (set
    by macro incremental_by): window, sources or domains (macro in_changed).
    This override of dbt's get_where_subquery (which applies a test's `where`) adds that
    condition to every generic test of the model. A --full-refresh tests every row. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set scope = tested_rows_condition(relation) -%}
    {%- if scope -%}
        {%- do conditions.append(scope) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition selecting the rows a run rebuilt in the model the current generic test is
    attached to (its meta.tested_rows), or '' to test every row. -#}
{% macro tested_rows_condition(relation) -%}
    {%- set attached = model.get('attached_node') if model is mapping else none -%}
    {%- if not execute or flags.FULL_REFRESH or not attached or attached not in graph.nodes -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set scope = (graph.nodes[attached].config.meta or {}).get('tested_rows') -%}
    {{- return(in_changed(scope) if scope else '') -}}
{%- endmacro %}
