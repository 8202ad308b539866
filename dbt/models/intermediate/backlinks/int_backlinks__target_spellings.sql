-- One row per target URL key (a target URL without scheme and leading www.): the one spelling
-- every link to it uses, the lexically greatest any tool reported in any snapshot (https and
-- www. win). Rebuilt whole every run: target keys are a site's own pages (few), so this is one
-- narrow scan; the link models join it instead of re-deriving it from every observation.
with

snapshot_observations as (
    select * from {{ ref('int_backlinks__snapshot_observations') }}
),

final as (
    select
        target_url_key,
        max(target_url) as target_url
    from snapshot_observations
    where target_url_key is not null
    group by target_url_key
)

select * from final
