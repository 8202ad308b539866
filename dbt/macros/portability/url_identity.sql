{#- The part of a canonical URL that identifies it across tools: without the scheme and a
    leading `www.` (tools disagree on both for the same page). -#}
{% macro url_identity(expr) -%}
    {{ regexp_replace_all(expr, "'^https?://(www[.])?'", "''") }}
{%- endmacro %}

{#- The host of a canonical URL (canonical URLs carry no userinfo or port). -#}
{% macro url_host(expr) -%}
    {{ regexp_replace_all(expr, "'^[a-z][a-z0-9+.-]*://([^/?#]+).*$'", "'\\1'") }}
{%- endmacro %}
