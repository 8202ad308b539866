{#- The combination of `combination_of_columns` is unique (a composite primary key). Nulls are
    compared as values, so a null target_url still counts once per (site, source). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}

    select
        {{ columns }},
        count(*) as duplicates
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
