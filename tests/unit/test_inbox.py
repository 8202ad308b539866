"""Which inbox files are new, unchanged, duplicate or changed."""

from dagster_project import inbox


def test_plan_by_name_and_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.csv").write_bytes(b"one")
    (tmp_path / "two.csv").write_bytes(b"two")
    (tmp_path / "copy-of-one.csv").write_bytes(b"one")
    (tmp_path / ".hidden.csv").write_bytes(b"secret")
    files = inbox.scan(tmp_path)
    assert [f.relative for f in files] == ["a/one.csv", "copy-of-one.csv", "two.csv"]

    first = inbox.plan(files, known=set())
    assert [f.relative for f in first.new] == ["a/one.csv", "two.csv"]
    assert [(f.relative, holder) for f, holder in first.duplicates] == [("copy-of-one.csv", "a/one.csv")]

    known = {(f.relative, f.sha256) for f in first.new}
    again = inbox.plan(files, known)
    assert again.new == [] and len(again.unchanged) == 2

    (tmp_path / "two.csv").write_bytes(b"two, re-exported")
    changed = inbox.plan(inbox.scan(tmp_path), known)
    assert [f.relative for f in changed.new] == ["two.csv"]


def test_missing_inbox_is_empty(tmp_path):
    assert inbox.scan(tmp_path / "nope") == []
