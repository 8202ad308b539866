"""Shared fixtures. End-to-end refreshes are expensive (Dagster + dbt start-up), so each distinct
refresh runs once per session and many tests assert on its result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = ROOT / "data" / "sample"
SAMPLE_CONFIG = ROOT / "data" / "sites.yml"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")
# Tests that load the definitions in this process share one partitions definition across many
# temporary warehouses, so it starts where any of their snapshots may fall; a user's start comes
# from the warehouse and inbox (partitions_start.py), and so does the CLI's in `run_cli`.
os.environ.setdefault("BACKLINKS_PARTITIONS_START", "2000-01-03")


@dataclass
class CliRun:
    exit_code: int
    stdout: str
    stderr: str
    warehouse: Path
    inbox: Path
    config: Path

    def query(self, sql: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def run_cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `backlinks …` as a user would: a separate process, its own exit code and output."""
    full_env = {**os.environ, "BACKLINKS_CONFIG": "", "BACKLINKS_INBOX": "", "BACKLINKS_WAREHOUSE": "", **(env or {})}
    full_env.pop("DAGSTER_HOME", None)
    full_env.pop("BACKLINKS_PARTITIONS_START", None)  # as a user runs it: computed from the data
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def refresh(inbox: Path, warehouse: Path, config: Path = SAMPLE_CONFIG, *extra: str) -> CliRun:
    proc = run_cli("refresh", "--inbox", str(inbox), "--warehouse", str(warehouse), "--config", str(config), *extra)
    return CliRun(proc.returncode, proc.stdout, proc.stderr, warehouse, inbox, config)


@pytest.fixture(scope="session")
def sample_refresh(tmp_path_factory) -> CliRun:
    """The bundled sample inbox refreshed into a fresh warehouse, once per session."""
    base = tmp_path_factory.mktemp("sample")
    inbox = base / "inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    run = refresh(inbox, base / "warehouse.duckdb")
    assert run.exit_code in (0, 1), f"refresh crashed:\n{run.stdout}\n{run.stderr}"
    return run


# --- running in parallel (pytest-xdist; `--numprocesses` in pyproject's addopts) ------------------
# A dbt build keeps about one core busy (dbt's threads share the GIL), so two workers on two cores
# nearly halve the suite. Expensive fixtures must not be built twice: each integration module runs
# whole on one worker, and the modules using the session-wide sample refresh share one worker (so
# it runs once). xdist's own `loadgroup` marks do nothing under pytest 9.2 (pytest-xdist#1386), so
# the grouping is a scheduler (the pytest_xdist_make_scheduler hook) over node ids.

SAMPLE_REFRESH_MODULES = frozenset(
    f"tests/integration/{name}.py"
    for name in (
        "test_analytics_marts",
        "test_atomic_refresh",
        "test_bi_clients",
        "test_bi_recipes",
        "test_bi_tools",
        "test_dagster_instance",
        "test_dbt_docs",
        "test_crash_safety",
        "test_export_report",
        "test_link_changes",
        "test_refresh_e2e",
        "test_refresh_lock",
        "test_refresh_planning",
        "test_summary_output",
    )
)


def pytest_configure(config: pytest.Config) -> None:
    # Before any worker starts: parse the dbt project once (a clean clone has no manifest, and
    # every worker and CLI process would otherwise parse it into dbt/target at the same time).
    if not hasattr(config, "workerinput"):
        from dagster_project.defs.dbt.project import dbt_project

        dbt_project()


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByExpensiveFixture(LoadScopeScheduling):
        """Scopes: the sample-refresh modules together, each other integration module whole, and
        every unit test alone (they are cheap and balance the load at the end). Scopes are handed
        out in collection order, longest first (pytest_collection_modifyitems), not by xdist's
        count of tests per scope, which started the Spark module, 6 tests and the longest, last."""

        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module in SAMPLE_REFRESH_MODULES:
                return "sample_refresh"
            return module if module.startswith("tests/integration/") else nodeid

    return ByExpensiveFixture(config, log)


def _cost_rank(nodeid: str) -> int:
    """Longest scopes first: the Spark builds, then the sample refresh's modules, then the other
    integration modules; the unit tests fill the tail."""
    module = nodeid.split("::", 1)[0]
    if module == "tests/integration/test_spark.py":
        return 0
    if module in SAMPLE_REFRESH_MODULES:
        return 1
    return 2 if module.startswith("tests/integration/") else 3


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: _cost_rank(item.nodeid))  # stable: a module keeps its own order
    # the scheduler's list must name every module that uses the sample refresh
    missing = {
        item.nodeid.split("::", 1)[0] for item in items if "sample_refresh" in getattr(item, "fixturenames", ())
    } - SAMPLE_REFRESH_MODULES
    if missing:
        raise pytest.UsageError(f"add {sorted(missing)} to SAMPLE_REFRESH_MODULES in tests/conftest.py")
