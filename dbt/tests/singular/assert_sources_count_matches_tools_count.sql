-- `sources` lists exactly tools_count tools.
select link_id, sources, tools_count
from {{ ref('fct_backlinks') }}
where length(sources) - length(replace(sources, ',', '')) + 1 <> tools_count
