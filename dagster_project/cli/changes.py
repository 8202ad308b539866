"""`backlinks changes [--since DATE] [--site DOMAIN] [--format table|csv]`: the events of
marts.link_changes (new and lost referring domains, new toxic domains, ledger links live, changed
or lost), from the published warehouse opened read-only."""

from __future__ import annotations

import csv
import sys

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dagster_project import changes, settings
from dagster_project import warehouse as wh
from dagster_project.cli import common, output
from dagster_project.safe_text import csv_safe


@click.command("changes")
@common.paths_options
@click.option("--since", "since_text", metavar="DATE", help="Events on or after DATE (YYYY-MM-DD).")
@click.option("--site", "site", metavar="DOMAIN", help="Only this site or competitor.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True, help="Output format."
)
def command(config_path, warehouse_path, since_text, site, fmt) -> None:
    """Print what changed: new and lost referring domains, new toxic domains, ledger links live,
    changed or lost (marts.link_changes), newest first.

    Without --since: each site's events since its previous snapshot (what the refresh digest
    counts). Exit 2 on a bad date, an unknown site or no warehouse; 3 while another process holds
    the warehouse read-write."""
    try:
        since = changes.parse_since(since_text) if since_text is not None else None
    except changes.ChangesUsageError as exc:
        common.fail(str(exc))
    paths = settings.resolve(config_path, None, warehouse_path)  # only reads the warehouse: no config needed
    columns = changes.CSV_COLUMNS if fmt == "csv" else changes.TABLE_COLUMNS
    with common.reading(paths.warehouse):
        try:
            with wh.connect(paths.warehouse, read_only=True) as con:
                if not changes.has_table(con, changes.LINK_CHANGES):
                    common.fail(f"{paths.warehouse} has no {changes.LINK_CHANGES} yet: run `backlinks refresh` first")
                result = changes.events(con, since, site, columns)
        except changes.ChangesUsageError as exc:
            common.fail(str(exc))
    if fmt == "csv":
        write_csv(result)
    else:
        print_table(result)
    window = f"on or after {result.since}" if result.since else "since each site's previous snapshot"
    click.echo(f"{len(result.rows):,} events {window}", err=True)


def write_csv(result: changes.Events) -> None:
    """CSV on stdout, a header and a row per event; text cells through csv_safe (a spreadsheet
    must not read a URL or a detail from the web as a formula)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else csv_safe(v) if isinstance(v, str) else v for v in row])


def print_table(result: changes.Events, console: Console | None = None) -> None:
    """A table per site (its name above it), one line per event at the terminal's width: the
    date, event and authority keep their width, the domain and the detail are cut, never wrapped."""
    console = console or common.console
    columns = [c for c in result.columns if c != "site_domain"]
    at = result.columns.index("site_domain")
    by_site: dict[str, list[tuple]] = {}
    for row in result.rows:
        by_site.setdefault(row[at], []).append(row)
    for site, rows in by_site.items():
        grid = [[round(v, 1) if isinstance(v, float) else v for i, v in enumerate(row) if i != at] for row in rows]
        natural = {c: max([len(c)] + [len(output.fmt(r[i])) for r in grid]) for i, c in enumerate(columns)}
        widths = dict(natural)
        room = console.width - 2 - 3 * (len(columns) - 1) - sum(natural[c] for c in columns if c not in FLEXIBLE)
        widths["source_domain"] = max(8, min(natural["source_domain"], room // 2))
        widths["detail"] = max(8, min(natural["detail"], room - widths["source_domain"]))
        console.print(Text(f"{site} ({len(rows):,} events)", style="bold"), no_wrap=True, overflow="ellipsis")
        table = Table(show_edge=False, header_style="bold")
        for column in columns:
            table.add_column(
                column,
                justify="right" if column == "authority" else "left",
                no_wrap=True,
                overflow="ellipsis",
                width=widths[column],
            )
        for row in grid:
            table.add_row(*[Text(output.fmt(v)) for v in row])  # Text, not markup: web text
        console.print(table)
        console.print()


FLEXIBLE = ("source_domain", "detail")  # cut to fit; the other columns keep their width
