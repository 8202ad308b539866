{#- The configured site (stg_config__sites) each row of `relation` belongs to: a row with a URL
    belongs to the configured domain that URL is on - the registrable domain equals it, or the
    host is it or one of its subdomains (a competitor may be configured as a host such as
    shop.example.com), the most specific one winning (shop.example.com over example.com); a row
    without a URL (GSC) belongs to its site_hint. Rows matching no configured site are left out.

    The match depends only on (site_hint, host, domain), and exports repeat a handful of target
    hosts over millions of rows: the sites are matched and ranked once per distinct key, and the
    winner joined back by that key (a window over every row, one partition per row, cost 5 s of
    CPU at 2M rows).

    relation           relation or CTE name (it must have a site_hint column)
    sites_relation     relation or CTE name over ref('stg_config__sites')
    select_columns     expressions on `relation` to carry, e.g. [relation ~ '.*']
    key_columns        columns of `relation` that also key the lookup, so that a caller's filter
                       on them (e.g. a snapshot_date window) reaches both sides of the join
    url, domain, host  `relation`'s URL column and its registrable domain and host columns

    Returns select_columns, site_domain, site_role. -#}
{% macro configured_site_matches(relation, sites_relation, select_columns, key_columns, url, domain, host) -%}
    select
        {{ select_columns | join(', ') }},
        site_of_key.site_domain,
        site_of_key.site_role
    from {{ relation }}
    inner join (
        select
            {%- for column in key_columns %}
            {{ column }},
            {%- endfor %}
            match_key,
            site_domain,
            site_role
        from (
            select
                match_keys.*,
                {{ sites_relation }}.site_domain,
                {{ sites_relation }}.site_role,
                row_number() over (
                    partition by {% for column in key_columns %}match_keys.{{ column }}, {% endfor %}match_keys.match_key
                    order by length({{ sites_relation }}.site_domain) desc
                ) as match_rank
            from (
                select distinct
                    {%- for column in key_columns %}
                    {{ column }},
                    {%- endfor %}
                    {{ _site_match_key(url, domain, host) }} as match_key,
                    {{ url }} is null as untargeted,
                    site_hint,
                    {{ domain }} as match_domain,
                    {{ host }} as match_host
                from {{ relation }}
            ) as match_keys
            inner join {{ sites_relation }}
                on case
                    when match_keys.untargeted then match_keys.site_hint = {{ sites_relation }}.site_domain
                    else match_keys.match_domain = {{ sites_relation }}.site_domain
                        or match_keys.match_host = {{ sites_relation }}.site_domain
                        or {{ dbt.right('match_keys.match_host', 'length(' ~ sites_relation ~ '.site_domain) + 1') }}
                            = '.' || {{ sites_relation }}.site_domain
                end
        ) as ranked
        where match_rank = 1
    ) as site_of_key
        on {% for column in key_columns %}{{ relation }}.{{ column }} = site_of_key.{{ column }}
        and {% endfor %}{{ _site_match_key(relation ~ '.' ~ url, relation ~ '.' ~ domain, relation ~ '.' ~ host, relation ~ '.site_hint') }} = site_of_key.match_key
{%- endmacro %}

{#- What decides a row's site, as one non-null text: its site_hint when it has no URL, else its
    host and registrable domain ('?' cannot start a host). -#}
{% macro _site_match_key(url, domain, host, site_hint='site_hint') -%}
    case
        when {{ url }} is null then '?' || coalesce({{ site_hint }}, '')
        else coalesce({{ host }}, '') || '|' || coalesce({{ domain }}, '')
    end
{%- endmacro %}
