"""What changed: the events of marts.link_changes and the lost links worth an alert, read from a
warehouse for `backlinks changes`, the refresh digest (summary.py) and the lost-link asset check.

"Since the previous snapshot" is one window, decided here: the events of each site after its
second-newest snapshot in marts.profile_diversity (the snapshot the summary's "Link profiles"
counts new and lost referring domains from). A site with a single snapshot has no previous one:
everything is new to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

EVENTS = (
    "new_referring_domain",
    "lost_referring_domain",
    "new_toxic_domain",
    "ledger_live",
    "ledger_changed",
    "ledger_lost",
)
LINK_CHANGES = "marts.link_changes"
LOST_LINKS = "marts.lost_links"

# each site's previous snapshot (null: it has one snapshot), as a CTE body
PREVIOUS_SNAPSHOTS = """
    select site_domain, max(snapshot_date) filter (where age = 2) as previous_snapshot
    from (
        select site_domain, snapshot_date,
               row_number() over (partition by site_domain order by snapshot_date desc) as age
        from marts.profile_diversity
    ) as snapshots
    group by site_domain
"""
_EPOCH = "date '0001-01-01'"  # "after no previous snapshot": every event

# what `backlinks changes` prints (the table) and writes (CSV: every column)
TABLE_COLUMNS = ("event_date", "site_domain", "event", "source_domain", "authority", "detail")
CSV_COLUMNS = (
    "event_date",
    "site_domain",
    "site_role",
    "event",
    "source_domain",
    "source_url",
    "target_url",
    "authority",
    "detail",
)


class ChangesUsageError(ValueError):
    """A bad --since or --site: one line for the user, exit 2."""


def parse_since(text: str) -> dt.date:
    """`--since`: an ISO date (2026-09-01); anything else is a usage error naming what was given."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ChangesUsageError(f"--since {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-09-01") from None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, table = name.split(".")
    query = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return con.execute(query, [schema, table]).fetchall()[0][0] > 0


def sites(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The sites the warehouse's events are about: the site first, then the competitors."""
    return [
        r[0]
        for r in con.sql(
            f"select distinct site_domain, site_role = 'site' as is_site from {LINK_CHANGES}"
            " order by is_site desc, site_domain"
        ).fetchall()
    ]


@dataclass(frozen=True)
class Events:
    columns: list[str]
    rows: list[tuple]
    since: dt.date | None  # None: each site since its previous snapshot


def events(
    con: duckdb.DuckDBPyConnection, since: dt.date | None = None, site: str | None = None, columns=CSV_COLUMNS
) -> Events:
    """The events on or after `since` (default: each site's events after its previous snapshot),
    of one site or all, newest first; the site before its competitors, the most authoritative
    domain first."""
    if site is not None:
        site = site.strip().lower().rstrip(".")
        known = sites(con)
        if site not in known:
            raise ChangesUsageError(
                f"--site {site!r} has no events: the warehouse's sites are {', '.join(known) or 'none'}"
            )
    window = (
        "case when cast($since as date) is null"
        f" then c.event_date > coalesce(p.previous_snapshot, {_EPOCH}) else c.event_date >= cast($since as date) end"
    )
    select = ", ".join(f"c.{c}" for c in columns)
    result = con.sql(
        f"""
        with previous as ({PREVIOUS_SNAPSHOTS})
        select {select}
        from {LINK_CHANGES} c left join previous p using (site_domain)
        where {window} and (cast($site as varchar) is null or c.site_domain = $site)
        order by c.event_date desc, c.site_role = 'site' desc, c.site_domain, c.event,
                 c.authority desc nulls last, c.source_domain, c.source_url
        """,
        params={"since": since, "site": site},
    )
    return Events(list(result.columns), result.fetchall(), since)


@dataclass(frozen=True)
class LostLinkAlert:
    site_domain: str
    min_authority: float
    previous_snapshot: dt.date | None
    count: int  # lost links of the site at or above min_authority since the previous snapshot
    worst: list[dict]  # the most authoritative of them, at most `limit`

    @property
    def passed(self) -> bool:
        return self.count == 0

    def reason(self) -> str:
        after = f"since {self.previous_snapshot}" if self.previous_snapshot else "so far"
        if self.passed:
            return f"no lost link of {self.site_domain} with authority >= {self.min_authority:g} {after}"
        named = "; ".join(f"{w['source_domain']} ({w['authority']:.0f}, {w['lost_reason']})" for w in self.worst[:3])
        more = f"; and {self.count - 3} more" if self.count > 3 else ""
        return (
            f"{self.count} lost link{'s' if self.count != 1 else ''} of {self.site_domain} with authority "
            f">= {self.min_authority:g} {after}: {named}{more}"
        )


def lost_link_alert(
    con: duckdb.DuckDBPyConnection, site_domain: str, min_authority: float, limit: int = 10
) -> LostLinkAlert:
    """The site's links lost after its previous snapshot (marts.lost_links: false losses are not
    there) whose referring domain's authority is at least `min_authority`, the most authoritative
    first (then the highest recovery priority)."""
    previous = con.execute(
        f"with previous as ({PREVIOUS_SNAPSHOTS}) select previous_snapshot from previous where site_domain = ?",
        [site_domain],
    ).fetchall()
    previous_snapshot = previous[0][0] if previous else None
    where = (
        f"site_domain = $site and authority >= $min_authority and lost_at > coalesce(cast($previous as date), {_EPOCH})"
    )
    params = {"site": site_domain, "min_authority": min_authority, "previous": previous_snapshot}
    count = con.sql(f"select count(*) from {LOST_LINKS} where {where}", params=params).fetchall()[0][0]
    result = con.sql(
        f"""
        select source_domain, source_url, target_url, round(authority, 1) as authority, lost_reason,
               cast(lost_at as varchar) as lost_at, round(recovery_priority, 1) as recovery_priority
        from {LOST_LINKS} where {where}
        order by authority desc, recovery_priority desc, source_url
        limit {int(limit)}
        """,
        params=params,
    )
    worst = [dict(zip(result.columns, row)) for row in result.fetchall()]
    return LostLinkAlert(site_domain, min_authority, previous_snapshot, count, worst)
