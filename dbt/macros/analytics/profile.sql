{#- The live link profile (int_profile__link_weights). -#}

{#- One row per (link span, category it counts in): site_domain, first_seen, lost_at, dimension,
    category and, when given, `extra` (e.g. change), from a relation of link spans
    (int_profile__link_spans / int_profile__span_changes). -#}
{% macro span_categories(spans, extra=none) -%}
    {%- set tail = ', ' ~ extra if extra else '' -%}
    select site_domain, first_seen, lost_at, 'referring_domain' as dimension, source_domain as category{{ tail }}
    from {{ spans }}
    union all
    select site_domain, first_seen, lost_at, 'anchor_class' as dimension, anchor_class as category{{ tail }}
    from {{ spans }}
    where anchor_class is not null
    union all
    select site_domain, first_seen, lost_at, 'rel' as dimension, rel as category{{ tail }}
    from {{ spans }}
    where rel is not null
    union all
    select site_domain, first_seen, lost_at, 'placement' as dimension, placement as category{{ tail }}
    from {{ spans }}
    where placement is not null
{%- endmacro %}

{#- `aggregate` (count(*), sum(change)) of the span categories live at each snapshot of
    `snapshots` (site_domain, snapshot_date): first seen on or before it, not lost by it. -#}
{% macro live_weights(categories, snapshots, aggregate) -%}
    select
        {{ snapshots }}.site_domain,
        {{ snapshots }}.snapshot_date,
        {{ categories }}.dimension,
        {{ categories }}.category,
        {{ aggregate }} as weight
    from {{ snapshots }}
    inner join {{ categories }}
        on {{ snapshots }}.site_domain = {{ categories }}.site_domain
        and {{ categories }}.first_seen <= {{ snapshots }}.snapshot_date
        and ({{ categories }}.lost_at is null or {{ categories }}.lost_at > {{ snapshots }}.snapshot_date)
    group by {{ snapshots }}.site_domain, {{ snapshots }}.snapshot_date, {{ categories }}.dimension, {{ categories }}.category
{%- endmacro %}
