{#- The topical cluster (sites.yml `topics`) of each key of `relation`, by the keyword rules
    int_referring_domains__topics applies to referring domains, so "links in a topic" and
    "rankings in a topic" (or "mentions in a topic") mean the same clusters:
      - every text field and every cluster keyword goes through normalise_anchor (lowercase,
        accent- and punctuation-free words); a keyword hits a field when it occurs in it as
        whole words ("chef knife" in "best chef knife uk"; "knife" not in "knives" - list
        plurals in sites.yml);
      - a field counts once per cluster however many of the cluster's keywords hit it; a
        cluster's score is the mean over the key's rows of the sum of the weights of the fields
        it hits; the best score wins.
    One addition for short texts: ties go to the cluster with the longest keyword hit (the
    more specific rule: "sharpen" beats "knife" in "how to sharpen a knife", "bushcraft" beats
    "knife"), then alphabetically (the referring-domain rule). A key no cluster hits is
    'unassigned', like a referring domain; without configured clusters every key is.

    relation         relation or CTE name holding key_columns and the fields
    key_columns      list of column names identifying what gets a topic
    weighted_fields  list of [text expression, weight expression] pairs evaluated on
                     `relation`, e.g. [['title', 'topic_weight_title'], ['content', 1]]
    topics_relation  relation or CTE name with columns (topic, keyword): ref('stg_config__topics')

    Returns: key_columns, topic, topic_score (0 when unassigned), one row per distinct key. -#}
{% macro assign_topic(relation, key_columns, weighted_fields, topics_relation) -%}
    {%- set prefixed = {} -%}
    {%- for alias in ['texts', 'scored', 'ranked', 'keys'] -%}
        {%- set columns = [] -%}
        {%- for key in key_columns %}{% do columns.append(alias ~ '.' ~ key) %}{% endfor -%}
        {%- do prefixed.update({alias: columns | join(', ')}) -%}
    {%- endfor -%}
    select
        {{ prefixed['keys'] }},
        coalesce(ranked.topic, 'unassigned') as topic,
        coalesce(ranked.topic_score, 0) as topic_score
    from (
        select distinct {{ key_columns | join(', ') }} from {{ relation }}
    ) as keys
    left join (
        select
            {{ prefixed['scored'] }},
            scored.topic,
            scored.topic_score,
            row_number() over (
                partition by {{ prefixed['scored'] }}
                order by scored.topic_score desc, scored.longest_hit desc, scored.topic
            ) as topic_rank
        from (
            select
                {{ prefixed['texts'] }},
                hits.topic,
                -- mean over the key's rows (rows no cluster keyword hits count as 0)
                1.0 * sum(hits.row_score) / max(texts.key_rows) as topic_score,
                max(hits.longest_hit) as longest_hit
            from (
                select
                    {{ key_columns | join(', ') }},
                    count(*) as key_rows
                from {{ relation }}
                group by {{ key_columns | join(', ') }}
            ) as texts
            inner join (
                select
                    {{ prefixed['texts'] }},
                    texts.row_id,
                    topic_terms.topic,
                    {%- for field in weighted_fields %}
                    max(case when texts.topic_field_{{ loop.index }} like '% ' || topic_terms.term || ' %' then texts.topic_weight_{{ loop.index }} else 0 end)
                    {%- if not loop.last %} +{% endif %}
                    {%- endfor %} as row_score,
                    max(length(topic_terms.term)) as longest_hit
                from (
                    select
                        {{ key_columns | join(', ') }},
                        row_number() over (order by {{ key_columns | join(', ') }}) as row_id,
                        {%- for field in weighted_fields %}
                        ' ' || coalesce({{ normalise_anchor(field[0]) }}, '') || ' ' as topic_field_{{ loop.index }},
                        {{ field[1] }} as topic_weight_{{ loop.index }}
                        {%- if not loop.last %},{% endif %}
                        {%- endfor %}
                    from {{ relation }}
                ) as texts
                inner join (
                    select distinct
                        topic,
                        {{ normalise_anchor('keyword') }} as term
                    from {{ topics_relation }}
                ) as topic_terms
                    on topic_terms.term <> ''
                    and (
                        {%- for field in weighted_fields %}
                        texts.topic_field_{{ loop.index }} like '% ' || topic_terms.term || ' %'
                        {%- if not loop.last %} or{% endif %}
                        {%- endfor %}
                    )
                group by {{ prefixed['texts'] }}, texts.row_id, topic_terms.topic
            ) as hits
                on {% for key in key_columns %}hits.{{ key }} = texts.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
            group by {{ prefixed['texts'] }}, hits.topic
        ) as scored
    ) as ranked
        on {% for key in key_columns %}ranked.{{ key }} = keys.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
        and ranked.topic_rank = 1
{%- endmacro %}
