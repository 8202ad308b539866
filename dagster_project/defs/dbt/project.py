"""The dbt project handle, its manifest, and the translator that names dbt nodes as assets."""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from packaging import version

from dagster_project import dbt_server, settings


def _manifest_is_stale(project: DbtProject) -> bool:
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [settings.DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in ("models", "macros", "tests", "seeds"):
        sources.extend((settings.DBT_PROJECT_DIR / folder).rglob("*"))
    return any(path.stat().st_mtime > built for path in sources if path.is_file())


def dbt_executable() -> str:
    """dagster-dbt does not install dbt: use the one next to this interpreter (the project venv),
    which is there whether or not the venv's bin folder is on PATH (`uv run` puts it there)."""
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


class DbtCli(DbtCliResource):
    """dagster-dbt's resource without two start-up costs this project never uses (~6-8 s a run).

    In every run the stock resource runs `dbt --version` in a subprocess (a dbt start-up, ~5 s
    here) and, before each invocation, builds a dbt adapter in this process (importing dbt-core, ~3 s)
    for the optional column and row-count metadata, which no asset here fetches. The version is
    that of the dbt-core installed next to the executable (the project venv's); the adapter stays
    None, which dagster-dbt supports (the Fusion engine has none)."""

    @property
    def _cli_version(self) -> version.Version:  # overrides a cached_property of DbtCliResource
        executable = Path(self.dbt_executable)
        # the project venv's dbt, or the shim of the dbt process started ahead (dbt_server.py)
        if executable.parent == Path(sys.executable).parent or executable.name == dbt_server.SHIM_NAME:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)
    # `prepare_if_dev` only runs under `dagster dev`; the CLI and tests need the manifest too,
    # and a manifest older than the SQL it describes would build the wrong graph. (The preparer
    # would look for dbt on PATH only, so parse with the project's dbt.)
    if _manifest_is_stale(project):
        DbtCli(project_dir=project, dbt_executable=dbt_executable()).cli(
            ["parse", "--quiet"], target_path=project.target_path
        ).wait()
    return project


class WarehouseTranslator(DagsterDbtTranslator):
    """Models are [schema, name] (marts/fct_backlinks); sources are [source, table] (raw/backlinks),
    which are exactly the keys the ingest assets produce, so the graph connects."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("schema")


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
