{#- Every configured site (stg_config__sites) a row of `relation` could belong to, ranked: a row
    with a URL belongs to the configured domain that URL is on - the registrable domain equals
    it, or the host is it or one of its subdomains (a competitor may be configured as a host such
    as shop.example.com); a row without a URL (GSC) belongs to its site_hint. match_rank 1 is the
    most specific configured domain (shop.example.com over example.com).

    relation           relation or CTE name (it must have a site_hint column)
    sites_relation     relation or CTE name over ref('stg_config__sites')
    select_columns     expressions on `relation` to carry, e.g. [relation ~ '.*']
    row_key_columns    columns of `relation` identifying one row (the window partition; lead
                       with a column callers filter on, e.g. snapshot_date, so the filter is
                       pushed below the window)
    url, domain, host  `relation`'s URL column and its registrable domain and host columns

    Returns select_columns, site_domain, site_role, match_rank; only rows with a match. -#}
{% macro configured_site_matches(relation, sites_relation, select_columns, row_key_columns, url, domain, host) -%}
    select
        {{ select_columns | join(', ') }},
        {{ sites_relation }}.site_domain,
        {{ sites_relation }}.site_role,
        row_number() over (
            partition by {{ keys_of(relation, row_key_columns) }}
            order by length({{ sites_relation }}.site_domain) desc
        ) as match_rank
    from {{ relation }}
    inner join {{ sites_relation }}
        on case
            when {{ relation }}.{{ url }} is null then {{ relation }}.site_hint = {{ sites_relation }}.site_domain
            else {{ relation }}.{{ domain }} = {{ sites_relation }}.site_domain
                or {{ relation }}.{{ host }} = {{ sites_relation }}.site_domain
                or {{ dbt.right(relation ~ '.' ~ host, 'length(' ~ sites_relation ~ '.site_domain) + 1') }}
                    = '.' || {{ sites_relation }}.site_domain
        end
{%- endmacro %}
