-- One row per link: the dates it is live (first_seen until lost_at) and the categories it counts
-- in on the profile (referring domain, anchor class, rel, placement): the +1 rows of
-- int_profile__span_changes. Incremental by source page, like every link model.
{{ incremental_by('sources') }}
with

span_changes as (
    select * from {{ ref('int_profile__span_changes') }}
),

final as (
    select
        -- ids
        site_domain,
        source_url_key,
        link_id,
        source_domain,
        -- attributes
        anchor_class,
        rel,
        placement,
        -- timestamps
        first_seen,
        lost_at
    from span_changes
    where change = 1
)

select *{{ partition_key('sources') }} from final
