"""What a person reads after a refresh: facts queried from the published warehouse.

Each section is a small query over a table that may not exist yet in an older warehouse, so a
missing table skips its section instead of failing the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import warehouse as wh


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[tuple]
    note: str | None = None


@dataclass
class Summary:
    sections: list[Section] = field(default_factory=list)


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchall()[0][0]
    )


def _section(con, title: str, needs: list[str], sql: str, note: str | None = None) -> Section | None:
    if not all(_table_exists(con, *name.split(".")) for name in needs):
        return None
    result = con.sql(sql)
    return Section(title, list(result.columns), result.fetchall(), note)


SECTIONS: list[tuple[str, list[str], str, str | None]] = [
    (
        "Files",
        ["audit.ingest_files"],
        """
        select status, count(*) as files, coalesce(sum(rows_read), 0) as rows_read,
               coalesce(sum(rows_loaded), 0) as rows_loaded, coalesce(sum(rows_quarantined), 0) as rows_quarantined
        from audit.ingest_files group by status order by status
        """,
        "quarantined rows: select * from audit.quarantine",
    ),
    (
        "Rejected files",
        ["audit.ingest_files"],
        "select file_name, error from audit.ingest_files where status = 'rejected' order by file_name limit 20",
        None,
    ),
    (
        "Link profiles",
        ["marts.fct_backlinks", "marts.dim_referring_domains"],
        """
        with links as (
            select site_domain, count(*) as links, count(*) filter (where not is_lost) as live_links
            from marts.fct_backlinks group by site_domain
        ), domains as (
            select site_domain, count(*) as referring_domains,
                   count(*) filter (where live_links > 0) as live_referring_domains
            from marts.dim_referring_domains group by site_domain
        )
        select l.site_domain, l.links, l.live_links, d.referring_domains, d.live_referring_domains
        from links l left join domains d using (site_domain)
        order by l.links desc
        """,
        None,
    ),
    (
        "Top unlinked-mention leads",
        ["marts.unlinked_mentions"],
        """
        select lead_rank as rank, mention_domain, round(lead_score, 2) as score, round(authority) as authority,
               links_to_competitor as links_competitor, topic, mention_url
        from marts.unlinked_mentions
        where lead_rank <= 10
        order by site_domain, lead_rank
        """,
        "pages mentioning the brand on domains with no live link; all: select * from marts.unlinked_mentions",
    ),
    (
        "Topics where links and rankings diverge",
        ["marts.links_vs_rankings_topics"],
        """
        select site_domain, topic, divergence, live_referring_domains as referring_domains,
               round(links_share, 2) as links_share, round(avg_position, 1) as avg_position,
               keywords_ranking || '/' || keywords_tracked as ranking, week_start as as_of
        from marts.links_vs_rankings_topics
        where is_latest_week and is_diverging
        order by site_domain, divergence, topic
        """,
        "latest week per topic; history: select * from marts.links_vs_rankings_topics",
    ),
]


# The link-intelligence marts' headlines (diversity, velocity spikes, gaps, topics, disavow).
SECTIONS += [
    (
        "Link profile diversity (latest snapshot)",
        ["marts.profile_diversity"],
        """
        select site_domain, snapshot_date, referring_domains, domain_hhi, domain_gini,
               round(domain_evenness, 3) as evenness, round(tld_entropy, 3) as tld_entropy,
               round(follow_share, 3) as follow, round(branded_share, 3) as branded,
               round(exact_match_share, 3) as exact_match, health_flags
        from marts.profile_diversity
        where is_latest_snapshot
        order by site_role desc, site_domain
        """,
        "every snapshot and share: select * from marts.profile_diversity",
    ),
    (
        "Link velocity spikes (weekly)",
        ["marts.link_velocity"],
        """
        select site_domain, period_start as week,
               case when is_spike and is_loss_spike then 'new + lost' when is_spike then 'new' else 'lost' end as spike,
               new_referring_domains as new, lost_referring_domains as lost,
               new_trailing_median as usual_new, robust_z
        from marts.link_velocity
        where is_spike or is_loss_spike
        order by period_start desc, site_domain
        limit 10
        """,
        "every week: select * from marts.link_velocity (days: marts.link_velocity_daily)",
    ),
    (
        "Top competitor gaps",
        ["marts.competitor_gaps"],
        """
        select opportunity_rank as rank, source_domain, competitors_linked, competitor_domains,
               round(authority, 1) as authority, topic, round(opportunity_score, 1) as score,
               count(*) over () as opportunities
        from marts.competitor_gaps
        where is_opportunity
        order by opportunity_rank
        limit 10
        """,
        "all gaps and why some are left out: select * from marts.competitor_gaps order by opportunity_score desc",
    ),
    (
        "Topic gaps (the site's share vs the competitors' median)",
        ["marts.topical_coverage"],
        """
        select topic, referring_domains, round(share, 3) as share,
               round(competitor_median_share, 3) as competitor_median_share, round(coverage_gap, 3) as gap
        from marts.topical_coverage
        where site_role = 'site' and is_under_covered
        order by coverage_gap desc
        """,
        "every topic and site: select * from marts.topical_coverage",
    ),
    (
        "Disavow candidates",
        ["marts.disavow_candidates"],
        """
        select count(*) as entries, count(*) filter (where entry_type = 'domain') as domains,
               count(*) filter (where entry_type = 'url') as urls,
               min(toxicity_score) as min_toxicity, count(*) filter (where seen_by_google) as seen_by_google
        from marts.disavow_candidates
        """,
        "review, then write the file: backlinks disavow --out disavow.txt [--previous last-upload.txt]",
    ),
]


def build_summary(warehouse_path: Path) -> Summary:
    summary = Summary()
    if not Path(warehouse_path).exists():
        return summary
    with wh.connect(warehouse_path, read_only=True) as con:
        for title, needs, sql, note in SECTIONS:
            section = _section(con, title, needs, sql, note)
            if section is not None and section.rows:
                summary.sections.append(section)
        false_losses = false_loss_section(con)
        if false_losses is not None:
            summary.sections.append(false_losses)
    return summary


# --- false losses: one line, "Ahrefs marked 3 links lost that Semrush still sees" -----------------

TOOL_NAMES = {"ahrefs": "Ahrefs", "semrush": "Semrush", "majestic": "Majestic", "moz": "Moz", "gsc": "Google Search Console"}
FALSE_LOSSES = "intermediate.int_backlinks__false_losses"


def _tool(name: str) -> str:
    return TOOL_NAMES.get(name, name)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def false_loss_line(counts: list[tuple[str, int, list[str]]]) -> str | None:
    """One sentence from (tool that called links lost, links, the tools that still see them, most
    contradicting first): "Ahrefs marked 3 links lost that Semrush still sees; Moz marked 1 link
    lost that Ahrefs and Majestic still see". None when no tool was contradicted."""
    parts = []
    for tool, links, others in counts:
        names = [_tool(o) for o in others]
        verb = "sees" if len(names) == 1 else "see"
        parts.append(f"{_tool(tool)} marked {links} link{'s' if links != 1 else ''} lost that {_and(names)} still {verb}")
    return "; ".join(parts) or None


def false_loss_section(con: duckdb.DuckDBPyConnection) -> Section | None:
    """The losses another tool contradicts (they stay live), counted per tool, as one line."""
    if not _table_exists(con, *FALSE_LOSSES.split(".")):
        return None
    rows = con.sql(
        f"""
        with per_other as (
            select source_tool, seen_live_by, count(distinct link_id) as links
            from {FALSE_LOSSES} group by all
        )
        select f.source_tool, count(distinct f.link_id) as links,
               (select list(o.seen_live_by order by o.links desc, o.seen_live_by) from per_other o
                where o.source_tool = f.source_tool) as others
        from {FALSE_LOSSES} f
        group by f.source_tool
        order by links desc, f.source_tool
        """
    ).fetchall()
    line = false_loss_line([(tool, links, others) for tool, links, others in rows])
    if line is None:
        return None
    return Section(
        "False losses (overruled: another tool reported the link live on or after that date)",
        ["tools disagree"],
        [(line,)],
        f"each one: select * from {FALSE_LOSSES}; real losses and why: select * from marts.lost_links",
    )
