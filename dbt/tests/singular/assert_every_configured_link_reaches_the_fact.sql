-- No backlink row of a configured site disappears on the way to the marts: every staged row's
-- (site, source URL) is in fct_backlinks (GSC rows may have been merged into targeted links).
-- Compared by URL identity: the marts spell a URL one way for all tools (scheme, www.).
select staged.site_domain, staged.source_url
from {{ ref('stg_raw__backlinks') }} as staged
where not exists (
    select 1
    from {{ ref('fct_backlinks') }} as links
    where links.site_domain = staged.site_domain
        and {{ url_identity('links.source_url') }} = {{ url_identity('staged.source_url') }}
)
