{#- Every row satisfies every one of `rules` (boolean SQL expressions; a rule that is false or
    null fails the row): the row-level checks of a model - required columns, value ranges,
    accepted values, expressions over a row - in one query.

    One test per model instead of one per rule: every dbt test is a node with a fixed cost
    (dbt compiles and runs it, Dagster records an asset check), and each rescanned the rows it
    tests. Merged, a model's rows are read once: the project's 203 not_null / accepted_range /
    accepted_values / expression_is_true tests are 53 row_rules tests. The failing rows are
    returned whole, with `broken_rules` listing the rules each one breaks, so a failure still
    says exactly what is wrong. -#}
{% test row_rules(model, rules) %}
    select
        trim(
            {% for rule in rules -%}
            case when coalesce({{ rule }}, false) then '' else '{{ rule | replace("'", "''") }}; ' end {{- ' ||' if not loop.last }}
            {% endfor -%}
        ) as broken_rules,
        *
    from {{ model }}
    where not (
        {% for rule in rules -%}
        coalesce({{ rule }}, false) {{- ' and' if not loop.last }}
        {% endfor -%}
    )
{% endtest %}
