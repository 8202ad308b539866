-- `sources` lists exactly tools_count tools.
select
    link_id,
    sources,
    tools_count
from {{ ref('fct_backlinks') }}
where
    {{ in_changed_sources('source_url_key') }}
    and (length(sources) - length(replace(sources, ',', '')) + 1 <> tools_count)
