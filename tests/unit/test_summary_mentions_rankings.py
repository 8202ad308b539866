"""The refresh summary's outreach and links-vs-rankings sections, on tiny hand-made marts.

The marts themselves are tested by dbt (unit tests in their YAML); here only the summary's
queries: which rows they pick and in which order, and that a warehouse without the marts
simply has no such section.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project import summary

LEADS = "Top unlinked-mention leads"
DIVERGING = "Topics where links and rankings diverge"


def _warehouse(path: Path, leads: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.unlinked_mentions as
            select 'knifecraft.co.uk' as site_domain,
                   'https://d' || i || '.org/p' as mention_url,
                   'd' || i || '.org' as mention_domain,
                   cast(100 - i as double) as lead_score,
                   cast(i as integer) as lead_rank,
                   cast(null as double) as authority,
                   i = 1 as links_to_competitor,
                   'knives' as topic,
                   timestamp '2026-09-01 10:00:00' as published_at,
                   'brand24' as source_tool
            from range(1, ? + 1) as t(i)
            """,
            [leads],
        )
        con.execute(
            """
            create table marts.links_vs_rankings_topics as
            select * from (values
                ('knifecraft.co.uk', 'knives', date '2026-09-21', 'many_links_poor_rankings', true, false, 40, 0.5, 25.0, 3, 4),
                ('knifecraft.co.uk', 'knives', date '2026-09-28', null, false, true, 42, 0.5, 12.0, 4, 4),
                ('knifecraft.co.uk', 'gifts', date '2026-09-28', 'few_links_good_rankings', true, true, 1, 0.01, 4.0, 1, 1),
                ('bladeworks.com', 'outdoor', date '2026-09-28', 'many_links_poor_rankings', true, true, 9, 0.6, null, 0, 2)
            ) as t(site_domain, topic, week_start, divergence, is_diverging, is_latest_week,
                   live_referring_domains, links_share, avg_position, keywords_ranking, keywords_tracked)
            """
        )
    return path


def _section(warehouse: Path, title: str) -> summary.Section | None:
    return next((s for s in summary.build_summary(warehouse).sections if s.title == title), None)


def test_leads_section_lists_the_ten_best_leads_in_rank_order(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb", leads=12)
    section = _section(warehouse, LEADS)
    assert section is not None
    ranks = [row[section.columns.index("rank")] for row in section.rows]
    assert ranks == list(range(1, 11))
    first = dict(zip(section.columns, section.rows[0]))
    assert first["mention_domain"] == "d1.org" and first["links_competitor"] is True
    assert first["mention_url"] == "https://d1.org/p"


def test_diverging_section_shows_only_the_latest_week_of_diverging_topics(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb", leads=1)
    section = _section(warehouse, DIVERGING)
    assert section is not None
    rows = [dict(zip(section.columns, row)) for row in section.rows]
    # knives diverged in an earlier week only: not listed; the other two are, site by site
    assert [(r["site_domain"], r["topic"], r["divergence"]) for r in rows] == [
        ("bladeworks.com", "outdoor", "many_links_poor_rankings"),
        ("knifecraft.co.uk", "gifts", "few_links_good_rankings"),
    ]
    assert rows[0]["ranking"] == "0/2" and rows[0]["avg_position"] is None


def test_sections_are_skipped_without_the_marts(tmp_path):
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    titles = {s.title for s in summary.build_summary(warehouse).sections}
    assert LEADS not in titles and DIVERGING not in titles
