"""The snapshot partitions: the weekly definition, which partition a date belongs to, the dbt window
of a key range, and the `dbt build` command line. (What a refresh lands and which partitions it
needs: tests/unit/test_planning.py.)"""

import datetime as dt
import os

import pytest

from dagster_project.defs.automation import partitions as P
from dagster_project.defs.dbt.build_args import dbt_build_args, environment, window_env

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


def test_current_bounds_are_the_first_and_this_weeks_partition():
    bounds = P.current_bounds()
    assert (bounds.first, bounds.last) == (
        P.snapshot_partitions.get_first_partition_key(),
        P.week_start(dt.datetime.now(dt.UTC).date()).isoformat(),
    )


def test_range_tags_span_the_smallest_range_and_refuse_nothing():
    assert P.range_tags(["2026-02-09", "2026-01-05", "2026-01-12"]) == {
        P.RANGE_START_TAG: "2026-01-05",
        P.RANGE_END_TAG: "2026-02-09",
    }
    with pytest.raises(ValueError):
        P.range_tags([])


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
