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
    return summary
