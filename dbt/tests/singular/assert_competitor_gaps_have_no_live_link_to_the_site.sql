-- A competitor gap never has a live link to the site it is listed for.
select gaps.site_domain, gaps.source_domain
from {{ ref('competitor_gaps') }} as gaps
inner join {{ ref('fct_backlinks') }} as links
    on links.site_domain = gaps.site_domain
    and links.source_domain = gaps.source_domain
where not links.is_lost
