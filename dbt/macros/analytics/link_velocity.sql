{#- The link_velocity marts: new, lost and net referring domains per site per period of `grain`
    ('week' or 'day', see int_velocity__robust_z) with the modified z-scores and spike flags,
    for the configured sites. -#}
{% macro link_velocity_mart(grain) -%}
    with

    velocity as (
        select * from {{ ref('int_velocity__robust_z') }}
    ),

    sites as (
        select * from {{ ref('stg_config__sites') }}
    ),

    final as (
        select
            -- ids
            velocity.site_domain,
            velocity.period_start,
            -- attributes
            sites.site_role,
            velocity.is_spike,
            velocity.is_loss_spike,
            -- numerics
            velocity.new_referring_domains,
            velocity.lost_referring_domains,
            velocity.dated_lost_referring_domains,
            cast(velocity.new_referring_domains - velocity.lost_referring_domains as integer) as net_referring_domains,
            velocity.trailing_periods,
            velocity.new_trailing_median,
            velocity.robust_z,
            velocity.lost_trailing_median,
            velocity.lost_robust_z
        from velocity
        inner join sites
            on velocity.site_domain = sites.site_domain
        where velocity.grain = '{{ grain }}'
    )

    select * from final
{%- endmacro %}
