-- lost_at, lost_reason and lost_by are set exactly when the link is lost.
select
    link_id,
    is_lost,
    lost_at,
    lost_reason,
    lost_by
from {{ ref('fct_backlinks') }}
where
    {{ in_changed_sources('source_url_key') }}
    and (
        is_lost <> (lost_at is not null)
        or is_lost <> (lost_reason is not null)
        or is_lost <> (lost_by is not null)
    )
