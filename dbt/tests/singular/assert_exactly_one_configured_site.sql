-- sites.yml defines exactly one site (the rest are competitors).
select count(*) as sites
from {{ ref('stg_config__sites') }}
where site_role = 'site'
having count(*) <> 1
