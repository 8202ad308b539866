{#- Topic assignment: the one implementation of the sites.yml `topics` keyword rules, used for
    referring domains (int_referring_domains__topics), ranking keywords
    (int_rankings__keyword_topics) and mentions (int_mentions__deduplicated), so "links in a
    topic", "rankings in a topic" and "mentions in a topic" mean the same clusters:
      - a field is matched in one of two ways:
          'words' (default): the field and every cluster keyword go through normalise_anchor
            (lowercase, accent- and punctuation-free words); a keyword hits when it occurs as
            whole words ("chef knife" in "best chef knife uk"; "knife" not in "knives" - list
            plurals in sites.yml);
          'glued': for texts that glue words together (host names: knifecorner): the keyword
            without spaces, when it has 4+ letters, anywhere in the field as given (the caller
            lowercases it and keeps letters and digits);
      - a field counts once per cluster however many of the cluster's keywords hit it; a
        cluster's score is the mean over the key's rows of the sum of the weights of the fields
        it hits (identical rows are scored once and counted as often as they occur);
      - the best score wins; ties go to the cluster with the longest keyword hit (the more
        specific rule: "sharpen" beats "knife" in "how to sharpen a knife", "bushcraft" beats
        "knife"), then alphabetically. -#}

{#- Every (key, cluster) with at least one keyword hit, and its score: topic_hits of the
    relation's texts, averaged over the key's rows (topic_scores_of_hits).

    relation         relation or CTE name holding key_columns and the fields
    key_columns      list of column names identifying what gets a topic
    fields           list of {'name', 'text', 'weight'[, 'match']} dicts: `text` and `weight` are
                     expressions on `relation`, `match` 'words' (default) or 'glued' (see above),
                     e.g. [{'name': 'title', 'text': 'title', 'weight': 'topic_weight_title'}]
    topics_relation  relation or CTE name with columns (topic, keyword): ref('stg_config__topics')

    Returns: key_columns, topic, topic_score, longest_hit (the longest normalised keyword that
    hit), and <name>_hit per field (1 when any of the key's rows hits the cluster in it, else 0). -#}
{% macro topic_scores(relation, key_columns, fields, topics_relation) -%}
    {{ topic_scores_of_hits(
        '(' ~ topic_hits(relation, key_columns, fields, topics_relation) ~ ') as hits',
        '(select ' ~ key_columns | join(', ') ~ ', count(*) as key_rows from ' ~ relation ~ ' group by ' ~ key_columns | join(', ') ~ ') as key_rows',
        key_columns, fields
    ) }}
{%- endmacro %}

{#- The keyword matching itself, the expensive part: one row per (key, distinct text row of the
    key, cluster) where a keyword of the cluster hits one of the fields. Identical text rows of
    a key are matched once and counted (text_rows: a sitewide link repeats its texts on every
    page). Returns key_columns, text_rows, topic, <name>_hit (0/1) per field, row_score (the sum
    of the weights of the fields hit) and longest_hit. A model can keep these hits per row and
    aggregate them later (int_backlinks__topic_hits: matched once per link, ever).

    Each field's distinct values are normalised and matched against the keywords once
    (field_texts_<n>, field_hits_<n>) and the hits joined back on the value as given: texts
    repeat a lot (an anchor or a host on thousands of links, a page title on every link of its
    page), so this normalises and compares a fraction of the rows (int_backlinks__topic_hits at
    2M links: normalising every row was 12 s of 24). Text rows are therefore the distinct rows
    of the fields as given; two that differ only in what normalising removes are two rows with
    the same hits, which sum to the same scores. With one_row_per_key (the caller guarantees
    `relation` has one row per key) every row is its own text row (text_rows 1): no grouping. -#}
{% macro topic_hits(relation, key_columns, fields, topics_relation, one_row_per_key=false) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set row_columns = [] -%}
    {%- for key in key_columns %}{% do row_columns.append(key) %}{% endfor -%}
    {%- for field in fields %}{% do row_columns.append('topic_field_' ~ loop.index) %}{% do row_columns.append('topic_weight_' ~ loop.index) %}{% endfor -%}
    {%- do row_columns.append('text_rows') -%}
    with

    texts as {{ materialized_cte() }} (
        -- identical texts are scored once; text_row_id names a distinct text row of a key
        select
            *,
            {{ stable_row_id(row_columns[:-1]) }} as text_row_id
        from (
            {%- if one_row_per_key %}
            select
                {{ keys }},
                {%- for field in fields %}
                {{ field.text }} as topic_field_{{ loop.index }},
                {{ field.weight }} as topic_weight_{{ loop.index }},
                {%- endfor %}
                cast(1 as {{ dbt.type_bigint() }}) as text_rows
            from {{ relation }}
            {%- else %}
            select
                {{ keys }},
                {%- for field in fields %}
                topic_field_{{ loop.index }},
                topic_weight_{{ loop.index }},
                {%- endfor %}
                count(*) as text_rows
            from (
                select
                    {{ keys }},
                    {%- for field in fields %}
                    {{ field.text }} as topic_field_{{ loop.index }},
                    {{ field.weight }} as topic_weight_{{ loop.index }}
                    {%- if not loop.last %},{% endif %}
                    {%- endfor %}
                from {{ relation }}
            ) as raw_texts
            group by
                {{ keys }}
                {%- for field in fields %},
                topic_field_{{ loop.index }},
                topic_weight_{{ loop.index }}
                {%- endfor %}
            {%- endif %}
        ) as grouped_texts
    ),

    topic_terms as (
        select
            topic,
            -- the cluster as a small number: the hits are grouped by it (cheaper than its name)
            dense_rank() over (order by topic) as topic_number,
            term,
            -- a whole-words hit is the term between spaces in the space-padded field
            ' ' || term || ' ' as padded_term,
            replace(term, ' ', '') as glued_term,
            -- a whole-words hit has this word among the field's words
            {{ dbt.split_part('term', "' '", 1) }} as first_word
        from (
            select distinct topic, {{ normalise_anchor('keyword') }} as term
            from {{ topics_relation }}
        ) as terms
        where term <> ''
    ),
    {%- for field in fields %}

    -- each distinct value of field {{ loop.index }} as given (raw_text) and as matched (field_text);
    -- a null value hits nothing
    field_texts_{{ loop.index }} as (
        select
            raw_text,
            {%- if field.get('match', 'words') == 'glued' %}
            raw_text as field_text
            {%- else %}
            ' ' || coalesce({{ normalise_anchor('raw_text') }}, '') || ' ' as field_text
            {%- endif %}
        from (
            select distinct topic_field_{{ loop.index }} as raw_text
            from texts
            where topic_field_{{ loop.index }} is not null
        ) as raw_values
    ),

    -- (distinct value of field {{ loop.index }}, cluster) pairs a keyword hits, and the longest such keyword
    field_hits_{{ loop.index }} as (
        select
            field_values.raw_text as field_text,
            topic_terms.topic_number,
            max(length(topic_terms.term)) as longest_hit
        {%- if field.get('match', 'words') == 'glued' %}
        from field_texts_{{ loop.index }} as field_values
        inner join topic_terms
            on {{ _topic_field_hit(field, 'field_values.field_text') }}
        {%- else %}
        {{ _topic_word_hits_join('field_texts_' ~ loop.index) }}
        {%- endif %}
        group by field_values.raw_text, topic_terms.topic_number
    ),
    {%- endfor %}

    -- one row per (text row, cluster, field it hits in)
    row_field_hits as (
        {%- for field in fields %}
        select
            texts.text_row_id,
            field_hits_{{ loop.index }}.topic_number,
            {{ loop.index }} as field_number,
            texts.topic_weight_{{ loop.index }} as field_weight,
            field_hits_{{ loop.index }}.longest_hit
        from texts
        inner join field_hits_{{ loop.index }}
            on texts.topic_field_{{ loop.index }} = field_hits_{{ loop.index }}.field_text
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    -- a field counts once per (text row, cluster): field_hits_<n> has one row per value and cluster
    row_hits as (
        select
            text_row_id,
            topic_number,
            {%- for field in fields %}
            max(case when field_number = {{ loop.index }} then 1 else 0 end) as {{ field.name }}_hit,
            {%- endfor %}
            sum(field_weight) as row_score,
            max(longest_hit) as longest_hit
        from row_field_hits
        group by text_row_id, topic_number
    )

    select
        {{ keys_of('texts', key_columns) }},
        texts.text_rows,
        topic_names.topic,
        {%- for field in fields %}
        row_hits.{{ field.name }}_hit,
        {%- endfor %}
        row_hits.row_score,
        row_hits.longest_hit
    from row_hits
    inner join texts
        on row_hits.text_row_id = texts.text_row_id
    inner join (select distinct topic, topic_number from topic_terms) as topic_names
        on row_hits.topic_number = topic_names.topic_number
{%- endmacro %}

{#- `from ... inner join topic_terms on ...` pairing the distinct values of a 'words' field
    (`values_relation`: raw_text, field_text, aliased field_values) with the cluster keywords
    that occur in them as whole words. -#}
{% macro _topic_word_hits_join(values_relation) -%}
    {{ return(adapter.dispatch('_topic_word_hits_join', 'backlink_warehouse')(values_relation)) }}
{%- endmacro %}

{#- An equi-join on the keyword's first word against the field's words (unnested), then the
    whole-words test on those candidates only: the same pairs as testing every value against
    every keyword (a whole-words hit starts with one of the field's words), without the nested
    loop (2M URL paths x keywords: 12 s). -#}
{% macro duckdb___topic_word_hits_join(values_relation) -%}
        from (
            -- a word twice in a value makes a duplicate candidate; the caller groups them
            select
                raw_text,
                field_text,
                unnest(string_split(trim(field_text), ' ')) as field_word
            from {{ values_relation }}
        ) as field_values
        inner join topic_terms
            on field_values.field_word = topic_terms.first_word
            and position(topic_terms.padded_term in field_values.field_text) > 0
{%- endmacro %}

{% macro default___topic_word_hits_join(values_relation) -%}
        from {{ values_relation }} as field_values
        inner join topic_terms
            on position(topic_terms.padded_term in field_values.field_text) > 0
{%- endmacro %}

{#- Scores from topic_hits rows: per (key, cluster) the mean over the key's rows of their
    row_score (rows no keyword hits count as 0), the longest hit and every <name>_hit.

    hits         topic_hits rows (a CTE name, or a parenthesised subquery with an alias 'hits')
    key_rows     (key_columns, key_rows: how many rows the key has), likewise
    key_columns  the keys both share; fields as for topic_scores (only their names are used) -#}
{% macro topic_scores_of_hits(hits, key_rows, key_columns, fields) -%}
    {%- set hits_alias = hits.split(' ')[-1] -%}
    {%- set rows_alias = key_rows.split(' ')[-1] -%}
    select
        {{ keys_of(rows_alias, key_columns) }},
        {{ hits_alias }}.topic,
        -- mean over the key's rows (rows no cluster keyword hits count as 0)
        cast(sum({{ hits_alias }}.text_rows * {{ hits_alias }}.row_score) as {{ type_double() }}) / max({{ rows_alias }}.key_rows) as topic_score,
        max({{ hits_alias }}.longest_hit) as longest_hit
        {%- for field in fields %},
        max({{ hits_alias }}.{{ field.name }}_hit) as {{ field.name }}_hit
        {%- endfor %}
    from {{ key_rows }}
    inner join {{ hits }}
        on {% for key in key_columns %}{{ hits_alias }}.{{ key }} = {{ rows_alias }}.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    group by {{ keys_of(rows_alias, key_columns) }}, {{ hits_alias }}.topic
{%- endmacro %}

{#- Does `text` (a prepared value of `field`) hit the current cluster keyword (topic_terms)? -#}
{% macro _topic_field_hit(field, text) -%}
    {%- if field.get('match', 'words') == 'glued' -%}
    (length(topic_terms.glued_term) >= 4 and position(topic_terms.glued_term in {{ text }}) > 0)
    {%- else -%}
    position(topic_terms.padded_term in {{ text }}) > 0
    {%- endif -%}
{%- endmacro %}

{#- `relation.key` for every key, comma-separated. -#}
{% macro keys_of(relation, key_columns) -%}
    {%- for key in key_columns %}{{ relation }}.{{ key }}{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endmacro %}

{#- The winning cluster of each key of `scores` (a topic_scores result: a CTE name, or a
    parenthesised subquery with an alias): best score, then longest keyword hit, then
    alphabetical. With min_score (an SQL expression) a cluster must score above 0 and at least
    min_score to win. Keys without a winner are absent. Returns key_columns, topic, topic_score. -#}
{% macro best_topic(scores, key_columns, min_score=none) -%}
    {%- set keys = key_columns | join(', ') -%}
    select {{ keys }}, topic, topic_score
    from (
        select
            {{ keys }},
            topic,
            topic_score,
            row_number() over (
                partition by {{ keys }}
                order by topic_score desc, longest_hit desc, topic
            ) as topic_rank
        from {{ scores }}
        {%- if min_score is not none %}
        where topic_score > 0
            and topic_score >= {{ min_score }}
        {%- endif %}
    ) as ranked
    where topic_rank = 1
{%- endmacro %}

{#- The topic of every distinct key of `relation` (arguments as topic_scores): the best_topic,
    or 'unassigned' when no cluster hits (like a referring domain); without configured clusters
    every key is. Returns key_columns, topic, topic_score (0 when unassigned), one row per key. -#}
{% macro assign_topic(relation, key_columns, fields, topics_relation) -%}
    select
        {{ keys_of('keys', key_columns) }},
        coalesce(best.topic, 'unassigned') as topic,
        coalesce(best.topic_score, 0) as topic_score
    from (
        select distinct {{ key_columns | join(', ') }} from {{ relation }}
    ) as keys
    left join (
        {{ best_topic('(' ~ topic_scores(relation, key_columns, fields, topics_relation) ~ ') as scores', key_columns) }}
    ) as best
        on {% for key in key_columns %}best.{{ key }} = keys.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
{%- endmacro %}

{#- The fields a link's topic is matched in (int_backlinks__topic_hits), and their weights. -#}
{% macro link_topic_fields() -%}
    {{ return([
        {'name': 'title', 'text': 'page_title', 'weight': 'topic_weight_title'},
        {'name': 'path', 'text': 'url_path', 'weight': 'topic_weight_path'},
        {'name': 'vendor', 'text': 'vendor_topic', 'weight': 'topic_weight_vendor'},
        {'name': 'anchor', 'text': 'anchor', 'weight': 'topic_weight_anchor'},
        {'name': 'domain', 'text': 'host_text', 'weight': 'topic_weight_domain', 'match': 'glued'},
    ]) }}
{%- endmacro %}
