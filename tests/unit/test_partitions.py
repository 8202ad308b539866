"""Pure helpers of the snapshot partitions: which partition a file belongs to, which partitions new
files need, the dbt window of a key range, and the `dbt build` command line."""

import datetime as dt
import os

import pytest

from pathlib import Path

from dagster_project.config import load_config
from dagster_project.defs.automation import partitions as P
from dagster_project.defs.dbt.build_args import dbt_build_args, environment, needs_full_refresh, window_env
from dagster_project.inbox import InboxFile
from dagster_project.landing import LandedFile, land_file

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

BOUNDS = P.Bounds(first="2000-01-03", last="2026-11-23")


def test_the_partitions_are_weeks_starting_on_monday():
    keys = P.snapshot_partitions.get_partition_keys()
    assert keys[0] == P.PARTITIONS_START  # a Monday: the week of the earliest snapshot (test_partitions_start.py)
    assert all(dt.date.fromisoformat(k).weekday() == 0 for k in (keys[0], keys[1], keys[-1]))
    assert dt.date.fromisoformat(keys[1]) - dt.date.fromisoformat(keys[0]) == dt.timedelta(weeks=1)
    # this week's partition already exists (an export of this morning is loadable now)
    assert keys[-1] == P.week_start(dt.datetime.now(dt.UTC).date()).isoformat()


def test_partition_key_is_the_snapshot_week_clamped_into_existing_partitions():
    assert P.partition_key_for(dt.date(2026, 1, 5), BOUNDS) == "2026-01-05"  # a Monday: its own week
    assert P.partition_key_for(dt.date(2026, 1, 11), BOUNDS) == "2026-01-05"  # the Sunday after
    assert P.partition_key_for(dt.date(2026, 1, 12), BOUNDS) == "2026-01-12"
    # older than the first partition / later than this week: the edge partitions hold them
    assert P.partition_key_for(dt.date(1999, 12, 31), BOUNDS) == "2000-01-03"
    assert P.partition_key_for(dt.date(2027, 1, 1), BOUNDS) == "2026-11-23"


def test_window_vars_cover_exactly_the_weeks_and_open_the_edges():
    assert P.window_vars("2026-01-05", "2026-01-05", BOUNDS) == {"min_date": "2026-01-05", "max_date": "2026-01-11"}
    assert P.window_vars("2026-01-05", "2026-02-09", BOUNDS) == {"min_date": "2026-01-05", "max_date": "2026-02-15"}
    # the edge partitions also hold the clamped dates, so their side of the window is open
    assert P.window_vars("2000-01-03", "2026-11-23", BOUNDS) == {"min_date": P.OPEN_START, "max_date": P.OPEN_END}
    assert P.window_vars("2000-01-03", "2000-01-10", BOUNDS) == {"min_date": P.OPEN_START, "max_date": "2000-01-16"}


def test_range_tags_span_the_smallest_range_and_refuse_nothing():
    assert P.range_tags(["2026-02-09", "2026-01-05", "2026-01-12"]) == {
        P.RANGE_START_TAG: "2026-01-05",
        P.RANGE_END_TAG: "2026-02-09",
    }
    with pytest.raises(ValueError):
        P.range_tags([])


def _file(tmp_path, relative: str, data: bytes, mtime: dt.datetime | None = None) -> InboxFile:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return InboxFile(path, relative, P.inbox_mod._hash(path), len(data))


def test_snapshot_date_name_first_then_contents_then_mtime(tmp_path):
    named = _file(tmp_path, "ahrefs/x-backlinks_2026-01-12_08-00-00.csv", b"whatever", dt.datetime(2025, 3, 3, 12))
    assert P.snapshot_date_of(named.path, named.relative) == dt.date(2026, 1, 12)
    # an Ahrefs export renamed without its date: dated by its contents, as landing dates it
    data = (SAMPLE / "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_10-03-17.csv").read_bytes()
    undated = _file(tmp_path, "ahrefs/knifecraft-backlinks.csv", data, dt.datetime(2025, 3, 3, 12))
    landed = land_file(undated.path, tmp_path, load_config(ROOT / "data/sites.yml"))
    assert landed.audit["snapshot_date_source"] == "contents"
    assert P.snapshot_date_of(undated.path, undated.relative) == landed.audit["snapshot_date"] != dt.date(2025, 3, 3)
    unknown = _file(tmp_path, "notes.txt", b"not an export", dt.datetime(2025, 3, 3, 12))
    assert P.snapshot_date_of(unknown.path, unknown.relative) == dt.date(2025, 3, 3)


def test_window_selector_decides_on_the_name_and_defers_to_contents(tmp_path):
    select = P.window_selector("2026-01-05", "2026-01-05", BOUNDS)  # the week of 01-05 .. 01-11
    inside = _file(tmp_path, "a/site_2026-01-09.csv", b"x")
    outside = _file(tmp_path, "a/site_2026-01-12.csv", b"y")
    undated = _file(tmp_path, "a/site.csv", b"z", dt.datetime(2026, 1, 7, 9))
    assert select(inside, None) is True
    assert select(outside, None) is False
    assert select(undated, None) is None  # only its contents can tell: land it first
    landed = LandedFile(audit={"snapshot_date": dt.date(2026, 1, 20)})
    assert select(undated, landed) is False
    rejected = LandedFile(audit={"snapshot_date": None})  # unparseable: dated by its mtime
    assert select(undated, rejected) is True


def test_pending_files_and_their_partitions(tmp_path):
    new = _file(tmp_path, "ahrefs/s_2026-01-19.csv", b"new bytes")
    changed = _file(tmp_path, "ahrefs/s_2026-01-12.csv", b"re-exported bytes")
    same = _file(tmp_path, "ahrefs/s_2026-01-05.csv", b"loaded bytes")
    copy = _file(tmp_path, "copy/s_2026-01-05.csv", b"loaded bytes")
    loaded = P.LoadedFiles(
        pairs=frozenset({(same.relative, same.sha256), (changed.relative, "oldsha")}),
        # the old version of the changed file was dated by its contents, a week earlier
        dates={same.relative: (dt.date(2026, 1, 5),), changed.relative: (dt.date(2026, 1, 4),)},
    )
    pending = P.pending_files([new, changed, same, copy], loaded)
    assert [p.file.relative for p in pending] == [new.relative, changed.relative]
    assert pending[1].replaces == (dt.date(2026, 1, 4),)
    # the re-export must also clear the snapshot its old version was in (01-04: a Sunday)
    assert P.partition_keys(pending, BOUNDS) == ["2025-12-29", "2026-01-12", "2026-01-19"]


def test_loaded_files_of_a_missing_warehouse_is_empty(tmp_path):
    assert P.loaded_files(tmp_path / "nope.duckdb") == P.LoadedFiles(frozenset(), {})


def test_dbt_build_args_never_carry_the_window():
    # the window travels as environment: a `--vars` value would re-parse the dbt project every run
    assert dbt_build_args(False) == ["build", "--exclude", "test_type:unit"]
    assert dbt_build_args(True) == ["build", "--exclude", "test_type:unit", "--full-refresh"]


def test_window_env_names_both_ends_and_environment_restores_what_was_there(monkeypatch):
    env = window_env({"min_date": "2026-01-05", "max_date": "2026-01-11"})
    assert env == {"BACKLINKS_DBT_MIN_DATE": "2026-01-05", "BACKLINKS_DBT_MAX_DATE": "2026-01-11"}
    monkeypatch.setenv("BACKLINKS_DBT_MIN_DATE", "1999-01-01")
    monkeypatch.delenv("BACKLINKS_DBT_MAX_DATE", raising=False)
    with environment(env):
        assert os.environ["BACKLINKS_DBT_MIN_DATE"] == "2026-01-05"
        assert os.environ["BACKLINKS_DBT_MAX_DATE"] == "2026-01-11"
    assert os.environ["BACKLINKS_DBT_MIN_DATE"] == "1999-01-01"
    assert "BACKLINKS_DBT_MAX_DATE" not in os.environ


def test_full_refresh_when_asked_never_built_or_config_or_models_changed():
    assert needs_full_refresh(False, "abc", "abc") is False
    assert needs_full_refresh(True, "abc", "abc") is True
    assert needs_full_refresh(False, None, "abc") is True  # a warehouse never published
    assert needs_full_refresh(False, "old", "abc") is True  # sites.yml or the model code changed
