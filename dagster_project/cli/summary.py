"""`backlinks summary [--verbose]`: the refresh's summary again, from the published warehouse."""

from __future__ import annotations

import click

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
    with common.reading(paths.warehouse):
        output.render_summary(paths.warehouse, verbose)
