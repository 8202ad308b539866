"""The decisions of a refresh (dagster_project/planning.py): the snapshot date of a file, the
files a refresh lands, its partitions and dbt window, whether it runs and whether dbt builds."""

import datetime as dt
import os
from pathlib import Path

from dagster_project import planning as P
from dagster_project.config import load_config
from dagster_project.inbox import InboxFile, scan
from dagster_project.landing import land_file

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
TODAY = dt.date(2026, 12, 7)
BOUNDS = P.Bounds(first="2000-01-03", last="2026-12-07")
D = dt.date


# ------------------------------------------------------------------ the snapshot date


def test_name_then_folder_then_contents_then_mtime():
    assert P.snapshot_date("semrush/2026-09-01/x_2026-10-01.csv", D(2026, 8, 1), D(2026, 7, 1), TODAY) == (
        D(2026, 10, 1),
        "name",
    )
    assert P.snapshot_date("semrush/2026-09-01/x.csv", D(2026, 8, 1), D(2026, 7, 1), TODAY) == (D(2026, 9, 1), "folder")
    assert P.snapshot_date("semrush/x.csv", D(2026, 8, 1), D(2026, 7, 1), TODAY) == (D(2026, 8, 1), "contents")
    assert P.snapshot_date("semrush/x.csv", None, D(2026, 7, 1), TODAY) == (D(2026, 7, 1), "mtime")


def test_an_implausible_date_gives_way_to_the_next_source():
    # 2099 in the name: the folder; no folder date: the contents; a 1970 mtime: today
    assert P.snapshot_date("2026-09-01/x-2099-01-01.csv", D(2026, 8, 1), None, TODAY) == (D(2026, 9, 1), "folder")
    assert P.snapshot_date("semrush/x-2099-01-01.csv", D(2026, 10, 1), None, TODAY) == (D(2026, 10, 1), "contents")
    assert P.snapshot_date("1990-01-01/x-2099-01-01.csv", D(2099, 1, 1), D(1970, 1, 1), TODAY) == (TODAY, "ingested")
    # tomorrow is plausible (vendors write UTC), a week ahead is not
    assert P.snapshot_date("x-2026-12-08.csv", None, None, TODAY) == (D(2026, 12, 8), "name")
    assert P.snapshot_date("x-2026-12-14.csv", None, D(2026, 12, 1), TODAY) == (D(2026, 12, 1), "mtime")


def test_folders_count_innermost_first_and_a_name_takes_its_leftmost_date():
    assert P.dates_in_path("2026-08-01/2026-09-01/a-20261001-2026-10-02T07_43_09Z.csv") == [
        (D(2026, 10, 1), "name"),
        (D(2026, 9, 1), "folder"),
        (D(2026, 8, 1), "folder"),
    ]
    assert P.date_from_name("exports/2026-13-45-report.csv") is None  # not a date: no guess


def test_before_parsing_only_the_path_counts():
    assert P.date_before_parsing("semrush/2026-09-01/x.csv", TODAY) == (D(2026, 9, 1), "folder")
    assert P.date_before_parsing("semrush/x-2099-01-01.csv", TODAY) is None  # the contents will tell
    assert P.date_before_parsing("semrush/x.csv", TODAY) is None


def test_landing_dates_a_file_by_the_same_rule(tmp_path):
    # the sample's October Semrush export renamed with a 2099 date, at the top of the inbox
    data = (SAMPLE / "semrush/2026-10-01/knifecraft.co.uk-backlinks.csv").read_bytes()
    path = tmp_path / "semrush" / "knifecraft.co.uk-backlinks-2099-01-01.csv"
    path.parent.mkdir()
    path.write_bytes(data)
    landed = land_file(path, tmp_path, load_config(ROOT / "data/sites.yml"))
    assert (landed.audit["snapshot_date"], landed.audit["snapshot_date_source"]) == (D(2026, 10, 1), "contents")


# ------------------------------------------------------------------ partitions and the dbt window


def test_partition_key_is_the_week_clamped_into_existing_partitions():
    assert P.partition_key_for(D(2026, 1, 11), BOUNDS) == "2026-01-05"
    assert P.partition_key_for(D(1999, 12, 31), BOUNDS) == "2000-01-03"
    assert P.partition_key_for(D(2099, 1, 1), BOUNDS) == "2026-12-07"


def test_dbt_window_is_the_partitions_widened_to_what_landing_wrote():
    assert P.dbt_window("2026-01-05", "2026-01-05", BOUNDS) == {"min_date": "2026-01-05", "max_date": "2026-01-11"}
    # a file dated by its contents landed in October during a run over this week
    assert P.dbt_window("2026-11-30", "2026-11-30", BOUNDS, [D(2026, 10, 1)]) == {
        "min_date": "2026-10-01",
        "max_date": "2026-12-06",
    }
    assert P.dbt_window("2026-01-05", "2026-01-05", BOUNDS, [D(2026, 1, 6), D(2026, 2, 1)]) == {
        "min_date": "2026-01-05",
        "max_date": "2026-02-01",
    }
    assert P.dbt_window("2026-12-07", "2026-12-07", BOUNDS, [D(2026, 10, 1)])["max_date"] == P.OPEN_END


# ------------------------------------------------------------------ the plan


def _file(tmp_path, relative: str, data: bytes) -> InboxFile:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    (found,) = [f for f in scan(tmp_path) if f.relative == relative]
    return found


def test_plan_new_changed_unchanged_and_copies(tmp_path):
    new = _file(tmp_path, "ahrefs/s_2026-01-19.csv", b"new bytes")
    changed = _file(tmp_path, "ahrefs/s_2026-01-12.csv", b"re-exported bytes")
    same = _file(tmp_path, "ahrefs/s_2026-01-05.csv", b"loaded bytes")
    copy = _file(tmp_path, "copy/s_2026-01-05.csv", b"loaded bytes")
    undated = _file(tmp_path, "ahrefs/s-2099-01-01.csv", b"dated by contents")
    twice = _file(tmp_path, "zz/again-2099-01-01.csv", b"dated by contents")  # same drop, same bytes
    state = P.WarehouseState(
        {
            (same.relative, same.sha256): ("loaded", D(2026, 1, 5)),
            # the old version of the changed file was dated by its contents, a week earlier
            (changed.relative, "oldsha"): ("loaded", D(2026, 1, 4)),
        },
        "fp",
    )
    plan = P.plan([new, changed, same, copy, undated, twice], state, TODAY)
    assert [(n.file.relative, n.date, n.replaces) for n in plan.new] == [
        (new.relative, D(2026, 1, 19), ()),
        (changed.relative, D(2026, 1, 12), (D(2026, 1, 4),)),
        (undated.relative, None, ()),
    ]
    assert [(f.relative, holder) for f, holder in plan.duplicates] == [
        (copy.relative, same.relative),
        (twice.relative, undated.relative),
    ]
    assert plan.unchanged == [same]
    # the re-export must also clear the snapshot its old version was in (01-04: a Sunday); the
    # undated file adds no partition before it is landed
    assert P.partition_keys(plan.new, BOUNDS) == ["2025-12-29", "2026-01-12", "2026-01-19"]
    assert P.run_keys(plan.new[2:], BOUNDS) == [BOUNDS.last]


def test_in_run_decides_on_the_path_date_and_defers_to_contents(tmp_path):
    dated = P.NewFile(None, D(2026, 1, 9), "name")
    later = P.NewFile(None, D(2026, 1, 12), "name")
    undated = P.NewFile(None, None, None)
    assert P.in_run(dated, "2026-01-05", "2026-01-05", BOUNDS) is True
    assert P.in_run(later, "2026-01-05", "2026-01-05", BOUNDS) is False
    assert P.in_run(undated, "2026-01-05", "2026-01-05", BOUNDS) is None  # land it first
    assert P.in_run(undated, "2026-01-05", "2026-01-05", BOUNDS, D(2026, 1, 20)) is False
    assert P.in_run(undated, "2026-01-05", "2026-01-05", BOUNDS, D(2026, 1, 7)) is True


def test_scan_hashes_each_unchanged_file_once_per_process(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_bytes(b"one")
    from dagster_project import inbox

    calls, real = [], inbox._hash
    monkeypatch.setattr(inbox, "_hash", lambda path: calls.append(path) or real(path))
    first = scan(tmp_path)
    assert scan(tmp_path) == first and len(calls) == 1
    (tmp_path / "a.csv").write_bytes(b"two, longer")  # changed on disk: hashed again
    os.utime(tmp_path / "a.csv", ns=(1, 2))
    assert scan(tmp_path)[0].sha256 != first[0].sha256 and len(calls) == 2


# ------------------------------------------------------------------ run or not; dbt or not


def _plan(new=0, duplicates=0, unchanged=0) -> P.Plan:
    return P.Plan([P.NewFile(None, None, None)] * new, [(None, "x")] * duplicates, [None] * unchanged)


HOLDS = P.WarehouseState({("a.csv", "sha"): ("loaded", D(2026, 1, 5))}, "fp")
ONLY_REJECTED = P.WarehouseState({("notes.txt", "sha"): ("rejected", None)}, "fp")


def test_decide_runs_for_files_config_changes_and_force_only():
    assert P.decide(_plan(new=1), HOLDS, "fp").run
    assert P.decide(_plan(duplicates=1, unchanged=1), HOLDS, "fp").run  # a copy is recorded
    assert not P.decide(_plan(unchanged=1), HOLDS, "fp").run
    changed = P.decide(_plan(unchanged=1), HOLDS, "new fp")
    assert changed.run and changed.full_rebuild and changed.reason == "sites.yml or the models changed"
    assert P.decide(_plan(unchanged=1), HOLDS, "fp", force=True).full_rebuild


def test_decide_an_empty_inbox_into_a_warehouse_without_data_is_no_exports():
    nothing = P.decide(_plan(), P.WarehouseState(), "fp")
    assert not nothing.run and nothing.no_exports
    # an empty inbox beside a warehouse with data: nothing new (old exports may be deleted)
    kept = P.decide(_plan(), HOLDS, "fp")
    assert not kept.run and not kept.no_exports
    # only rejected files recorded, no data: no rebuild for a config change either
    assert not P.decide(_plan(unchanged=1), ONLY_REJECTED, "other fp").run


def test_landed_changes_compare_the_build_audit_with_the_published_one():
    published = P.WarehouseState(
        {("old.csv", "s1"): ("loaded", D(2026, 1, 4)), ("keep.csv", "s2"): ("loaded", D(2026, 1, 5))}, "fp"
    )
    building = P.WarehouseState(
        {
            ("old.csv", "s1"): ("superseded", D(2026, 1, 4)),
            ("old.csv", "s3"): ("loaded", D(2026, 3, 2)),
            ("keep.csv", "s2"): ("loaded", D(2026, 1, 5)),
            ("notes.txt", "s4"): ("rejected", D(2026, 12, 7)),
            ("copy.csv", "s2"): ("duplicate", None),
        },
        "fp",
    )
    changes = P.landed_changes(published, building)
    assert changes == P.Changes(frozenset({D(2026, 1, 4), D(2026, 3, 2)}), 1, 1, 1, True)
    only_rejected = P.landed_changes(HOLDS, P.WarehouseState({**HOLDS.files, ("n.txt", "x"): ("rejected", None)}, "fp"))
    assert not only_rejected.rows_changed and only_rejected.rejected == 1


def test_dbt_build_only_when_rows_or_config_changed_or_asked():
    rows = P.Changes(frozenset({D(2026, 1, 5)}), 1, 0, 0, True)
    rejected = P.Changes(frozenset(), 0, 0, 1, True)
    assert P.dbt_build(False, "fp", "fp", rows) == P.DbtBuild(True, False, "1 files loaded, 0 superseded")
    skipped = P.dbt_build(False, "fp", "fp", rejected)
    assert not skipped.run and "1 rejected" in skipped.reason
    assert P.dbt_build(False, "old", "fp", rejected).full_refresh  # config changed: everything
    assert P.dbt_build(False, None, "fp", rows).full_refresh  # a first build
    assert P.dbt_build(True, "fp", "fp", rejected).full_refresh
    # a new warehouse that landed nothing loadable: nothing to model
    assert not P.dbt_build(False, None, "fp", P.Changes(rejected=1)).run
