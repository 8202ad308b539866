-- Formula: docs/analytics.md#link-velocity
-- One row per (site, referring domain): when it started and, if it did, stopped linking, and how
-- precisely each date is known:
--   first_seen_basis  vendor    a tool's own first-seen date (day precision)
--                     snapshot  first reported by a later snapshot of a tool (known to within
--                               the interval between two of its snapshots)
--                     baseline  already there in the first snapshot of the tool that first
--                               reported it, no vendor date: when it appeared is unknown, so it
--                               is never counted as new
--   lost_basis        vendor    the tool's own lost date / flag
--                     snapshot  absent from a later snapshot (dated at that snapshot)
-- A referring domain is new at its earliest link's first_seen and lost when its last live link
-- is lost (at the latest lost_at); its bases are those of the links that date it (a vendor date
-- wins a tie). Incremental by referring domain; a run that can move a
-- tool's first snapshot of a site rebuilds that site's pages (int_backlinks__changed_sources).
{{ incremental_by('domains') }}
with

link_attributes as (
    select * from {{ changed_rows(ref('int_backlinks__link_attributes'), 'domains') }}
    where source_domain is not null
),

-- (the link tables below are narrowed by the inner joins to these links)
link_state as (
    select * from {{ ref('int_backlinks__link_state') }}
),

-- an incremental run groups only the tool states of its links; a full build groups them all (the
-- inner joins below drop the links without a referring domain; the semi-join over 2M links
-- costs more than it saves)
tool_states as (
    select * from {{ ref('int_backlinks__lost_state') }}
    {% if is_incremental() %}
    where link_id in (select link_id from link_attributes)
    {% endif %}
),

snapshots as (
    select * from {{ ref('int_backlinks__snapshots') }}
),

-- the first snapshot each tool took of each site
tool_first_snapshots as (
    select
        site_domain,
        source_tool,
        min(snapshot_date) as tool_first_snapshot_date
    from snapshots
    group by site_domain, source_tool
),

link_dates as (
    select
        tool_states.link_id,
        min(tool_states.vendor_first_seen) as vendor_first_seen,
        max(
            case when tool_states.first_snapshot_date = tool_first_snapshots.tool_first_snapshot_date then 1 else 0 end
        ) as in_a_first_snapshot,
        min(tool_states.first_snapshot_date) as first_snapshot_date
    from tool_states
    inner join tool_first_snapshots
        on
            tool_states.site_domain = tool_first_snapshots.site_domain
            and tool_states.source_tool = tool_first_snapshots.source_tool
    group by tool_states.link_id
),

links as (
    select
        link_state.site_domain,
        link_attributes.source_domain,
        link_state.link_id,
        link_state.first_seen,
        link_state.is_lost,
        link_state.lost_at,
        case
            when
                link_dates.vendor_first_seen is not null
                and link_dates.vendor_first_seen <= link_dates.first_snapshot_date then 'vendor'
            when
                link_dates.in_a_first_snapshot = 1
                and link_state.first_seen = link_dates.first_snapshot_date then 'baseline'
            else 'snapshot'
        end as first_seen_basis,
        case
            when link_state.lost_reason = 'vendor_flag' then 'vendor'
            when link_state.is_lost then 'snapshot'
        end as lost_basis
    from link_state
    inner join link_attributes
        on link_state.link_id = link_attributes.link_id
    inner join link_dates
        on link_state.link_id = link_dates.link_id
    where link_attributes.source_domain is not null
),

-- the order deciding which link dates the domain: its start is the earliest first_seen (a vendor
-- date wins a tie, then a snapshot, then baseline); its end the latest lost_at (a vendor date
-- wins a tie). ISO dates sort as text.
keyed as (
    select
        *,
        cast(first_seen as {{ dbt.type_string() }})
        || case first_seen_basis when 'vendor' then '|0' when 'snapshot' then '|1' else '|2' end as first_key,
        cast(lost_at as {{ dbt.type_string() }})
        || case lost_basis when 'vendor' then '|1' else '|0' end as lost_key
    from links
),

final as (
    select
        -- ids
        site_domain,
        source_domain,
        -- attributes
        {{ earliest_value('first_seen_basis', 'first_key') }} as first_seen_basis,
        case when {{ any_true('not is_lost') }} then null else {{ latest_value('lost_basis', 'lost_key') }} end as lost_basis,
        -- timestamps
        min(first_seen) as first_seen,
        case when {{ any_true('not is_lost') }} then null else max(lost_at) end as lost_at
    from keyed
    group by site_domain, source_domain
)

select *{{ partition_key('domains') }} from final
