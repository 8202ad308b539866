-- A live link was reported live on or after the day it was first seen.
select
    link_id,
    first_seen,
    last_seen
from {{ ref('fct_backlinks') }}
where
    {{ in_changed_sources('source_url_key') }}
    and (
        not is_lost
        and (last_seen is null or last_seen < first_seen)
    )
