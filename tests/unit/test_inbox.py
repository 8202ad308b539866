"""Which inbox files are new, unchanged, duplicate or changed."""

import datetime as dt

from dagster_project import inbox, planning


def _plan(files, known: set[tuple[str, str]]) -> planning.Plan:
    state = planning.WarehouseState(dict.fromkeys(known, ("loaded", None)))
    return planning.plan(files, state, dt.date(2026, 12, 7))


def test_plan_by_name_and_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.csv").write_bytes(b"one")
    (tmp_path / "two.csv").write_bytes(b"two")
    (tmp_path / "copy-of-one.csv").write_bytes(b"one")
    (tmp_path / ".hidden.csv").write_bytes(b"secret")
    files = inbox.scan(tmp_path)
    assert [f.relative for f in files] == ["a/one.csv", "copy-of-one.csv", "two.csv"]

    first = _plan(files, known=set())
    assert [n.file.relative for n in first.new] == ["a/one.csv", "two.csv"]
    assert [(f.relative, holder) for f, holder in first.duplicates] == [("copy-of-one.csv", "a/one.csv")]

    known = {(n.file.relative, n.file.sha256) for n in first.new}
    again = _plan(files, known)
    assert again.new == [] and len(again.unchanged) == 2

    (tmp_path / "two.csv").write_bytes(b"two, re-exported")
    changed = _plan(inbox.scan(tmp_path), known)
    assert [n.file.relative for n in changed.new] == ["two.csv"]


def test_missing_inbox_is_empty(tmp_path):
    assert inbox.scan(tmp_path / "nope") == []
