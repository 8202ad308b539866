"""Where things live: one resolution of paths shared by the CLI, `dagster dev`, schedules and sensors.

Flags (CLI) override environment variables, which override the defaults (README, Configuration).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"

# Where the models run (README, "Running on Spark"): `duckdb`, the warehouse file, by default;
# `spark`: landing writes the Parquet lake (BACKLINKS_LAKE, default `lake/` beside the warehouse)
# and dbt builds with its `spark` target (tables under BACKLINKS_SPARK_DIR, default `spark/`).
ENGINES = ("duckdb", "spark")


def engine() -> str:
    """The engine of this process: BACKLINKS_ENGINE, else `duckdb` (checked by the CLI,
    cli/common.py choose_engine, which sets it from --engine)."""
    return os.environ.get("BACKLINKS_ENGINE") or "duckdb"


DEFAULTS = {
    "BACKLINKS_CONFIG": "data/sites.yml",
    "BACKLINKS_INBOX": "data/inbox",
    "BACKLINKS_WAREHOUSE": "data/warehouse.duckdb",
}


@dataclass(frozen=True)
class Paths:
    config: Path
    inbox: Path
    warehouse: Path

    @property
    def building(self) -> Path:
        return Path(f"{self.warehouse}.building")

    @property
    def logs(self) -> Path:
        """Logs of the last run, next to the warehouse (never committed)."""
        return self.warehouse.parent / "logs"

    @property
    def dbt_target(self) -> Path:
        """dbt's artifacts (run_results.json, manifest, dbt.log) of the warehouse's last run."""
        return (
            self.logs / f"{self.warehouse.stem}-dbt"
            if self.engine == "duckdb"
            else self.logs / f"{self.warehouse.stem}-dbt-spark"
        )

    @property
    def engine(self) -> str:
        """`duckdb` or `spark` (settings.engine)."""
        return engine()

    @property
    def lake(self) -> Path:
        """The Parquet lake a Spark refresh lands into and dbt's spark target reads (lake.py)."""
        return Path(os.environ.get("BACKLINKS_LAKE") or self.warehouse.parent / "lake").expanduser().resolve()

    @property
    def spark_dir(self) -> Path:
        """Where the Spark build keeps its tables (`warehouse/<schema>.db/<table>/`) and catalog."""
        return Path(os.environ.get("BACKLINKS_SPARK_DIR") or self.warehouse.parent / "spark").expanduser().resolve()

    @property
    def lake_views(self) -> Path:
        """A DuckDB file of views (no rows) over the lake and the Spark tables: what the batch
        checks and the summary read on Spark (lake.views_file)."""
        return self.logs / f"{self.warehouse.stem}-lake-views.duckdb"


def resolve(config: str | None = None, inbox: str | None = None, warehouse: str | None = None) -> Paths:
    def pick(flag: str | None, env: str) -> Path:
        value = flag or os.environ.get(env) or DEFAULTS[env]
        return Path(value).expanduser().resolve()

    return Paths(
        config=pick(config, "BACKLINKS_CONFIG"),
        inbox=pick(inbox, "BACKLINKS_INBOX"),
        warehouse=pick(warehouse, "BACKLINKS_WAREHOUSE"),
    )


def export(paths: Paths) -> None:
    """Put the resolved paths in the environment, where the Dagster resources and dbt's
    profiles.yml (BACKLINKS_BUILD_PATH) read them."""
    os.environ["BACKLINKS_CONFIG"] = str(paths.config)
    os.environ["BACKLINKS_INBOX"] = str(paths.inbox)
    os.environ["BACKLINKS_WAREHOUSE"] = str(paths.warehouse)
    os.environ["BACKLINKS_BUILD_PATH"] = str(paths.building)
    if paths.engine == "spark":  # dbt's spark target (profiles.yml) reads these
        os.environ["BACKLINKS_LAKE"] = str(paths.lake)
        os.environ["BACKLINKS_SPARK_DIR"] = str(paths.spark_dir)
