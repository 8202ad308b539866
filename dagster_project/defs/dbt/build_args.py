"""The dbt command line and environment of one run (pure; unit-tested without loading the dbt project)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping

# dbt/macros/incremental/snapshot_window.sql reads the window from these
WINDOW_ENV = {"min_date": "BACKLINKS_DBT_MIN_DATE", "max_date": "BACKLINKS_DBT_MAX_DATE"}


def dbt_build_args(full_refresh: bool = False, engine: str = "duckdb") -> list[str]:
    """The `dbt build` command line for one run.

    dbt unit tests pin the SQL's logic on hand-made inputs: they are code tests, run by pytest
    (tests/integration/test_dbt_project.py), not data checks, so a refresh skips them. The
    snapshot window is not a `--vars` argument but environment (window_env): a new vars value
    makes dbt re-parse the whole project, every run. On Spark: profiles.yml's `spark` target."""
    args = ["build", "--exclude", "test_type:unit"]
    if engine == "spark":
        args += ["--target", "spark"]
    if full_refresh:
        args.append("--full-refresh")
    return args


def window_env(window: Mapping[str, str]) -> dict[str, str]:
    """The environment that tells dbt which snapshot dates to rebuild ({"min_date", "max_date"})."""
    return {WINDOW_ENV[name]: window[name] for name in WINDOW_ENV}


@contextlib.contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in os.environ for the duration (dagster-dbt starts dbt with a copy of it)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
