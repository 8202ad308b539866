{#- None of `column_names` is null: dbt's not_null for several columns in one query.

    A model declares its required columns once (model-level `not_null_columns`) instead of one
    `not_null` test per column: one scan of the model instead of one per column, and one dbt node
    instead of a dozen (each node has a fixed cost of ~0.2 s in a run: ~320 of them were half of
    the data-test time of a refresh). The failing rows are returned whole, with `null_columns`
    naming which required columns are null in each. -#}
{% test not_null_columns(model, column_names) %}
    select
        trim(
            {% for column in column_names -%}
            case when {{ column }} is null then '{{ column }} ' else '' end {{- ' ||' if not loop.last }}
            {% endfor -%}
        ) as null_columns,
        *
    from {{ model }}
    where {% for column in column_names -%}
        {{ column }} is null {{- ' or' if not loop.last }}
        {% endfor %}
{% endtest %}
