{#- A vendor's lost-reason text reduced to what the seed lost_reasons matches: lowercase letters
    and digits only, so "301 Redirect", "301-redirect" and "linkremoved" / "Link removed" read
    the same whatever the export's case and punctuation. -#}
{% macro lost_reason_text_key(expr) -%}
    lower({{ regexp_replace_all(expr, "'[^A-Za-z0-9]+'", "''") }})
{%- endmacro %}

{#- The lost_reason of one lost link: the vendor's own text mapped by the seed lost_reasons (the
    row of the lowest priority whose text_contains the normalised text contains), else
    `absent_from_snapshot` when the loss is a later export of the same tool no longer having the
    link, else `unknown` (the tool flags it lost and gives no reason we know).
    `mapped` is the seed's lost_reason for the text (null when none matched), `loss_kind` the
    lost_reason of fct_backlinks (vendor_flag / absent_from_later_snapshot). -#}
{% macro lost_reason_of(mapped, loss_kind) -%}
    case
        when {{ mapped }} is not null then {{ mapped }}
        when {{ loss_kind }} = 'absent_from_later_snapshot' then 'absent_from_snapshot'
        else 'unknown'
    end
{%- endmacro %}
