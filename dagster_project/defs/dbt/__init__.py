"""dagster-dbt, imported without dbt-core (runs first: every module here imports dagster-dbt).

dagster-dbt imports dbt-core when it is installed (its adapter and result types, `compat.py`):
~1.3 s of one core before a refresh starts, on its critical path, for types this process never
uses. dbt itself runs in its own process (`dbt parse`, `dbt build`), and DbtCli (project.py)
already skips the two things that would need dbt-core here (`dbt --version`, the adapter).
dagster-dbt supports running without dbt-core (for dbt Fusion) with stand-ins for those types,
so dbt-core's version module is hidden while dagster-dbt is imported, then made importable
again. Nothing changes in what a run does or records (README, Benchmarks). When dbt-core is
already imported in this process, or dagster-dbt is, nothing is done.
"""

import sys

if "dagster_dbt" not in sys.modules and "dbt.version" not in sys.modules:
    sys.modules["dbt.version"] = None  # `from dbt.version import …` raises ImportError
    try:
        import dagster_dbt  # noqa: F401
    finally:
        if sys.modules.get("dbt.version", 0) is None:
            del sys.modules["dbt.version"]
