"""The dbt command line of one run (pure; unit-tested without loading the dbt project)."""

from __future__ import annotations

import json


def dbt_build_args(full_refresh: bool = False, vars: dict | None = None) -> list[str]:
    """The `dbt build` command line for one run.

    dbt unit tests pin the SQL's logic on hand-made inputs: they are code tests, run by pytest
    (tests/integration/test_dbt_project.py), not data checks, so a refresh skips them."""
    args = ["build", "--exclude", "test_type:unit"]
    if vars:
        args += ["--vars", json.dumps(vars, sort_keys=True)]
    if full_refresh:
        args.append("--full-refresh")
    return args


def needs_full_refresh(requested: bool, last_fingerprint: str | None, fingerprint: str) -> bool:
    """Rebuild the incremental models from all raw rows when asked, on a warehouse never built
    (no fingerprint), or when sites.yml changed since the last publish: which rows belong to
    which site is decided per row, for every snapshot ever landed."""
    return requested or last_fingerprint != fingerprint
