"""`backlinks summary [--verbose]`: the refresh's summary again, from the published warehouse."""

from __future__ import annotations

import click
import duckdb

from dagster_project import settings
from dagster_project.cli import common, output


@click.command("summary")
@common.paths_options
@common.verbose_option
def command(config_path, warehouse_path, verbose) -> None:
    """Print the summary of the published warehouse (what a refresh prints at its end).

    By default the headline numbers of the site and its competitors, the top gaps and leads,
    topic gaps, disavow and warnings, in 100 columns; --verbose: every section, row and column."""
    paths = settings.resolve(config_path, None, warehouse_path)  # only reads the warehouse: no config needed
    common.require_warehouse(paths.warehouse)
    try:
        output.render_summary(paths.warehouse, verbose)
    except duckdb.Error as exc:  # e.g. another process holds the file read-write
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "lock" in reason.lower():
            common.fail(
                f"{paths.warehouse} is held read-write by another process: close it or open it read-only, "
                f"then run again ({reason})",
                common.EXIT_BUSY,
            )
        common.fail(f"cannot read {paths.warehouse}: {reason}", common.EXIT_PROBLEMS)
