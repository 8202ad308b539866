"""What every command shares: exit codes, the --config/--warehouse/--inbox options, path
resolution, the consoles and the one-line usage error. Declared once, here."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from dagster_project import refresh_lock, settings
from dagster_project.config import ConfigError, load_config

# Exit status (README, Commands): 0 all good; 1 finished, but a file was rejected or a blocking
# check failed (disavow: a limit of Google's was exceeded); 2 bad usage or configuration (nothing
# changed).
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# 3: busy — another refresh of the warehouse holds its refresh lock (try again later or pass
# --wait), or another process holds the warehouse file read-write (close it or open it
# read-only); nothing changed.
EXIT_BUSY = 3

STARTED = time.perf_counter()  # the "Time:" line counts from here (interpreter start-up is ~0.1 s before)

# Bound to the real stdout now: during a run, library chatter (dbt's log lines) is redirected to
# a log file, and only our progress lines reach the user. Wide when piped, so tables don't fold.
_STDOUT = sys.stdout
console = Console(file=_STDOUT, highlight=False, width=None if _STDOUT.isatty() else 160)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)  # a path in an error stays one line


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """The user-facing error: one line on stderr, then exit (never a traceback)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}")  # a message quotes paths and data: no markup
    sys.exit(code)


config_option = click.option("--config", "config_path", help="sites.yml [env BACKLINKS_CONFIG].")
warehouse_option = click.option(
    "--warehouse", "warehouse_path", help="DuckDB warehouse file [env BACKLINKS_WAREHOUSE]."
)
inbox_option = click.option("--inbox", help="Folder of exports [env BACKLINKS_INBOX].")


wait_option = click.option(
    "--wait", is_flag=True, help="If another refresh of the warehouse is running, wait for it instead of exiting 3."
)


engine_option = click.option(
    "--engine",
    type=click.Choice(settings.ENGINES),
    default=None,
    help="Where the models run: duckdb (the warehouse file) or spark (the Parquet lake and dbt's spark "
    "target; README, Running on Spark) [env BACKLINKS_ENGINE; default duckdb].",
)


verbose_option = click.option(
    "--verbose", "-v", is_flag=True, help="Print the whole summary: every section, row and column."
)


def paths_options(func):
    """--config and --warehouse: every command takes both."""
    return config_option(warehouse_option(func))


def quiet_libraries() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    # One "planned" event per asset for a run over a partition range, not one per asset and day:
    # a refresh of two months of snapshots otherwise logs ~4,000 of them before it starts (the
    # price: a failed run leaves its partitions "missing" rather than "failed" in the UI).
    os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")


def resolve(
    config_path: str | None, inbox: str | None, warehouse_path: str | None, need_inbox: bool = False
) -> settings.Paths:
    """The paths of this command (flags over environment over defaults), with sites.yml validated
    and exported for the Dagster resources and dbt. Bad configuration exits 2 here."""
    paths = settings.resolve(config_path, inbox, warehouse_path)
    try:
        load_config(paths.config)
    except ConfigError as exc:
        fail(str(exc))
    if need_inbox and not paths.inbox.is_dir():
        fail(f"inbox folder not found: {paths.inbox}")
    settings.export(paths)
    quiet_libraries()
    return paths


def choose_engine(flag: str | None) -> str:
    """The engine of this command (flag over BACKLINKS_ENGINE over duckdb), put in the environment
    for the run. Spark needs the `spark` dependency group and Java: without either, one line and
    exit 2, before anything is written."""
    engine = flag or settings.engine()
    if engine not in settings.ENGINES:
        fail(f"BACKLINKS_ENGINE={engine} is not an engine: use one of {', '.join(settings.ENGINES)}")
    os.environ["BACKLINKS_ENGINE"] = engine
    if engine == "spark":
        import importlib.util
        import shutil

        if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
            fail(
                "--engine spark needs dbt-spark and PySpark, the project's `spark` dependency group: "
                "python3 -m uv sync --group spark (or run with python3 -m uv run --group spark backlinks …)"
            )
        java_home = os.environ.get("JAVA_HOME")
        if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").exists()):
            fail("--engine spark needs Java 17 for Spark: apt-get install openjdk-17-jre-headless (or set JAVA_HOME)")
    return engine


def ready_warehouse(warehouse: Path) -> None:
    """Before reading or building: merge a WAL a killed client left; refuse (one line, exit 3)
    while another process holds the warehouse read-write (storage.prepare_published decides)."""
    from dagster_project import storage

    try:
        note = storage.prepare_published(warehouse).note
    except storage.WarehouseBusy as busy:
        fail(str(busy), EXIT_BUSY)
    if note:
        console.print(f"{escape(str(warehouse))}: {escape(note)}")


def require_warehouse(warehouse: Path) -> None:
    if not warehouse.exists():
        fail(f"no warehouse at {warehouse}: run `backlinks refresh` first")


@contextlib.contextmanager
def reading(warehouse: Path):
    """For the commands that only read the published warehouse (summary, export, report, disavow, changes):
    no file → exit 2; a DuckDB error inside the block → one line and exit 3 when another process
    holds the file read-write (its lock refuses even read-only opens), else exit 1. Never a traceback."""
    import duckdb

    from dagster_project import storage

    require_warehouse(warehouse)
    try:
        yield
    except duckdb.Error as exc:
        holder = storage.lock_holder(str(exc))
        if holder is not None:
            fail(storage.busy_message(warehouse, holder, retry="run the command again"), EXIT_BUSY)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"cannot read {warehouse}: {reason}", EXIT_PROBLEMS)


@contextlib.contextmanager
def writer_lock(paths: settings.Paths, command: str, wait: bool):
    """Hold the warehouse's refresh lock for the block (yields True if it waited for it); when
    another refresh holds it, exit 3 with one line naming it, or with `wait` say so and wait."""

    def waiting(holder) -> None:
        message = refresh_lock.busy_message(paths.warehouse, holder) + "; waiting for it to finish…"
        console.print(escape(message), soft_wrap=True)  # one line, whatever the paths

    try:
        with refresh_lock.hold(paths.warehouse, command=command, wait=wait, on_wait=waiting) as waited:
            yield waited
    except refresh_lock.Busy as busy:
        fail(f"{busy}; try again later, or pass --wait to wait for it", EXIT_BUSY)
