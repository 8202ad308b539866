-- What this run changes in the live link profile, link by link: for every link of the pages it
-- rebuilds (int_backlinks__changed_sources), its new span (+1: from first_seen until lost_at,
-- with the categories it counts in) and the span it had before this run (-1, from the previous
-- int_profile__link_spans). int_profile__link_weights adds these to the weights of the
-- snapshot dates the window does not rebuild, so a new snapshot whose links reach back in
-- time (a vendor's first-seen date) updates the older profiles without recounting them; and
-- int_profile__link_spans keeps the +1 rows. On a first build or a full refresh: every link, +1.
-- A link's categories: its referring domain; its anchor class (links with a known anchor);
-- its rel (where a tool reported one); its placement: sitewide (any tool says so), content
-- (in-content), other (a tool says not in content), unknown otherwise.
-- depends_on: {{ ref('int_backlinks__changed_sources') }}
{%- set spans_before = previous_relation('int_profile__link_spans') %}
with

link_state as (
    select * from {{ ref('int_backlinks__link_state') }}
    {% if spans_before is not none %}
    where {{ in_changed_sources('source_url_key') }}
    {% endif %}
),

link_attributes as (
    select * from {{ ref('int_backlinks__link_attributes') }}
    {% if spans_before is not none %}
    where {{ in_changed_sources('source_url_key') }}
    {% endif %}
),

anchor_classes as (
    select * from {{ ref('int_anchors__classified') }}
),

new_spans as (
    select
        -- ids
        link_state.site_domain,
        link_state.source_url_key,
        link_state.link_id,
        link_attributes.source_domain,
        -- attributes
        case when link_attributes.target_host is not null then anchor_classes.anchor_class end as anchor_class,
        link_attributes.rel,
        case
            when link_attributes.is_sitewide then 'sitewide'
            when link_attributes.is_content then 'content'
            when not link_attributes.is_content then 'other'
        end as placement,
        -- numerics
        1 as change,
        -- timestamps
        link_state.first_seen,
        link_state.lost_at
    from link_state
    inner join link_attributes
        on link_state.link_id = link_attributes.link_id
    left join anchor_classes
        on
            link_attributes.site_domain = anchor_classes.site_domain
            and coalesce(link_attributes.anchor, '') = anchor_classes.anchor
            and coalesce(link_attributes.is_image, false) = anchor_classes.is_image
    where link_attributes.source_domain is not null
),

{% if spans_before is none %}

    final as (
        select * from new_spans
    )

{% else %}

final as (
    select * from new_spans

    union all

    select
        site_domain,
        source_url_key,
        link_id,
        source_domain,
        anchor_class,
        rel,
        placement,
        -1 as change,
        first_seen,
        lost_at
    from {{ spans_before }}
    where {{ in_changed_sources('source_url_key') }}
)

{% endif %}

select * from final
