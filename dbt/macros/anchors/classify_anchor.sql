{#- The anchor class of one link, from the anchor text and the match flags the caller computed
    against the site's brand terms, the money keywords and the generic-anchor list.

    Precedence (first rule that holds wins):
      image          the tool flags an image link (the "anchor" is then alt text, if any)
      empty          no letters or digits at all
      naked_url      the whole anchor is a URL or a domain, even the site's own
      branded        contains a brand term, the site's domain or its first label
      exact_match    equals a money keyword
      partial_match  contains a money keyword
      generic        equals a known generic anchor ("click here", "hier", "leer más", ...)
      other          descriptive text that is none of the above
    `other` is an addition to the seven practitioner classes (docs/analytics.md#anchor-classes):
    descriptive anchors exist, and folding them into any named class would distort its share. -#}
{% macro classify_anchor(anchor, is_image, is_branded, is_exact_match, is_partial_match, is_generic) -%}
    case
        when coalesce({{ is_image }}, false) then 'image'
        when coalesce({{ normalise_anchor(anchor) }}, '') = '' then 'empty'
        when {{ is_naked_url(anchor) }} then 'naked_url'
        when {{ is_branded }} then 'branded'
        when {{ is_exact_match }} then 'exact_match'
        when {{ is_partial_match }} then 'partial_match'
        when {{ is_generic }} then 'generic'
        else 'other'
    end
{%- endmacro %}


{#- Every value classify_anchor can return (for accepted_values tests and share columns). -#}
{% macro anchor_classes() -%}
    {{ return(['branded', 'exact_match', 'partial_match', 'naked_url', 'generic', 'image', 'empty', 'other']) }}
{%- endmacro %}
