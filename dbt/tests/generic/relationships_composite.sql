{#- Every combination of `columns` in the model exists in `to` (a composite foreign key);
    `to_columns` defaults to the same names. Rows with a null in any column are skipped. -#}
{% test relationships_composite(model, to, columns, to_columns=none) %}
    {%- set parent_columns = to_columns if to_columns else columns %}

    with child as (
        -- `model` may be a filtered subquery (a test's `where`, macros/incremental/tested_rows.sql)
        select * from {{ model }}
    )

    select child.*
    from child
    where {% for column in columns %}child.{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
        and not exists (
            select 1
            from {{ to }} as parent
            where {% for column in columns %}parent.{{ parent_columns[loop.index0] }} = child.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
        )
{% endtest %}
