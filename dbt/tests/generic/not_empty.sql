{#- The model has at least one row (e.g. the configuration names a site). -#}
{% test not_empty(model) %}
    select 'no rows' as failure
    from (select count(*) as row_count from {{ model }}) as counted
    where row_count = 0
{% endtest %}
