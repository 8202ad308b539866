"""What a person reads after a refresh (and from `backlinks summary`): facts queried from the
published warehouse.

Each section is a small query over a table that may not exist yet in an older warehouse, so a
missing table skips its section instead of failing the summary. The default summary is what a
strategist reads first (the headline numbers of the site against its competitors, the top gaps
and leads, topic gaps, disavow, warnings): sections with `brief_rows`, cut to that many rows and
to their `brief_columns`. `--verbose` shows every section, every row and every column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import changes
from dagster_project import warehouse as wh


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[tuple]
    note: str | None = None
    brief_rows: int | None = None  # rows shown by default; None: the section is shown with --verbose only
    brief_columns: list[str] | None = None  # columns shown by default (None: all)
    total: int | None = None  # rows in all, when the section shows the top ones ("5 of 17 …")
    total_label: str = "rows"
    plain: bool = False  # one sentence per row: the default summary prints the lines without a table

    def heading(self, shown: int) -> str:
        """The title, with how many of how many rows are shown when not all are."""
        total = self.total if self.total is not None else len(self.rows)
        return f"{self.title} ({shown} of {total:,} {self.total_label})" if shown < total else self.title


@dataclass
class Summary:
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Spec:
    title: str
    needs: list[str]
    sql: str
    note: str | None = None
    brief_rows: int | None = None
    brief_columns: list[str] | None = None
    total_sql: str | None = None  # how many rows the section's top-N is taken from
    total_label: str = "rows"


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchall()[0][0]
    )


def _section(con, spec: Spec) -> Section | None:
    if not all(_table_exists(con, *name.split(".")) for name in spec.needs):
        return None
    result = con.sql(spec.sql)
    columns, rows = list(result.columns), result.fetchall()
    total = con.sql(spec.total_sql).fetchall()[0][0] if spec.total_sql else None
    return Section(spec.title, columns, rows, spec.note, spec.brief_rows, spec.brief_columns, total, spec.total_label)


SECTIONS: list[Spec] = [
    Spec(
        # The headline: each site's referring domains at its latest snapshot against the one
        # before (site first, then the competitors). new/lost count the referring domains first
        # seen / lost after the previous snapshot, as the HTML report's "what changed" does.
        "Link profiles",
        ["marts.profile_diversity", "marts.dim_referring_domains"],
        """
        with snapshots as (
            select site_domain, site_role, snapshot_date, referring_domains, live_links,
                   row_number() over (partition by site_domain order by snapshot_date desc) as age
            from marts.profile_diversity
        ), latest as (
            select * from snapshots where age = 1
        ), previous as (
            select * from snapshots where age = 2
        ), changes as (
            select d.site_domain,
                   count(*) filter (where d.first_seen > p.snapshot_date) as new,
                   count(*) filter (where d.lost_at > p.snapshot_date) as lost
            from marts.dim_referring_domains d join previous p using (site_domain)
            group by d.site_domain
        )
        select l.site_domain, l.site_role as role, l.snapshot_date as snapshot, l.referring_domains as ref_domains,
               case when p.snapshot_date is not null then printf('%+d', l.referring_domains - p.referring_domains) end
                   as change,
               case when p.snapshot_date is not null then coalesce(c.new, 0) end as new,
               case when p.snapshot_date is not null then coalesce(c.lost, 0) end as lost,
               l.live_links, p.snapshot_date as previous_snapshot
        from latest l left join previous p using (site_domain) left join changes c using (site_domain)
        order by l.site_role = 'site' desc, l.referring_domains desc, l.site_domain
        """,
        "at each site's latest snapshot; change, new, lost: referring domains since its previous one",
        brief_rows=6,
        brief_columns=["site_domain", "role", "snapshot", "ref_domains", "change", "new", "lost"],
    ),
    Spec(
        "Top competitor gaps",
        ["marts.competitor_gaps"],
        """
        select opportunity_rank as rank, source_domain, round(authority, 1) as authority, topic,
               round(opportunity_score, 1) as score, links_to_competitors as links, competitor_domains
        from marts.competitor_gaps
        where is_opportunity
        order by opportunity_rank
        limit 10
        """,
        "links: its live links to competitors; every gap and why: select * from marts.competitor_gaps",
        brief_rows=5,
        total_sql="select count(*) from marts.competitor_gaps where is_opportunity",
        total_label="opportunities",
    ),
    Spec(
        "Top unlinked-mention leads",
        ["marts.unlinked_mentions"],
        """
        select lead_rank as rank, mention_domain, round(lead_score, 2) as score, round(authority) as authority,
               links_to_competitor as links_competitor, topic, mention_url
        from marts.unlinked_mentions
        where lead_rank <= 10
        order by site_domain, lead_rank
        """,
        "pages naming the brand on domains with no live link; all: select * from marts.unlinked_mentions",
        brief_rows=5,
        brief_columns=["rank", "mention_domain", "authority", "links_competitor", "mention_url"],
        total_sql="select count(*) from marts.unlinked_mentions",
        total_label="leads",
    ),
    Spec(
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
        brief_rows=5,
        total_label="topics",
    ),
    Spec(
        "Disavow candidates",
        ["marts.disavow_candidates"],
        """
        select count(*) as entries, count(*) filter (where entry_type = 'domain') as domains,
               count(*) filter (where entry_type = 'url') as urls,
               min(toxicity_score) as min_toxicity, count(*) filter (where seen_by_google) as seen_by_google
        from marts.disavow_candidates
        """,
        "review, then write the file: backlinks disavow --out disavow.txt [--previous last-upload.txt]",
        brief_rows=1,
    ),
    # --- with --verbose only: the detail behind the warnings
    Spec(
        "Files",
        ["audit.ingest_files"],
        """
        select status, count(*) as files, coalesce(sum(rows_read), 0) as rows_read,
               coalesce(sum(rows_loaded), 0) as rows_loaded, coalesce(sum(rows_quarantined), 0) as rows_quarantined
        from audit.ingest_files group by status order by status
        """,
        "quarantined rows: select * from audit.quarantine",
    ),
    Spec(
        "Rejected files",
        ["audit.ingest_files"],
        "select file_name, error from audit.ingest_files where status = 'rejected' order by file_name limit 20",
        total_sql="select count(*) from audit.ingest_files where status = 'rejected'",
        total_label="files",
    ),
    Spec(
        # the site's pages that answer 4xx/5xx while live links still point to them: 301 them
        "Pages to reclaim",
        ["marts.reclamation_targets", "config.sites"],
        """
        select reclaim_rank as rank, http_code as http, referring_domains as domains, links,
               round(best_authority, 1) as authority, priority,
               regexp_replace(target_url, '^https?://[^/]+', '') as page,
               coalesce(regexp_replace(suggested_redirect, '^https?://[^/]+', ''), '-') as redirect_to
        from marts.reclamation_targets
        where site_domain in (select site_domain from config.sites where role = 'site')
        order by reclaim_rank
        """,
        "broken pages with live links, 301 each to redirect_to; full URLs: select * from marts.reclamation_targets",
    ),
    Spec(
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
    Spec(
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
    Spec(
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
        total_sql="select count(*) from marts.link_velocity where is_spike or is_loss_spike",
        total_label="spikes",
    ),
]

# What deserves a look, one line each, from whichever of these tables the warehouse has: the
# file-level problems first, then per site (the site before its competitors).
WARNINGS: list[tuple[list[str], str]] = [
    (
        ["audit.ingest_files"],
        """
        select 'rejected files', null, count(*) || ' files: select file_name, error from audit.ingest_files'
               || ' where status = ''rejected'''
        from audit.ingest_files where status = 'rejected' having count(*) > 0
        """,
    ),
    (
        ["audit.ingest_files"],
        """
        select 'quarantined rows', null,
               sum(rows_quarantined) || ' rows in ' || count(*) || ' files: select * from audit.quarantine'
        from audit.ingest_files where rows_quarantined > 0 having count(*) > 0
        """,
    ),
    (
        # the site's broken pages with live links, one line (each page: --verbose, "Pages to reclaim")
        ["marts.reclamation_targets", "config.sites"],
        """
        select 'pages to reclaim', site_domain,
               count(*) || case when count(*) = 1 then ' page answers' else ' pages answer' end
               || ' 4xx/5xx with ' || sum(links) || ' live links: 301 them'
        from marts.reclamation_targets
        where site_domain in (select site_domain from config.sites where role = 'site')
        group by site_domain
        """,
    ),
    (
        ["marts.profile_diversity"],
        """
        select 'profile health', site_domain, health_flags
        from marts.profile_diversity
        where is_latest_snapshot and health_flags is not null
        order by site_role = 'site' desc, site_domain
        """,
    ),
    (
        ["marts.link_velocity"],
        """
        select 'link spike', site_domain,
               'week of ' || period_start || ': '
               || case when is_spike then new_referring_domains || ' new referring domains (usually '
                                          || coalesce(printf('%g', new_trailing_median), '?') || ')'
                       else lost_referring_domains || ' lost referring domains' end
        from marts.link_velocity
        where is_spike or is_loss_spike
        qualify row_number() over (partition by site_domain order by period_start desc) = 1
        order by site_role = 'site' desc, site_domain
        """,
    ),
    (
        ["marts.links_vs_rankings_topics"],
        """
        select 'links vs rankings', site_domain, topic || ': ' || replace(replace(divergence, '_links_', ' links, '), '_', ' ')
        from marts.links_vs_rankings_topics
        where is_latest_week and is_diverging
        order by site_domain, topic
        """,
    ),
]


def _warnings(con) -> Section:
    rows: list[tuple] = []
    for needs, sql in WARNINGS:
        if all(_table_exists(con, *name.split(".")) for name in needs):
            rows += con.sql(sql).fetchall()
    return Section(
        "Warnings",
        ["warning", "site_domain", "detail"],
        rows,
        brief_rows=6,
        total_label="warnings",
    )


def build_summary(warehouse_path: Path) -> Summary:
    """Every section with rows (the renderer decides what the default summary shows)."""
    summary = Summary()
    if not Path(warehouse_path).exists():
        return summary
    with wh.connect(warehouse_path, read_only=True) as con:
        for spec in SECTIONS:
            section = _section(con, spec)
            if section is not None and section.rows:
                summary.sections.append(section)
        warnings = _warnings(con)
        false_losses = false_loss_section(con)
        digest = digest_section(con)
        for extra in (warnings, false_losses, digest):
            if extra is not None and extra.rows:
                # after the headline sections, before the verbose-only detail
                at = next((i for i, s in enumerate(summary.sections) if s.brief_rows is None), len(summary.sections))
                summary.sections.insert(at, extra)
    return summary


# --- false losses: one line, "Ahrefs marked 3 links lost that Semrush still sees" -----------------

TOOL_NAMES = {
    "ahrefs": "Ahrefs",
    "semrush": "Semrush",
    "majestic": "Majestic",
    "moz": "Moz",
    "gsc": "Google Search Console",
}
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
        parts.append(
            f"{_tool(tool)} marked {links} link{'s' if links != 1 else ''} lost that {_and(names)} still {verb}"
        )
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
    # one sentence per tool, so each stays one line at 100 columns
    lines = [(false_loss_line([(tool, links, others)]),) for tool, links, others in rows]
    if not lines:
        return None
    return Section(
        # the query in the title, as the digest does: the default summary has no line to spare
        f"False losses (a later live report overrules them) · each: {FALSE_LOSSES}",
        ["tools disagree"],
        lines,
        f"each one: select * from {FALSE_LOSSES}; real losses and why: select * from marts.lost_links",
        brief_rows=len(lines),
        plain=True,
    )


# --- the digest: what changed for the site since its previous snapshot (marts.link_changes) ---------

DIGEST_NAMES = 5  # the most authoritative domains named per line (a narrow terminal cuts the line)
DIGEST_SQL = f"""
with previous as ({changes.PREVIOUS_SNAPSHOTS}),
events as (
    select c.*, p.previous_snapshot
    from marts.link_changes c left join previous p using (site_domain)
    where c.site_role = 'site'
)
select site_domain, any_value(previous_snapshot) as previous_snapshot, event,
       count(*) filter (where event_date > coalesce(previous_snapshot, date '0001-01-01')) as events,
       list({{'domain': source_domain, 'authority': authority, 'detail': detail}}
            order by authority desc nulls last, source_domain)
           filter (where event_date > coalesce(previous_snapshot, date '0001-01-01')) as named
from events
group by site_domain, event
"""


def _named(items: list[dict], with_detail: bool = False) -> str:
    """ "a.com 96, b.org 85" (with_detail: "a.com: nofollow, …"), the first DIGEST_NAMES."""
    parts = []
    for item in items[:DIGEST_NAMES]:
        if with_detail:
            parts.append(f"{item['domain']}: {item['detail'].split(';')[0]}")
        else:
            score = item["authority"]
            parts.append(item["domain"] + (f" {score:.0f}" if score is not None else ""))
    return ", ".join(parts)


def digest_lines(events: dict[str, tuple[int, list[dict]]], has_ledger: bool) -> list[str]:
    """The digest's sentences from {event: (events since the previous snapshot, those events'
    domains, the most authoritative first)}: new and lost referring domains with the most
    authoritative named, then the ledger links lost or changed (when the site has a ledger)."""
    lines = []
    new, new_named = events.get("new_referring_domain", (0, []))
    toxic = events.get("new_toxic_domain", (0, []))[0]
    lines.append(
        f"{new} new referring domain{'s' if new != 1 else ''}"
        + (f" ({toxic} toxic)" if toxic else "")
        + (f": {_named(new_named)}" if new else "")
    )
    lost, lost_named = events.get("lost_referring_domain", (0, []))
    lines.append(
        f"{lost} lost referring domain{'s' if lost != 1 else ''}" + (f": {_named(lost_named)}" if lost else "")
    )
    if has_ledger:
        ledger = []
        for event, word in (("ledger_lost", "lost"), ("ledger_changed", "changed")):
            count, named = events.get(event, (0, []))
            if count:
                ledger.append(f"{count} {word} ({_named(named, with_detail=True)})")
        lines.append("ledger links: " + ("; ".join(ledger) if ledger else "none lost or changed"))
    return lines


def digest_section(con: duckdb.DuckDBPyConnection) -> Section | None:
    """What changed for the site since its previous snapshot, a few sentences; every event (and
    the competitors'): `backlinks changes`."""
    if not (_table_exists(con, "marts", "link_changes") and _table_exists(con, "marts", "profile_diversity")):
        return None
    rows = con.sql(DIGEST_SQL).fetchall()
    if not rows:
        return None
    site, previous = rows[0][0], rows[0][1]
    events = {event: (count, named or []) for _, _, event, count, named in rows}
    lines = digest_lines(events, has_ledger=any(event.startswith("ledger_") for event in events))
    since = f"the previous snapshot ({previous})" if previous else "tracking began"
    return Section(
        # the query that shows all of it in the title: the default summary has no line to spare
        f"Since {since} · {site} · all: backlinks changes",
        ["what changed"],
        [(line,) for line in lines],
        brief_rows=len(lines),
        plain=True,
    )
