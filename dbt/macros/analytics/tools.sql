{#- Tools whose link exports are samples by design, so a link missing from a later export of
    theirs proves nothing: Google Search Console's links tables hold at most 1,000 rows and the
    external-links export is a sample. They still count as live reports. -#}
{% macro sample_only_tools() -%}
    {{ return(['gsc']) }}
{%- endmacro %}

{#- Export types that list a filtered subset of a tool's links by design (Ahrefs broken backlinks:
    only the links to pages that answer 4xx/5xx), so a link missing from a later one proves
    nothing: never a loss by absence, never the speaker of a link another export of the same tool
    and snapshot also lists. The same list as formats/ahrefs_broken.py PARTIAL_EXPORT_TYPES. -#}
{% macro partial_export_types() -%}
    {{ return(['ahrefs_broken_backlinks']) }}
{%- endmacro %}

{#- The link-export tools, alphabetically: the tie-break order of reports of one date. -#}
{% macro backlink_tools() -%}
    {{ return(['ahrefs', 'gsc', 'majestic', 'moz', 'semrush']) }}
{%- endmacro %}

{#- An integer that orders reports newest first when sorted descending: the snapshot date, and on
    the same date the tool name (alphabetically later wins; a tool not in backlink_tools() loses
    to the known ones). An integer rather than 'date|tool' text because link models take a
    latest_value of two dozen columns per link with it, and integer comparisons are several
    times cheaper (int_backlinks__link_attributes: 9.7 s -> 3.3 s at 2M links). -#}
{% macro report_recency(date_expr, tool_expr) -%}
    ({{ dbt.datediff("cast('1970-01-01' as date)", date_expr, 'day') }} * 8
    + case {{ tool_expr }}
        {%- for tool in backlink_tools() %}
        when '{{ tool }}' then {{ loop.index }}
        {%- endfor %}
        else 0
    end)
{%- endmacro %}
