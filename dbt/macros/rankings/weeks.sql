{#- Weeks as integers, so weekly series can be joined "k weeks earlier" with plain arithmetic on
    every engine. Week n starts on Monday 1970-01-05 + 7n days (ISO weeks, like date_trunc_week). -#}

{#- The index of the ISO week containing a date. -#}
{% macro week_index(date_expr) -%}
    cast(floor({{ dbt.datediff("cast('1970-01-05' as date)", date_expr, 'day') }} / 7.0) as integer)
{%- endmacro %}

{#- The Monday starting week `index_expr`, as a date. -#}
{% macro week_start_of_index(index_expr) -%}
    cast({{ dbt.dateadd('day', '7 * (' ~ index_expr ~ ')', "cast('1970-01-05' as date)") }} as date)
{%- endmacro %}


{#- A landing-page key that survives how tools spell a URL: url_identity (no scheme, no leading
    `www.`) without the query, the fragment and trailing slashes ("https://www.x.com/a/?p=1" ->
    "x.com/a", "https://x.com/" -> "x.com"). Hosts are already lowercase; paths keep their case. -#}
{% macro page_key(url_expr) -%}
    {{ regexp_replace_all(regexp_replace_all(url_identity(url_expr), "'[?#].*$'", "''"), "'/+$'", "''") }}
{%- endmacro %}
