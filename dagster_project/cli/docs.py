"""`backlinks docs [--out DIR]`: the dbt docs site (models, columns, tests, lineage, exposures) of
the published warehouse.

dbt reads the catalog (every table's columns and types) from the published file itself, opened
read-only (the profile's `access_mode`), so the warehouse is never written and a refresh running
meanwhile is not disturbed; dbt's own work files stay in `logs/<warehouse>-dbt-docs/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import click
from rich.markup import escape

from dagster_project import settings
from dagster_project.cli import common

SITE_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json")


def dbt_docs_command(dbt: str, target: Path) -> list[str]:
    # --static: static_index.html carries the manifest and catalog inside, so it opens from a
    # file:// URL (index.html fetches them, which browsers refuse from a file)
    return [
        dbt, "docs", "generate", "--static",
        "--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(target),
    ]  # fmt: skip


def dbt_docs_env(warehouse: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BACKLINKS_BUILD_PATH": str(warehouse),  # the profile's path: the published file…
        "BACKLINKS_DUCKDB_ACCESS_MODE": "read_only",  # …opened read-only
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def last_error(output: str) -> str:
    """dbt's own error line (it logs one, without a traceback), else the last line it printed."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if "Error" in line or "error" in line:
            return line
    return lines[-1] if lines else "dbt exited without output"


@click.command("docs")
@common.paths_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Folder of the site [default: docs-site/ next to the warehouse].",
)
def command(config_path, warehouse_path, out_dir) -> None:
    """Generate the dbt docs site (models, columns, tests, lineage, exposures) of the published warehouse."""
    from dagster_project.defs.dbt.project import dbt_executable

    paths = common.resolve(config_path, None, warehouse_path)
    common.require_warehouse(paths.warehouse)
    out = Path(out_dir).expanduser().resolve() if out_dir else paths.warehouse.parent / "docs-site"
    if out.exists() and not out.is_dir():
        common.fail(f"--out {out} is a file; name a folder")
    common.ready_warehouse(paths.warehouse)  # a killed client's WAL is merged first; exit 3 if held read-write

    target = paths.logs / f"{paths.warehouse.stem}-dbt-docs"
    target.mkdir(parents=True, exist_ok=True)
    common.console.print(
        f"[bold]Backlink Warehouse[/] docs · {escape(str(paths.warehouse))} (read-only) → {escape(str(out))}"
    )
    proc = subprocess.run(
        dbt_docs_command(dbt_executable(), target),
        env=dbt_docs_env(paths.warehouse),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        if "lock" in proc.stdout.lower() and "conflicting" in proc.stdout.lower():
            common.fail(
                f"{paths.warehouse} is open read-write in another process: close it, then run again", common.EXIT_BUSY
            )
        common.fail(
            f"dbt docs generate failed: {last_error(proc.stdout + proc.stderr)} (log: {target / 'dbt.log'})",
            common.EXIT_PROBLEMS,
        )

    out.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:  # each file written beside its name first: never half a site
        partial = out / f".{name}.part"
        shutil.copyfile(target / name, partial)
        os.replace(partial, out / name)
    common.console.print(
        f"Docs site written to {escape(str(out))}\n"
        f"  open {escape(str(out / 'static_index.html'))} in a browser (one file, works offline), or serve the folder:\n"
        f"  python3 -m http.server --directory {escape(str(out))} 8080   then http://localhost:8080/",
        soft_wrap=True,
    )
