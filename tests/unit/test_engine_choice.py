"""`--engine` / BACKLINKS_ENGINE (cli/common.choose_engine): DuckDB by default; Spark without its
dependency group or without Java is one line naming what to install and exit 2, before anything
is written."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from dagster_project import settings
from dagster_project.cli import common

ENV = ("BACKLINKS_LAKE", "BACKLINKS_SPARK_DIR", "BACKLINKS_CONFIG", "BACKLINKS_INBOX", "BACKLINKS_WAREHOUSE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    # set (empty: unset for settings.py) through monkeypatch, so what the code under test writes
    # into os.environ is undone after each test
    for name in ("BACKLINKS_ENGINE", "JAVA_HOME", "BACKLINKS_BUILD_PATH", *ENV):
        monkeypatch.setenv(name, "")


def fails_with(capsys, engine) -> str:
    with pytest.raises(SystemExit) as exit_info:
        common.choose_engine(engine)
    assert exit_info.value.code == common.EXIT_USAGE
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def test_duckdb_is_the_default_and_the_flag_wins_over_the_environment(monkeypatch):
    assert common.choose_engine(None) == "duckdb"
    monkeypatch.setenv("BACKLINKS_ENGINE", "spark")
    assert common.choose_engine("duckdb") == "duckdb"
    assert settings.resolve().engine == "duckdb"  # what the run's steps read


def test_an_unknown_engine_in_the_environment_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.setenv("BACKLINKS_ENGINE", "trino")
    assert "BACKLINKS_ENGINE=trino is not an engine" in fails_with(capsys, None)


def test_spark_without_its_dependency_group_names_the_install(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    assert "uv sync --group spark" in fails_with(capsys, "spark")


def test_spark_without_java_names_the_install(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if "spark" in name else real(name, *a))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "openjdk-17-jre-headless" in fails_with(capsys, "spark")


def test_spark_puts_the_lake_and_spark_folder_where_dbt_reads_them(monkeypatch, tmp_path):
    monkeypatch.setenv("BACKLINKS_ENGINE", "spark")
    paths = settings.resolve(warehouse=str(tmp_path / "w.duckdb"))
    settings.export(paths)
    import os

    assert (os.environ["BACKLINKS_LAKE"], os.environ["BACKLINKS_SPARK_DIR"]) == (
        str(tmp_path / "lake"),
        str(tmp_path / "spark"),
    )
    assert paths.dbt_target.name == "w-dbt-spark"


def test_backfill_refuses_the_spark_engine_in_one_line(monkeypatch):
    from click.testing import CliRunner

    from dagster_project.cli.backfill import command

    monkeypatch.setenv("BACKLINKS_ENGINE", "spark")
    result = CliRunner().invoke(command, ["--from", "2026-09-01", "--to", "2026-09-30"])
    assert result.exit_code == common.EXIT_USAGE
    assert "backfill runs on DuckDB only" in result.output and "Traceback" not in result.output
