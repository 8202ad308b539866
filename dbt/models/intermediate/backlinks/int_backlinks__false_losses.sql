-- One row per (link, tool that called it lost, other tool that reported it live on or after
-- that date): the losses int_backlinks__link_state overrules, so none of them makes a link lost.
-- The same rule as there, kept in step with it: a tool's loss falls when another tool's last
-- live snapshot of the link is on or after the lost date. The summary counts these per tool
-- ("Ahrefs marked 3 links lost that Semrush still sees"). Rebuilt whole: it reads only the
-- losses and the other tools' rows of those links.
with

tool_states as {{ inlined_cte() }} (
    select * from {{ ref('int_backlinks__lost_state') }}
),

links as (
    select * from {{ ref('fct_backlinks') }}
),

losses as (
    select
        link_id,
        site_domain,
        source_url,
        target_url,
        source_tool,
        lost_reason,
        lost_at
    from tool_states
    where is_lost
),

final as (
    select
        -- ids
        losses.link_id,
        losses.site_domain,
        losses.source_url,
        losses.target_url,
        losses.source_tool,
        others.source_tool as seen_live_by,
        -- attributes
        losses.lost_reason,
        -- the link may still be lost: by another tool's loss that nobody overruled
        links.is_lost as link_is_lost,
        -- timestamps
        losses.lost_at,
        others.last_live_snapshot_date as seen_live_at
    from losses
    inner join tool_states as others
        on
            losses.link_id = others.link_id
            and losses.source_tool <> others.source_tool
            and losses.lost_at <= others.last_live_snapshot_date
    inner join links
        on losses.link_id = links.link_id
    where others.link_id in (select lost_links.link_id from losses as lost_links)
)

select * from final
