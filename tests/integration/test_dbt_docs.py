"""`backlinks docs`: the dbt docs site of the published warehouse (read-only), with the project
overview and the exposures of the report, the export, the refresh summary and the disavow file."""

from __future__ import annotations

import json
import os
import re

import pytest

from dagster_project import export
from tests.browser import chromium_path, open_page
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def site(sample_refresh, tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "site"
    before = (sample_refresh.warehouse.stat().st_mtime_ns, sample_refresh.warehouse.stat().st_size)
    proc = run_cli(
        "docs", "--warehouse", str(sample_refresh.warehouse), "--config", str(sample_refresh.config), "--out", str(out)
    )
    after = (sample_refresh.warehouse.stat().st_mtime_ns, sample_refresh.warehouse.stat().st_size)
    return proc, out, before, after


def test_docs_site_is_generated_read_only_from_the_published_warehouse(site, sample_refresh):
    proc, out, before, after = site
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert before == after  # the published file was not written
    assert not sample_refresh.warehouse.with_name(sample_refresh.warehouse.name + ".wal").exists()
    for name in ("index.html", "static_index.html", "manifest.json", "catalog.json"):
        assert (out / name).is_file(), name
    assert str(out / "static_index.html") in proc.stdout
    assert "http.server" in proc.stdout


def test_the_catalog_holds_every_marts_columns_as_the_warehouse_has_them(site, sample_refresh):
    _, out, _, _ = site
    catalog = json.loads((out / "catalog.json").read_text())
    rows = sample_refresh.query(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts' order by table_name, ordinal_position"
    )
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    assert "competitor_gaps" in columns
    for table, names in columns.items():
        node = catalog["nodes"][f"model.backlink_warehouse.{table}"]
        assert node["metadata"]["schema"] == "marts"
        assert list(node["columns"]) == names, table


def test_the_site_has_the_overview_and_the_exposures(site):
    _, out, _, _ = site
    manifest = json.loads((out / "manifest.json").read_text())
    overview = manifest["docs"]["doc.backlink_warehouse.__overview__"]["block_contents"]
    assert "# Backlink Warehouse" in overview and "competitor_gaps" in overview
    assert "Who reads what" in (out / "static_index.html").read_text()  # the one-file site carries it
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"html_report", "mart_export", "refresh_summary", "disavow_file", "change_digest"}


def test_the_one_file_site_opens_from_a_file_offline(site):
    # static_index.html carries manifest and catalog, so a browser shows it from file:// (the plain
    # index.html would fetch them, which browsers refuse from a file)
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required under CI")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    _, out, _, _ = site
    shown = "document.body.innerText.includes('Who reads what')"
    page = open_page((out / "static_index.html").as_uri(), shown, [shown, "location.hash"])
    assert page.values[shown] is True  # the project overview, rendered
    assert page.values["location.hash"].startswith("#!/overview")
    assert page.exceptions == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests  # nothing fetched


def _marts_read_by(path) -> set[str]:
    return set(re.findall(r"\bmarts\.(\w+)", (ROOT / path).read_text()))


def _depends_on(exposure) -> set[str]:
    return {node.rsplit(".", 1)[1] for node in exposure["depends_on"]["nodes"] if node.startswith("model.")}


def test_the_exposures_depend_on_exactly_the_marts_the_code_reads(site):
    # the exposures are documentation of code: when the report, export or summary reads another
    # mart, this fails until exposures.yml says so
    _, out, _, _ = site
    manifest = json.loads((out / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert _depends_on(exposures["html_report"]) == _marts_read_by("dagster_project/report/data.py")
    assert _depends_on(exposures["mart_export"]) == set(export.CONTRACT_MARTS) & models
    assert _depends_on(exposures["refresh_summary"]) == _marts_read_by("dagster_project/summary.py")
    assert _depends_on(exposures["disavow_file"]) == _marts_read_by("dagster_project/disavow.py")
    assert _depends_on(exposures["change_digest"]) == _marts_read_by("dagster_project/changes.py")


def test_docs_without_a_warehouse_is_one_line_and_exit_2(tmp_path):
    proc = run_cli("docs", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "site"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: no warehouse at {tmp_path / 'none.duckdb'}: run `backlinks refresh` first"
    assert not (tmp_path / "site").exists()
