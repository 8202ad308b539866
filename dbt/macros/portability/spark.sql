{#- What the Spark target (profiles.yml `spark`) needs beyond the dispatched spellings. -#}

{#- dbt-spark's seed loader binds values into the INSERT without escaping them in session mode
    (a quote in a value ends the literal, a backslash escapes the next character, an empty cell
    becomes the text 'None'); here every value is written as an escaped Spark literal. Otherwise
    as dbt-spark 1.11's spark__load_csv_rows. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set batch_size = get_batch_size() -%}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(batch_size) -%}
      {%- set sql -%}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for col_name in agate_table.column_names -%}
                  {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                  {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_value_literal(row[loop.index0]) }} as {{ type }})
                  {%- if not loop.last %},{% endif -%}
              {%- endfor -%})
              {%- if not loop.last %},{% endif %}
          {% endfor %}
      {%- endset -%}
      {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
      {%- if loop.index0 == 0 -%}
          {%- do statements.append(sql) -%}
      {%- endif -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}

{#- A seed cell as a Spark SQL literal. -#}
{% macro spark_value_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}


{#- The canonical raw/audit/config tables as Spark tables over a Parquet lake (dagster_project/lake.py):
    for every source of the project, `<lake>/<schema>/<table>/` (one folder per table, its Parquet
    files inside, the raw tables' in one sub-folder per snapshot date)
    becomes the external table <schema>.<table>. Run at the start of every Spark run
    (on-run-start) when BACKLINKS_LAKE names the lake, so each run reads the files as they are
    now; dropping an external table never deletes its files. -#}
{% macro register_lake_sources() -%}
    {%- set lake = env_var('BACKLINKS_LAKE', '') -%}
    {%- if not execute or target.type != 'spark' or not lake -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set lake = lake.rstrip('/') -%}
    {%- set schemas = [] -%}
    {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if source.schema not in schemas -%}
            {%- do schemas.append(source.schema) -%}
            {%- do run_query('create schema if not exists ' ~ source.schema) -%}
        {%- endif -%}
        {%- set table = source.schema ~ '.' ~ source.identifier -%}
        {%- do run_query('drop table if exists ' ~ table) -%}
        {%- do run_query("create table " ~ table ~ " using parquet location '" ~ lake ~ "/" ~ source.schema ~ "/" ~ source.identifier ~ "'") -%}
        {#- A folder of Hive partitions (`snapshot_date=2026-10-01/`, as landing writes raw.*) becomes a
            partitioned table, its partition column typed from the folder names (a date); Spark lists
            its partitions in the catalog only when asked. -#}
        {%- set described = run_query('describe table ' ~ table) -%}
        {%- if '# Partition Information' in described.columns[0].values() -%}
            {%- do run_query('alter table ' ~ table ~ ' recover partitions') -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return('') -}}
{%- endmacro %}
