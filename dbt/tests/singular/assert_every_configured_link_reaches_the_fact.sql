-- No backlink row of a configured site disappears on the way to the marts: every snapshot
-- observation's (site, source page) is in fct_backlinks (GSC rows may have been merged into
-- targeted links), for the pages this run rebuilt (assert_every_staged_row_is_observed checks
-- the step before). Pages are compared by source_url_key, the URL identity every tool agrees on.
select
    observations.site_domain,
    observations.source_url
from {{ ref('int_backlinks__snapshot_observations') }} as observations
where
    {{ in_changed_sources('observations.source_url_key') }}
    and not exists (
        select 1
        from {{ ref('fct_backlinks') }} as links
        where
            links.site_domain = observations.site_domain
            and links.source_url_key = observations.source_url_key
    )
