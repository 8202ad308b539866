"""The resources every asset shares: where the warehouse, inbox and config are, and dbt."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from dagster_project import instance, settings
from dagster_project.config import Config, load_config
from dagster_project.defs.dbt.project import DbtCli, dbt_executable, dbt_project


class WarehouseResource(dg.ConfigurableResource):
    """Paths of the published warehouse, the inbox and sites.yml (env vars, see settings.py)."""

    warehouse: str
    inbox: str
    config_path: str

    @property
    def paths(self) -> settings.Paths:
        return settings.Paths(Path(self.config_path), Path(self.inbox), Path(self.warehouse))

    def load_config(self) -> Config:
        return load_config(self.config_path)


def warehouse_resource() -> WarehouseResource:
    paths = settings.resolve()
    settings.export(paths)  # dbt's profiles.yml reads BACKLINKS_BUILD_PATH
    # Said when the code location loads (`dagster dev` prints it): which files this UI works on,
    # and where the CLI's runs are recorded (instance.py).
    for line in instance.location_banner(paths, os.environ.get("DAGSTER_HOME"), instance.count_files(paths.inbox)):
        print(line, file=sys.stderr, flush=True)
    return WarehouseResource(warehouse=str(paths.warehouse), inbox=str(paths.inbox), config_path=str(paths.config))


defs = dg.Definitions(
    resources={
        "warehouse": warehouse_resource(),
        "dbt": DbtCli(project_dir=dbt_project(), dbt_executable=dbt_executable()),
    }
)
