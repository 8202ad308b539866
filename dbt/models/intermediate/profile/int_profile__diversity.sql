-- Formula: docs/analytics.md#profile-diversity
-- Diversity of every distribution of int_profile__distributions, per (site, snapshot, dimension),
-- with p_i = weight_i / total weight over the S categories (6 decimals):
--     entropy           H = -sum p_i ln p_i            (natural log; DuckDB entropy() is base 2)
--     evenness          J = H / ln S                   (null when S = 1)
--     effective_number  e^H
--     simpson           lambda = sum p_i^2;  inverse_simpson = 1 / lambda
--     hhi               sum (100 p_i)^2, 0-10,000 (< 1,500 unconcentrated, > 2,500 high)
--     gini              on the weights sorted ascending x_(1..S):
--                       G = 2 sum_i i x_(i) / (S sum x) - (S + 1) / S
-- Every measure depends only on how many categories have each weight, so they are computed from
-- that histogram (one row per distinct weight, not per category): sum_i i x_(i) sums, per
-- weight w held by n categories after c smaller ones, w * (n c + n (n + 1) / 2) (ties in any
-- order give the same sum).
with

distributions as (
    select * from {{ ref('int_profile__distributions') }}
),

histogram as (
    select
        site_domain,
        snapshot_date,
        dimension,
        weight,
        count(*) as categories_with_weight
    from distributions
    where weight > 0
    group by site_domain, snapshot_date, dimension, weight
),

ranked as (
    select
        *,
        -- categories with a smaller weight: they take the ranks before these
        coalesce(sum(categories_with_weight) over (
            partition by site_domain, snapshot_date, dimension
            order by weight
            rows between unbounded preceding and 1 preceding
        ), 0) as smaller_categories,
        sum(weight * categories_with_weight) over (partition by site_domain, snapshot_date, dimension) as dimension_weight
    from histogram
),

aggregated as (
    select
        site_domain,
        snapshot_date,
        dimension,
        sum(categories_with_weight) as categories,
        sum(weight * categories_with_weight) as total_weight,
        -- p_i = weight / total weight, for each of the categories with that weight
        -- (a double, not 1.0 * weight: that is a decimal on Spark, rounded to 6 places)
        0 - sum(
            categories_with_weight
            * (cast(weight as {{ type_double() }}) / dimension_weight)
            * ln(cast(weight as {{ type_double() }}) / dimension_weight)
        ) as entropy,  -- "0 -" keeps a one-category entropy +0.0
        sum(
            categories_with_weight
            * (cast(weight as {{ type_double() }}) / dimension_weight)
            * (cast(weight as {{ type_double() }}) / dimension_weight)
        ) as simpson,
        sum(weight * (categories_with_weight * smaller_categories + categories_with_weight * (categories_with_weight + 1) / 2.0)) as rank_weighted_sum
    from ranked
    group by site_domain, snapshot_date, dimension
),

final as (
    select
        -- ids
        site_domain,
        snapshot_date,
        dimension,
        -- numerics
        cast(categories as integer) as categories,
        cast(total_weight as integer) as total_weight,
        cast(round(entropy, 6) as {{ type_double() }}) as entropy,
        cast(round(case when categories > 1 then entropy / ln(categories) end, 6) as {{ type_double() }}) as evenness,
        cast(round(exp(entropy), 6) as {{ type_double() }}) as effective_number,
        cast(round(simpson, 6) as {{ type_double() }}) as simpson,
        cast(round(1.0 / simpson, 6) as {{ type_double() }}) as inverse_simpson,
        cast(round(10000.0 * simpson, 6) as {{ type_double() }}) as hhi,
        cast(
            round(
                2 * cast(rank_weighted_sum as {{ type_double() }}) / (categories * total_weight)
                - cast(categories + 1 as {{ type_double() }}) / categories,
                6
            )
            as {{ type_double() }}
        ) as gini
    from aggregated
)

select * from final
