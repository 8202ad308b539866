{#- Regular expressions differ per engine (flags, full vs partial match). Patterns passed here
    are RE2/POSIX-compatible; callers anchor them with ^...$ when they mean a full match. -#}

{#- Replace every match of `pattern` in `expr`. -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'backlink_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro postgres__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Snowflake, BigQuery, Spark, Trino replace every match by default. -#}
{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}


{#- True when `pattern` matches somewhere in `expr`. -#}
{% macro regexp_contains(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'backlink_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__regexp_contains(expr, pattern) -%}
    ({{ expr }} ~ {{ pattern }})
{%- endmacro %}

{% macro default__regexp_contains(expr, pattern) -%}
    regexp_like({{ expr }}, {{ pattern }})
{%- endmacro %}


{#- Spark (Java regex). Patterns and replacements are written once, as DuckDB reads them
    (RE2 syntax in a standard SQL literal, where a backslash is just a backslash; `\1` names a
    group in a replacement). Spark's parser unescapes string literals ('\s+' would reach the
    regex as `s+`), so a literal's backslashes are doubled, and Java spells a group `$1` in a
    replacement. Only literals can be rewritten: a pattern computed in SQL (a column) must hold
    no backslash and a computed replacement no group reference. -#}
{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ spark_regex_literal(pattern) }}, {{ spark_regex_literal(replacement, replacement=true) }})
{%- endmacro %}

{% macro spark__regexp_contains(expr, pattern) -%}
    regexp_like({{ expr }}, {{ spark_regex_literal(pattern) }})
{%- endmacro %}

{#- `sql` (an SQL expression) for Spark: a standard single-quoted literal is re-spelled as a
    Spark literal of the same value (as a Java replacement when `replacement`: `$` escaped,
    `\N` -> `$N`); any other expression is returned unchanged. -#}
{% macro spark_regex_literal(sql, replacement=false) -%}
    {%- set text = sql | trim -%}
    {%- if not modules.re.fullmatch("'(?:[^']|'')*'", text) -%}
        {{- return(sql) -}}
    {%- endif -%}
    {%- set value = text[1:-1] | replace("''", "'") -%}
    {%- if replacement -%}
        {%- set value = modules.re.sub('[$]', '\\\\$', value) -%}
        {%- set value = modules.re.sub('\\\\([0-9])', '$\\1', value) -%}
    {%- endif -%}
    {{- return("'" ~ (value | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'") -}}
{%- endmacro %}
