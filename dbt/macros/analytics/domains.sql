{#- Pieces of a (lowercase IDNA ASCII) domain name and an IP address, for diversity and
    toxicity signals. -#}

{#- The last label: 'example.co.uk' -> 'uk', 'x.blogspot.com' -> 'com'. -#}
{% macro tld_of(expr) -%}
    {{ regexp_replace_all(expr, "'^.*[.]'", "''") }}
{%- endmacro %}

{#- The first label without an IDNA 'xn--' prefix (punycode hyphens are not the owner's):
    'cheap-knife-42.xyz' -> 'cheap-knife-42'. -#}
{% macro first_label_of(expr) -%}
    {{ regexp_replace_all(dbt.split_part(expr, "'.'", 1), "'^xn--'", "''") }}
{%- endmacro %}

{#- How many times the one-character literal `char` occurs in `expr`. -#}
{% macro count_char(expr, char) -%}
    ({{ dbt.length(expr) }} - {{ dbt.length(dbt.replace(expr, char, "''")) }})
{%- endmacro %}

{#- How many ASCII digits `expr` contains. -#}
{% macro count_digits(expr) -%}
    ({{ dbt.length(expr) }} - {{ dbt.length(regexp_replace_all(expr, "'[0-9]'", "''")) }})
{%- endmacro %}

{#- The IPv4 /24 network of a dotted-quad address ('185.212.47.9' -> '185.212.47.0/24'); null
    for anything else (IPv6, empty, malformed). -#}
{% macro ipv4_subnet_24(expr) -%}
    case
        when {{ regexp_contains(expr, "'^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$'") }}
            then {{ regexp_replace_all(expr, "'[.][0-9]+$'", "''") }} || '.0/24'
    end
{%- endmacro %}

{#- The path of a URL, or of its identity (macro url_identity: without an http(s) scheme and a
    leading www.), without query and fragment: 'https://x.org/a/b?q=1#f' and 'x.org/a/b?q=1#f'
    -> '/a/b'; 'ftp://x.org/a' and its identity (the same) -> '/a'. -#}
{% macro url_path(expr) -%}
    {{ regexp_replace_all(regexp_replace_all(expr, "'^([a-zA-Z][a-zA-Z0-9+.-]*://)?[^/?#]*'", "''"), "'[?#].*$'", "''") }}
{%- endmacro %}
