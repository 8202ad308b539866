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
