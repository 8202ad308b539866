"""`backlinks`: the command line. One module per command, assembled here; what they share
(exit codes, options, paths, consoles) is in `common`. Presentation only: every rule lives in
the package's other modules, and a refresh runs the same Dagster job the UI runs, in-process.
"""

from __future__ import annotations

import click

from dagster_project.cli import backfill, changes, disavow, export, refresh, report, summary, ui
from dagster_project.cli import docs as docs_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Backlink Warehouse: backlink, mention and ranking exports in; modelled, checked tables out."""


for _module in (refresh, backfill, disavow, export, report, summary, changes, docs_command, ui):
    main.add_command(_module.command)
