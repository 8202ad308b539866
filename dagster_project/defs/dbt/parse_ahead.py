"""Start the build's dbt process while the refresh lands its files (dagster_project/dbt_server.py).

A `dbt build` started when the build step starts pays dbt's start-up first: importing dbt-core,
reading and checking the parse cache (~3 s of one core), or, for the first build of a warehouse,
parsing the whole project (~5-7 s: dbt keys its cache by the connection profile, which holds the
warehouse file's path, also the catalog every view refers to). Started with the run, a dbt
process does all of that on the other core while the files land and the batch checks run, then
waits; the build step runs `dbt build` in it through a shim (`executable`), so the build starts
with its first model. The parse also leaves the cache for the next refresh, as before.

Only for the in-process executor (the `refresh` job: CLI, schedule, sensor), where landing and the
dbt build share one process and the build can find the process it started; a parse still running
when another process started the build would race it for the target folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dagster_project import dbt_server, settings
from dagster_project.defs.dbt.build_args import window_env

PARSE_CACHE = "partial_parse.msgpack"
# executors that run every step in this process: the refresh job's, and `execute_in_process`'s (CLI)
IN_PROCESS_EXECUTORS = {"in_process", "execute_in_process_executor"}


@dataclass
class Ahead:
    process: subprocess.Popen
    shim: Path
    socket_dir: Path


_running: dict[Path, Ahead] = {}  # target folder -> the dbt process started for it


def dbt_environment(target: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The environment dagster-dbt gives a dbt process writing into `target`, plus `env`: the
    parse must see what the build will (the profile's variables), or its cache is not reused."""
    return {
        **os.environ,
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target),
        "DBT_PROFILES_DIR": str(settings.DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_LOG_FORMAT": "json",  # dbt.log in one format, each line with the process that wrote it
        **env,
    }


def start(target: Path, env: Mapping[str, str], real_dbt: str) -> bool:
    """Start the dbt process for the build writing into `target`, unless one runs; True if started."""
    if target in _running:
        return False
    target.mkdir(parents=True, exist_ok=True)
    # a socket's path is limited to ~100 bytes: in a short temporary folder, not in `target`
    socket_dir = Path(tempfile.mkdtemp(prefix="backlinks-dbt-"))
    socket_path = socket_dir / "dbt.sock"
    shim = target / dbt_server.SHIM_NAME
    shim.write_text(dbt_server.shim_source(socket_path, real_dbt), encoding="utf-8")
    shim.chmod(0o755)
    with (
        open(target / "dbt-ahead.log", "w", encoding="utf-8") as log,
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listening,
    ):
        listening.bind(str(socket_path))
        listening.listen(1)  # a shim started before the parse ends waits in the queue
        process = subprocess.Popen(
            [sys.executable, "-m", "dagster_project.dbt_server", str(listening.fileno())],
            cwd=settings.DBT_PROJECT_DIR,
            env=dbt_environment(target, env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listening.fileno()],
        )
    _running[target] = Ahead(process, shim, socket_dir)
    return True


def start_for_run(target: Path, first_key: str, last_key: str, real_dbt: str) -> bool:
    """`start` with the window of a run over partitions first_key..last_key, whoever starts it
    first: the CLI before the run's definitions load (cli/job.py), or the landing step."""
    from dagster_project import planning
    from dagster_project.defs.automation.partitions import current_bounds

    return start(target, window_env(planning.window_vars(first_key, last_key, current_bounds())), real_dbt)


def executable(target: Path) -> str | None:
    """The dbt executable the build writing into `target` should start: the shim of the process
    started ahead (it runs the real dbt itself if that process died), or None: dbt's own."""
    ahead = _running.get(target)
    return str(ahead.shim) if ahead else None


def finish(target: Path) -> None:
    """After the build: the process started for `target` has run it and exits; reap it."""
    ahead = _running.pop(target, None)
    if ahead is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):  # it is stopped below
            ahead.process.wait(timeout=30)
        _stop(ahead)


def cancel(target: Path) -> None:
    """Stop the process started for `target` (a run that builds no model need not wait for it)
    and drop whatever parse cache it may have half written: the next build parses in full."""
    ahead = _running.pop(target, None)
    if ahead is None:
        return
    if _stop(ahead):
        (target / PARSE_CACHE).unlink(missing_ok=True)


def cancel_all() -> None:
    """At the end of a run: stop every process started and not used (a run that failed first)."""
    for target in list(_running):
        cancel(target)


def _stop(ahead: Ahead) -> bool:
    """Stop the process if it still runs; True if it had to be stopped."""
    process = ahead.process
    stopped = process.poll() is None
    if stopped:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # it will not stop politely
            process.kill()
            process.wait()
    shutil.rmtree(ahead.socket_dir, ignore_errors=True)
    return stopped
