{#- Which of several reports of the same ranking observation (rows of `relation` agreeing on
    partition_columns) counts: report_rank 1 is the one with a position, then the latest
    snapshot, then export type, file and row order (a deterministic last resort); reports is
    how many there are. Returns every column of `relation` plus report_rank and reports. -#}
{% macro ranked_reports(relation, partition_columns) -%}
    {%- set partition = partition_columns | join(', ') -%}
    select
        *,
        row_number() over (
            partition by {{ partition }}
            order by
                case when position is null then 1 else 0 end,
                snapshot_date desc,
                export_type,
                file_sha256,
                row_number,
                row_part
        ) as report_rank,
        count(*) over (partition by {{ partition }}) as reports
    from {{ relation }}
{%- endmacro %}
