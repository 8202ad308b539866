{#- Tools whose link exports are samples by design, so a link missing from a later export of
    theirs proves nothing: Google Search Console's links tables hold at most 1,000 rows and the
    external-links export is a sample. They still count as live reports. -#}
{% macro sample_only_tools() -%}
    {{ return(['gsc']) }}
{%- endmacro %}
