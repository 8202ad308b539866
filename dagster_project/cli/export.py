"""`backlinks export`: the marts as Parquet, CSV or XLSX files, one `<mart>.<ext>` each."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dagster_project.cli import common
from dagster_project.export import FORMATS, ExportUsageError, export_tables


@click.command("export")
@common.paths_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True, help="File format.")
@click.option(
    "--out", "out_dir", type=click.Path(), help="Folder for the files [default: exports/ next to the warehouse]."
)
@click.argument("tables", nargs=-1, metavar="[TABLE]...")
def command(config_path, warehouse_path, fmt, out_dir, tables) -> None:
    """Write marts as files, one <mart>.<ext> each (default: every public mart).

    TABLE is a mart name such as competitor_gaps (or marts.competitor_gaps). Exit 1 when a table
    could not be written in that format (the others are), 2 on bad usage."""
    paths = common.resolve(config_path, None, warehouse_path)
    target = Path(out_dir).expanduser().resolve() if out_dir else paths.warehouse.parent / "exports"
    with common.reading(paths.warehouse):
        try:
            written, notes, errors = export_tables(paths.warehouse, target, fmt, tables)
        except ExportUsageError as exc:
            common.fail(str(exc))
    for item in written:
        click.echo(f"marts.{item.table} → {item.path} ({item.rows:,} rows)")
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for error in errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"{len(written)} file(s) written to {target}", err=True)
    sys.exit(common.EXIT_PROBLEMS if errors else common.EXIT_OK)
