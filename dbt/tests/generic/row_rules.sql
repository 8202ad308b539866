{#- Every row satisfies every one of `rules` (boolean SQL expressions; a rule that is false or
    null fails the row), and every key of `unique_keys` (lists of columns) is unique: the
    row-level checks and the grain of a model - required columns, value ranges, accepted values,
    expressions over a row, primary keys - in one test.

    One test per model instead of one per rule or key: every dbt test is a node with a fixed
    cost (dbt compiles and runs it, Dagster records an asset check; ~0.1 s of one core each,
    most of a small refresh's build), and each rescanned the rows it tests. Merged, the
    project's 203 not_null / accepted_range / accepted_values / expression_is_true tests and its
    53 unique / unique_combination_of_columns tests are 53 row_rules tests. The failing rows are
    returned whole, with `broken_rules` saying what each one breaks (the rules, or
    `duplicate (key columns)` for every row of a duplicated key), so a failure still says
    exactly what is wrong. Nulls in a key compare as values (a null target_url counts once per
    site and source). -#}
{% test row_rules(model, rules=[], unique_keys=[]) %}
    with tested_rows as (
        select * from {{ model }}
    )
    {%- if rules %}
    select
        trim(
            {% for rule in rules -%}
            case when coalesce({{ rule }}, false) then '' else '{{ rule | replace("'", "''") }}; ' end {{- ' ||' if not loop.last }}
            {% endfor -%}
        ) as broken_rules,
        *
    from tested_rows
    where not (
        {% for rule in rules -%}
        coalesce({{ rule }}, false) {{- ' and' if not loop.last }}
        {% endfor -%}
    )
    {%- endif %}
    {%- for key in unique_keys %}
    {{ 'union all' if rules or not loop.first }}
    select
        'duplicate ({{ key | join(", ") }})' as broken_rules,
        tested_rows.*
    from tested_rows
    inner join (
        select {{ key | join(', ') }}
        from tested_rows
        group by {{ key | join(', ') }}
        having count(*) > 1
    ) as duplicated
        on {% for column in key -%}
        tested_rows.{{ column }} is not distinct from duplicated.{{ column }} {{- ' and ' if not loop.last }}
        {%- endfor %}
    {%- endfor %}
{% endtest %}
