-- One row per ledger entry (int_ledger__entries): the link the team placed or was promised, next
-- to what the tools report of it. An entry matches the links of fct_backlinks from the same
-- linking page to the same site by URL identity (scheme, `www.`; tracking parameters were
-- dropped at landing), the way fct_backlinks merges tools' spellings. Of the page's links the
-- one that says most wins: to the placed target (or a GSC link, whose target is unknown) and
-- live; else live to another page of the site; else lost to the placed target; else lost to
-- another page (then the latest seen).
--
-- status:
--   pending  no tool has seen a link from that page to the site
--   live     live, followed (or no tool said otherwise), to the placed target, not a redirect
--   changed  live but not as placed: status_reason nofollow / ugc / sponsored (the rel now),
--            redirected (it reaches the site through a redirect), other_target (the page links
--            to another page of the site instead)
--   lost     seen, then lost for real (fct_backlinks: a loss no other tool contradicts);
--            status_reason is lost_links.lost_reason
with

entries as (
    select * from {{ ref('int_ledger__entries') }}
),

links as (
    select * from {{ ref('fct_backlinks') }}
),

lost_links as (
    select * from {{ ref('lost_links') }}
),

candidates as (
    select
        entries.entry_id,
        links.link_id,
        links.target_url,
        links.rel,
        links.is_redirect,
        links.is_lost,
        links.sources,
        links.first_seen,
        links.last_seen,
        links.lost_at,
        case
            when links.target_url is null or {{ url_identity('links.target_url') }} = entries.target_url_key
                then 0
            else 1
        end as is_other_target,
        row_number() over (
            partition by entries.entry_id
            order by
                case when links.is_lost then 1 else 0 end,
                case
                    when links.target_url is null or {{ url_identity('links.target_url') }} = entries.target_url_key
                        then 0
                    else 1
                end,
                -- a link to the placed target before a GSC link of unknown target
                case when links.target_url is null then 1 else 0 end,
                links.last_seen desc,
                links.link_id
        ) as match_rank
    from entries
    inner join links
        on
            entries.site_domain = links.site_domain
            and entries.source_url_key = links.source_url_key
),

matched as (
    select * from candidates
    where match_rank = 1
),

final as (
    select
        -- ids
        entries.entry_id,
        entries.site_domain,
        entries.source_url,
        entries.source_domain,
        entries.target_url,
        cast(matched.link_id as {{ dbt.type_string() }}) as link_id,
        matched.target_url as seen_target_url,
        -- attributes
        entries.anchor,
        entries.campaign,
        case
            when matched.link_id is null then 'pending'
            when matched.is_lost then 'lost'
            when matched.is_other_target = 1 then 'changed'
            when matched.rel in ('nofollow', 'ugc', 'sponsored') then 'changed'
            when matched.is_redirect then 'changed'
            else 'live'
        end as status,
        case
            when matched.link_id is null then null
            when matched.is_lost then lost_links.lost_reason
            when matched.is_other_target = 1 then 'other_target'
            when matched.rel in ('nofollow', 'ugc', 'sponsored') then matched.rel
            when matched.is_redirect then 'redirected'
        end as status_reason,
        matched.sources as seen_by,
        -- numerics
        cast(entries.cost as {{ type_double() }}) as cost,
        cast(
            {{ dbt.datediff('entries.placed_on', 'matched.first_seen', 'day') }} as integer
        ) as days_to_discovery,
        -- timestamps
        entries.placed_on,
        matched.first_seen,
        matched.last_seen,
        matched.lost_at
    from entries
    left join matched
        on entries.entry_id = matched.entry_id
    left join lost_links
        on matched.link_id = lost_links.link_id
)

select * from final
