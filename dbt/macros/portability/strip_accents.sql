{#- Remove diacritics (é -> e, ñ -> n) so anchors match brand terms and keywords accent-insensitively. -#}
{% macro strip_accents(expr) -%}
    {{ return(adapter.dispatch('strip_accents', 'backlink_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}

{#- Engines without an accent function: translate the common Latin-1/Latin-Extended letters. -#}
{% macro default__strip_accents(expr) -%}
    translate(
        {{ expr }},
        'àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőùúûüūůűýÿžźżśšşřţťğ',
        'aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooouuuuuuuyyzzzsssrttg'
    )
{%- endmacro %}
