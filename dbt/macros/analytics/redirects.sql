{#- Formula: docs/analytics.md#reclamation-targets
    The pieces of the closest-path rule of marts.reclamation_targets (which live page a broken
    target should redirect to). Pure string functions of canonical URLs, portable (dbt's own
    split_part, the edit_distance and regexp dispatch macros); paths come from macro url_path. -#}

{#- The host of a canonical URL without a leading www. (tools disagree on it for the same page). -#}
{% macro url_site_host(url) -%}
    {{ regexp_replace_all(url_host(url), "'^www[.]'", "''") }}
{%- endmacro %}

{#- How many leading path segments two paths share ('/knives/chef-210' and '/knives/chef-240/' share
    1; '/' shares 0 with anything), comparing the first `depth` segments (deeper ones do not
    count). Segments are compared exactly (case-sensitive, as servers compare paths). -#}
{% macro shared_path_segments(path_a, path_b, depth=8) -%}
    {%- for k in range(2, depth + 2) %}
    (case when {{ dbt.split_part(path_a, "'/'", k) }} <> ''
        and {{ dbt.split_part(path_a, "'/'", k) }} = {{ dbt.split_part(path_b, "'/'", k) }} then 1 +
    {%- endfor %} 0
    {%- for k in range(depth) %} else 0 end){% endfor %}
{%- endmacro %}

{#- Is `candidate` close enough to `broken` to be suggested at all: it shares at least one leading
    path segment, or the whole paths differ by at most a third of the longer one's characters (a
    renamed slug at the root: '/chef-knife-210' -> '/chef-knife-240'). The home page '/' is never
    close to a page ('/' shares no segment, and it differs from any path by all of its characters
    but one). -#}
{% macro is_close_path(shared_segments, distance, broken_path, candidate_path) -%}
    ({{ shared_segments }} >= 1
    or 3 * {{ distance }} <= greatest({{ dbt.length(broken_path) }}, {{ dbt.length(candidate_path) }}))
{%- endmacro %}
