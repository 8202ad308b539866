"""Broken pages to reclaim, end to end: real-format Ahrefs exports in a fresh inbox, one refresh
through the CLI.

- Ahrefs backlinks (UTF-16 "for Excel" TSV) of 2026-10-01: links to three pages that will turn out
  broken and to five live pages.
- Ahrefs broken backlinks (the same format plus `Target page HTTP code`, `Target checked`, `Ref.
  page checked`) of the same day: the live links to the broken pages - /products/santoku-180 (404),
  /chef-knife-210 (503), /gifts/knife-sets (410) - one of them a link only this export lists, and
  a row whose status cell is no HTTP code.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.samplegen.writers import AHREFS_BROKEN_HEADER, AHREFS_HEADER
from tests.conftest import refresh, run_cli

pytestmark = pytest.mark.e2e

SITE = "https://www.knifecraft.co.uk"
# source page -> (target path, DR, nofollow)
LINKS = {
    "https://alpha.org/review": ("/products/santoku-180", 80, False),
    "https://beta.net/a": ("/products/santoku-180", 40, True),
    "https://beta.net/b": ("/products/santoku-180", 40, True),
    "https://gamma.com/gifts": ("/gifts/knife-sets", 20, False),
    "https://delta.io/chef": ("/chef-knife-210", 10, False),
    # the site's live pages
    "https://eps.org/1": ("/products/gyuto-210", 30, False),
    "https://eps.org/2": ("/products/", 30, False),
    "https://eps.org/3": ("/chef-knife-240", 30, False),
    "https://eps.org/4": ("/", 30, False),
    "https://eps.org/5": ("/collections/chef-knives", 30, False),
}
BROKEN = {"/products/santoku-180": "404", "/chef-knife-210": "503", "/gifts/knife-sets": "410"}
ONLY_BROKEN = "https://zeta.org/old-list"  # a link to the santoku page only the broken export lists
BAD_CODE = "https://eta.org/x"  # its status cell reads `4O4`
FILES = {
    "broken": "ahrefs/knifecraft.co.uk-broken-backlinks-subdomains_2026-10-01_10-25-40.csv",
    "full": "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_10-03-17.csv",
}


def _tsv_utf16(header, rows: list[dict]) -> bytes:
    def line(values):
        return "\t".join('"' + v.replace('"', '""') + '"' for v in values) + "\r\n"

    return ("\ufeff" + line(header) + "".join(line([r.get(h, "") for h in header]) for r in rows)).encode("utf-16-le")


def _row(source: str, path: str, dr: int, nofollow: bool, **extra: str) -> dict:
    return {
        "Referring page URL": source,
        "Target URL": SITE + path,
        "Anchor": "knives",
        "Domain rating": str(dr),
        "Nofollow": "true" if nofollow else "false",
        "UGC": "false",
        "Sponsored": "false",
        "Type": "href",
        "First seen": "2026-03-01 10:00:00",
        "Last seen": "2026-09-30 06:00:00",
        **extra,
    }


def _broken() -> bytes:
    checked = {"Target checked": "2026-09-30 19:00:00", "Ref. page checked": "2026-09-30 06:00:00"}
    rows = [
        _row(src, path, dr, nf, **{"Target page HTTP code": BROKEN[path]}, **checked)
        for src, (path, dr, nf) in LINKS.items()
        if path in BROKEN
    ]
    rows.append(_row(ONLY_BROKEN, "/products/santoku-180", 55, False, **{"Target page HTTP code": "404"}, **checked))
    rows.append(_row(BAD_CODE, "/products/santoku-180", 35, False, **{"Target page HTTP code": "4O4"}, **checked))
    return _tsv_utf16(AHREFS_BROKEN_HEADER, rows)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("reclamation")
    inbox = base / "inbox"
    files = {
        FILES["full"]: _tsv_utf16(AHREFS_HEADER, [_row(s, *v) for s, v in LINKS.items()]),
        FILES["broken"]: _broken(),
    }
    for name, data in files.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
    result = refresh(inbox, base / "warehouse.duckdb")
    assert result.exit_code == 0, result.stdout + result.stderr  # a quarantined row is a warning
    return result


def test_the_broken_backlinks_file_lands_as_backlinks_and_its_bad_row_is_quarantined(run):
    audit = run.query(
        "select detected_format, kind, status, rows_read, rows_loaded, rows_quarantined from audit.ingest_files"
        " where file_name = ?",
        [FILES["broken"]],
    )
    assert audit == [("ahrefs_broken_backlinks", "backlinks", "loaded", 7, 6, 1)]
    assert run.query("select row_number, reason from audit.quarantine") == [
        (7, "target_http_code '4O4' is not an HTTP status code (100-599)")
    ]
    codes = run.query(
        "select distinct regexp_replace(target_url, '^https://[^/]+', ''), target_http_code from raw.backlinks"
        " where export_type = 'ahrefs_broken_backlinks' order by 1"
    )
    assert codes == sorted((path, int(code)) for path, code in BROKEN.items())


def test_its_rows_are_links_and_prove_no_loss(run):
    live = run.query("select source_url, is_lost from marts.fct_backlinks order by 1")
    assert dict(live) == dict.fromkeys([*LINKS, ONLY_BROKEN], False)
    # the full export lists every link the broken one does: the full export speaks for them
    assert run.query("select count(*) from marts.lost_links") == [(0,)]
    assert run.query("select export_type, snapshot_links from intermediate.int_backlinks__snapshots order by 1") == [
        ("ahrefs_backlinks", len(LINKS)),
        ("ahrefs_broken_backlinks", 1),  # the link only it lists
    ]


def test_reclamation_targets_status_counts_priority_and_redirects(run):
    rows = run.query(
        "select target_url, http_code, referring_domains, links, suggested_redirect, reclaim_rank, checked_at"
        " from marts.reclamation_targets order by reclaim_rank"
    )
    assert rows == [
        (SITE + "/products/santoku-180", 404, 3, 4, SITE + "/products/gyuto-210", 1, dt.date(2026, 9, 30)),
        # one followed domain each: the stronger one (DR 20 against DR 10) first
        (SITE + "/gifts/knife-sets", 410, 1, 1, None, 2, dt.date(2026, 9, 30)),
        (SITE + "/chef-knife-210", 503, 1, 1, SITE + "/chef-knife-240", 3, dt.date(2026, 9, 30)),
    ]
    # priority = sum over referring domains of (1 + authority / 50) x (1 followed, 0.5 not)
    expected = run.query(
        """
        select any_value(r.target_url),
               round(sum((1 + coalesce(d.authority, 0) / 50) * case when f.followed then 1 else 0.5 end), 2),
               max(d.authority)
        from marts.reclamation_targets r
        join (select site_domain, target_url, source_domain, bool_or(coalesce(rel, 'follow') = 'follow') as followed
              from marts.fct_backlinks where not is_lost group by all) f using (site_domain, target_url)
        join marts.dim_referring_domains d using (site_domain, source_domain)
        group by r.target_url order by 1
        """
    )
    actual = run.query("select target_url, priority, best_authority from marts.reclamation_targets order by 1")
    assert actual == expected
    priorities = [p for (p,) in run.query("select priority from marts.reclamation_targets order by reclaim_rank")]
    assert priorities == sorted(priorities, reverse=True)


def test_the_summary_has_a_line_for_them_and_verbose_lists_each(run):
    out = " ".join(run.stdout.split())
    assert "pages to reclaim │ knifecraft.co.uk │ 3 pages answer 4xx/5xx with 6 live links: 301 them" in out
    verbose = run_cli("summary", "--verbose", "--warehouse", str(run.warehouse), "--config", str(run.config))
    assert verbose.returncode == 0, verbose.stderr
    lines = verbose.stdout.splitlines()
    at = lines.index("Pages to reclaim")
    rows = [[cell.strip() for cell in line.split("│")] for line in lines[at + 3 : at + 6]]
    assert [(r[0], r[1], r[6], r[7]) for r in rows] == [
        ("1", "404", "/products/santoku-180", "/products/gyuto-210"),
        ("2", "410", "/gifts/knife-sets", "-"),
        ("3", "503", "/chef-knife-210", "/chef-knife-240"),
    ]
