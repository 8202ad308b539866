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


{#- One row per week of each span of `spans` (columns first_week, last_week: week indexes), for
    gap-free weekly series: `columns` of spans, week_index, last_week. Spans up to 2000 weeks. -#}
{% macro week_calendar(spans, columns) -%}
    select
        {{ keys_of(spans, columns) }},
        {{ spans }}.first_week + numbers.generated_number - 1 as week_index,
        {{ spans }}.last_week
    from {{ spans }}
    cross join ({{ dbt.generate_series(2000) }}) as numbers
    where numbers.generated_number - 1 <= {{ spans }}.last_week - {{ spans }}.first_week
{%- endmacro %}

{#- Per week of `calendar` (key_columns, week_index): the distinct source_domain of `spans`
    (key_columns, source_domain, first_week, lost_week) live at the end of the week - first
    seen on or before it, lost after it or never - as `count_as` (0 when none). -#}
{% macro live_domains_per_week(calendar, spans, key_columns, count_as) -%}
    select
        {{ keys_of(calendar, key_columns) }},
        {{ calendar }}.week_index,
        count(distinct {{ spans }}.source_domain) as {{ count_as }}
    from {{ calendar }}
    left join {{ spans }}
        on {% for key in key_columns %}{{ calendar }}.{{ key }} = {{ spans }}.{{ key }}
        and {% endfor %}{{ spans }}.first_week <= {{ calendar }}.week_index
        and ({{ spans }}.lost_week is null or {{ spans }}.lost_week > {{ calendar }}.week_index)
    group by {{ keys_of(calendar, key_columns) }}, {{ calendar }}.week_index
{%- endmacro %}
