"""Parse the dbt project while the first refresh of a warehouse lands its files.

dbt keeps its parse cache (`partial_parse.msgpack`) in the target folder and keys it by the
connection profile, which holds the warehouse file's path (its name is also the catalog every
view refers to, so it cannot be made the same for all warehouses). The first build of a warehouse
therefore parses the whole project: ~4.5 s of one core, before any model runs. Started as its
own process when landing starts, that parse runs on the other core while the files land and the
batch checks run; the build then finds the cache and skips it. Later refreshes already have the
cache: nothing is started.

Only for the in-process executor (the `refresh` job: CLI, schedule, sensor), where landing and the
dbt build share one process and the build can wait for the parse; a parse still running when
another process started the build would race it for the target folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dagster_project.defs.dbt.build_args import environment, window_env

PARSE_CACHE = "partial_parse.msgpack"
# executors that run every step in this process: the refresh job's, and `execute_in_process`'s (CLI)
IN_PROCESS_EXECUTORS = {"in_process", "execute_in_process_executor"}
_running: dict[Path, object] = {}  # target folder -> its DbtCliInvocation


def start(dbt, target: Path, env: Mapping[str, str]) -> bool:
    """Start `dbt parse` into `target` unless it already holds a parse cache; True if started."""
    if target in _running or (target / PARSE_CACHE).exists():
        return False
    target.mkdir(parents=True, exist_ok=True)
    with environment(env):  # the build's window variables: the cache must match its environment
        # only the cache is wanted: the build writes the manifest of its own (~0.3 s of CPU)
        _running[target] = dbt.cli(["parse", "--quiet", "--no-write-json"], target_path=target, raise_on_error=False)
    return True


def start_for_run(dbt, target: Path, first_key: str, last_key: str) -> bool:
    """`start` with the environment the build of a run over partitions first_key..last_key will
    have (its window variables), whoever starts it first: the CLI before the run's definitions
    load (cli/job.py), or the landing step."""
    from dagster_project import planning
    from dagster_project.defs.automation.partitions import current_bounds

    return start(dbt, target, window_env(planning.window_vars(first_key, last_key, current_bounds())))


def finish(target: Path) -> None:
    """Wait for the parse started for `target`, if any. Its outcome does not matter: the build
    parses whatever the cache does not cover, and reports any error itself."""
    invocation = _running.pop(target, None)
    if invocation is not None:
        invocation.wait()


def cancel(target: Path) -> None:
    """Stop the parse started for `target` (a run that builds no model need not wait ~5 s for
    it) and drop whatever cache it may have half written: the next build parses in full, as a
    first build would."""
    invocation = _running.pop(target, None)
    if invocation is None:
        return
    process = invocation.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except Exception:  # subprocess.TimeoutExpired: it will not stop politely
            process.kill()
            process.wait()
        (target / PARSE_CACHE).unlink(missing_ok=True)
