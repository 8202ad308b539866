{#- The regex a normalised text (normalise_anchor) must match to contain the brand term `term`
    as whole words, with or without spaces between its letters:
      "Knife Craft" / "KnifeCraft" / "knifecraft" -> '(^| )k ?n ?i ?f ?e ?c ?r ?a ?f ?t ?( |$)'
    so "Knífecraft", "KNIFE CRAFT" and "Knife Craft's" ("knife craft s") match, while
    "knife crafting" does not. The same rule int_anchors__classified applies to branded anchors.
    Normalised terms hold only letters, digits and spaces, so the pattern needs no escaping. -#}
{% macro brand_term_pattern(term) -%}
    '(^| )' || {{ regexp_replace_all('replace(' ~ normalise_anchor(term) ~ ", ' ', '')", "'(.)'", "'\\1 ?'") }} || '( |$)'
{%- endmacro %}
