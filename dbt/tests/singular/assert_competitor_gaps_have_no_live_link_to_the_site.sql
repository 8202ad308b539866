-- A competitor gap never has a live link to the site it is listed for.
select
    gaps.site_domain,
    gaps.source_domain
from {{ ref('competitor_gaps') }} as gaps
inner join {{ ref('fct_backlinks') }} as links
    on
        gaps.site_domain = links.site_domain
        and gaps.source_domain = links.source_domain
where not links.is_lost
