{#- Anchor text reduced to lowercase, accent-free words separated by single spaces
    ("  Klicken Sie HIER! " -> "klicken sie hier", "Aquí" -> "aqui", "Knife-Craft's" -> "knife craft s").
    Brand terms, keywords and the generic-anchor list go through the same function, so every
    comparison is case-, accent-, punctuation- and whitespace-insensitive. -#}
{% macro normalise_anchor(expr) -%}
    trim({{ regexp_replace_all(strip_accents('lower(' ~ expr ~ ')'), non_word_pattern(), "' '") }})
{%- endmacro %}


{#- A run of characters that are neither letters nor digits (in any script). -#}
{% macro non_word_pattern() -%}
    {{ return(adapter.dispatch('non_word_pattern', 'backlink_warehouse')()) }}
{%- endmacro %}

{% macro duckdb__non_word_pattern() -%}
    '[^\p{L}\p{N}]+'
{%- endmacro %}

{#- Java regex has Unicode classes too (\p{L}), and no POSIX bracket classes ([[:alnum:]] is
    a set of the characters `:alnum` there). -#}
{% macro spark__non_word_pattern() -%}
    {{ duckdb__non_word_pattern() }}
{%- endmacro %}

{% macro default__non_word_pattern() -%}
    '[^[:alnum:]]+'
{%- endmacro %}


{#- True when the whole anchor is a URL or a bare domain: "https://x.com/p", "www.x.com",
    "knifecraft.co.uk", "bücher.de/shop". A word with a dot inside a sentence is not. -#}
{% macro is_naked_url(expr) -%}
    coalesce({{ regexp_contains('lower(trim(' ~ expr ~ '))', naked_url_pattern()) }}, false)
{%- endmacro %}

{% macro naked_url_pattern() -%}
    {{ return(adapter.dispatch('naked_url_pattern', 'backlink_warehouse')()) }}
{%- endmacro %}

{#- scheme or www. followed by no whitespace; or label(.label)+.tld with an optional port/path -#}
{% macro duckdb__naked_url_pattern() -%}
    '^((https?://|www\.)\S+|([\p{L}\p{N}][\p{L}\p{N}-]*\.)+[\p{L}][\p{L}\p{N}-]+\.?(:[0-9]+)?([/?#]\S*)?)$'
{%- endmacro %}

{% macro spark__naked_url_pattern() -%}
    {{ duckdb__naked_url_pattern() }}
{%- endmacro %}

{% macro default__naked_url_pattern() -%}
    '^((https?://|www\.)[^[:space:]]+|([[:alnum:]][[:alnum:]-]*\.)+[[:alpha:]][[:alnum:]-]+\.?(:[0-9]+)?([/?#][^[:space:]]*)?)$'
{%- endmacro %}
