"""`backlinks ui [--port N]`: the Dagster UI over the same warehouse, inbox, config and run
history the CLI uses.

`dagster dev` on its own needs `DAGSTER_HOME` (absolute) and the `BACKLINKS_*` variables set by
hand to see the CLI's runs and read the same inbox; this command resolves them exactly as
`backlinks refresh` does, prints them, and replaces itself with `dagster dev` (Ctrl-C stops it).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click
from rich.markup import escape

from dagster_project import instance, settings
from dagster_project.cli import common

# The repository's workspace.yaml: the code location `dagster dev` loads, with its working
# directory relative to that file, so it serves from any current directory.
WORKSPACE = settings.PROJECT_ROOT / "workspace.yaml"


def dagster_dev_command(workspace: Path, host: str, port: int) -> list[str]:
    dagster = shutil.which("dagster", path=str(Path(sys.executable).parent)) or "dagster"
    return [dagster, "dev", "-w", str(workspace), "-h", host, "-p", str(port)]


@click.command("ui")
@common.paths_options
@common.inbox_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the UI listens on.")
@click.option("--port", default=3000, show_default=True, type=click.IntRange(1, 65535), help="Port of the UI.")
def command(config_path, warehouse_path, inbox, host, port) -> None:
    """Open the Dagster UI (`dagster dev`) on this warehouse: the CLI's runs, the asset graph,
    schedules and the inbox sensor, reading the same inbox and config as `backlinks refresh`."""
    paths = common.resolve(config_path, inbox, warehouse_path)  # exports BACKLINKS_* for the code location
    home = instance.prepare_home(paths)  # sets DAGSTER_HOME (absolute) for dagster dev
    common.console.print(
        f"Dagster UI on http://{host}:{port} — warehouse {escape(str(paths.warehouse))}, inbox "
        f"{escape(str(paths.inbox))}, config {escape(str(paths.config))}, runs in {escape(str(home))}",
        soft_wrap=True,
    )
    argv = dagster_dev_command(WORKSPACE, host, port)
    sys.stdout.flush()
    try:
        # `dagster dev` is the command this project documents; its "use dg dev" notice is noise here
        env = {**os.environ, "PYTHONWARNINGS": "ignore:Function `dev_command` is superseded"}
        os.execvpe(argv[0], argv, env)  # dagster dev takes over this process: Ctrl-C is its own
    except OSError as exc:
        common.fail(f"cannot start dagster dev ({argv[0]}): {exc}")
