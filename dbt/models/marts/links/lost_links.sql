-- One row per lost link of fct_backlinks: why it was lost, which tools say so, and how much it
-- is worth winning back. A "loss" another tool contradicts (it reported the link live on or
-- after the lost date) is not a loss in fct_backlinks, so it never appears here
-- (int_backlinks__false_losses lists those).
--
-- lost_reason: the words of the tool whose loss stands (fct_backlinks.lost_by) in its snapshot
-- that flagged the link (Ahrefs `Lost status` / `Drop reason`, Majestic's reason lost, Moz's
-- link state, kept in raw.backlinks.vendor_lost_reason), mapped by the seed lost_reasons;
-- `absent_from_snapshot` when the loss is a later export of the same tool no longer having the
-- link; `unknown` when the tool flags it lost without a reason we know (Semrush's Lost link).
--
-- recovery_priority, 0-100, higher first:
--     0.5 * authority                               (consensus authority 0-100 of the referring domain; none = 0)
--   + 20 if followed (rel follow), 10 if no tool said (rel null), 0 if nofollow / ugc / sponsored
--   + 15 * least(days it lived, 365) / 365          (lived = lost_at - first_seen)
--   + for a link of the team's ledger: 5, plus 10 * its cost / the dearest ledger entry of that site
-- so authority weighs most, a followed link next, and between equals a long-lived or paid link
-- comes first.
with

lost as (
    select * from {{ ref('fct_backlinks') }}
    where is_lost
),

tool_states as (
    select * from {{ ref('int_backlinks__lost_state') }}
),

domains as (
    select * from {{ ref('dim_referring_domains') }}
),

ledger as (
    select * from {{ ref('int_ledger__entries') }}
),

lost_reasons as (
    select * from {{ ref('lost_reasons') }}
),

-- the vendors' own words, only from the few rows that carry some
reason_texts as (
    select
        site_domain,
        {{ url_identity('source_url') }} as source_url_key,
        {{ url_identity('target_url') }} as target_url_key,
        source_tool,
        snapshot_date,
        max(vendor_lost_reason) as vendor_lost_reason
    from {{ ref('stg_raw__backlinks') }}
    where vendor_lost_reason is not null and target_url is not null
    group by
        site_domain,
        {{ url_identity('source_url') }},
        {{ url_identity('target_url') }},
        source_tool,
        snapshot_date
),

-- the tools that consider the link lost (their latest state), alphabetically
reporters as (
    select
        link_id,
        {{ string_agg_distinct_sorted('source_tool') }} as reported_by
    from tool_states
    where is_lost and link_id in (select lost.link_id from lost)
    group by link_id
),

-- the snapshot of the standing loss's tool that flagged the link: its latest
flagged as (
    select
        lost.link_id,
        reason_texts.vendor_lost_reason
    from lost
    inner join tool_states
        on
            lost.link_id = tool_states.link_id
            and lost.lost_by = tool_states.source_tool
    inner join reason_texts
        on
            lost.site_domain = reason_texts.site_domain
            and lost.source_url_key = reason_texts.source_url_key
            and {{ url_identity('lost.target_url') }} = reason_texts.target_url_key
            and lost.lost_by = reason_texts.source_tool
            and tool_states.last_snapshot_date = reason_texts.snapshot_date
    where lost.lost_reason = 'vendor_flag'
),

-- the seed row of the lowest priority whose text the vendor's words contain
mapped as (
    select
        link_id,
        lost_reason as mapped_reason
    from (
        select
            flagged.link_id,
            lost_reasons.lost_reason,
            row_number() over (partition by flagged.link_id order by lost_reasons.priority) as match_rank
        from flagged
        inner join lost_reasons
            on {{ dbt.position('lost_reasons.text_contains', lost_reason_text_key('flagged.vendor_lost_reason')) }} > 0
    ) as matches
    where match_rank = 1
),

ledger_costs as (
    select
        ledger.site_domain,
        ledger.source_url_key,
        ledger.target_url_key,
        ledger.cost,
        max(ledger.cost) over (partition by ledger.site_domain) as site_max_cost
    from ledger
),

scored as (
    select
        -- ids
        lost.link_id,
        lost.site_domain,
        lost.source_url,
        lost.source_domain,
        lost.target_url,
        -- attributes
        {{ lost_reason_of('mapped.mapped_reason', 'lost.lost_reason') }} as lost_reason,
        flagged.vendor_lost_reason,
        lost.lost_by,
        reporters.reported_by,
        lost.rel,
        ledger_costs.site_domain is not null as in_ledger,
        -- numerics
        domains.authority,
        greatest({{ dbt.datediff('lost.first_seen', 'lost.lost_at', 'day') }}, 0) as lived_days,
        ledger_costs.cost as ledger_cost,
        ledger_costs.site_max_cost,
        -- timestamps
        lost.first_seen,
        lost.last_seen,
        lost.lost_at
    from lost
    left join mapped
        on lost.link_id = mapped.link_id
    left join flagged
        on lost.link_id = flagged.link_id
    left join reporters
        on lost.link_id = reporters.link_id
    left join domains
        on
            lost.site_domain = domains.site_domain
            and lost.source_domain = domains.source_domain
    left join ledger_costs
        on
            lost.site_domain = ledger_costs.site_domain
            and lost.source_url_key = ledger_costs.source_url_key
            and {{ url_identity('lost.target_url') }} = ledger_costs.target_url_key
),

final as (
    select
        -- ids
        cast(link_id as {{ dbt.type_string() }}) as link_id,
        site_domain,
        source_url,
        source_domain,
        target_url,
        -- attributes
        lost_reason,
        vendor_lost_reason,
        lost_by,
        coalesce(reported_by, lost_by) as reported_by,
        rel,
        in_ledger,
        -- numerics
        cast(authority as {{ type_double() }}) as authority,
        cast(lived_days as integer) as lived_days,
        cast(ledger_cost as {{ type_double() }}) as ledger_cost,
        cast(round(
            0.5 * coalesce(authority, 0)
            + case when rel = 'follow' then 20 when rel is null then 10 else 0 end
            + 15 * cast(least(lived_days, 365) as {{ type_double() }}) / 365
            + case
                when in_ledger
                    then 5 + 10 * coalesce({{ safe_divide('ledger_cost', 'site_max_cost') }}, 0)
                else 0
            end,
            2
        ) as {{ type_double() }}) as recovery_priority,
        -- timestamps
        first_seen,
        last_seen,
        lost_at
    from scored
)

select * from final
