"""Link monitoring end to end: real-format exports in a fresh inbox, one refresh through the CLI.

- Ahrefs (UTF-16 "for Excel" TSV, as Ahrefs writes it) on 2026-09-01 and 2026-10-01: on 10-01
  eight links carry a `Lost status` / `Drop reason` - one per documented reason, spelt as real
  exports spell them - and one link is gone from the export (absent, no reason given).
- Semrush Backlink Analytics on 2026-10-15 still sees one of the links Ahrefs flagged (a false
  loss) and flags another lost without a reason.
- The team's ledger (`Live link`, `Landing page`, `Anchor text`, `Date placed`, `Campaign`,
  `Cost`, `Notes`) lists links that are live, nofollow now (followed on 09-01, nofollow on 10-01),
  on another page, lost, the false loss, one nobody has seen, and a row without its landing page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from dagster_project.samplegen.writers import AHREFS_HEADER, SEMRUSH_HEADER
from tests.conftest import refresh

pytestmark = pytest.mark.e2e

SITE = "https://www.knifecraft.co.uk"
# source page -> (target path, DR, nofollow, 10-01 Lost status, 10-01 Drop reason, expected lost_reason)
AHREFS = {
    "https://www.alpha-news.com/story": ("/", 80, False, "Link removed", "removed from HTML", "link_removed"),
    "https://beta-blog.net/post": ("/chef-knives", 60, False, "pagenotfound", "404 not found", "page_not_found"),
    "https://gamma.org/page": ("/", 50, True, "301 redirect", "", "page_redirected"),
    "https://delta.io/review": ("/", 40, False, "NOINDEX", "", "page_noindex"),
    "https://epsilon.com/a": ("/", 30, False, "notcanonical", "Not canonical", "page_not_canonical"),
    "https://zeta.com/b": ("/", 20, False, "Crawl error", "", "crawl_error"),
    "https://eta.com/c": ("/", 10, False, "Dropped", "", "dropped_by_vendor"),
    "https://nu.com/i": ("/", 55, False, "Broken redirect", "", "broken_redirect"),
    "https://theta.com/d": ("/", 70, False, "Link removed", "", None),  # Semrush sees it on 10-15
    "https://iota.com/e": ("/", 35, False, None, None, "absent_from_snapshot"),  # not in the 10-01 export
    "https://kappa.com/f": ("/chef-knives", 45, False, "", "", None),
    "https://lambda.com/g": ("/santoku", 25, True, "", "", None),
    "https://mu.com/h": ("/gifts", 15, False, "", "", None),
}
LATE_NOFOLLOW = "https://lambda.com/g"  # followed in the 09-01 export, nofollow in the 10-01 one
LEDGER = [
    ["Live link ", " Landing page", "Anchor text", "Date placed", "Campaign", "Cost", "Notes"],
    [
        "https://kappa.com/f",
        "https://knifecraft.co.uk/chef-knives",
        "chef knives",
        "20/08/2026",
        "Q3 outreach",
        "£1,200.00",
        "guest post",
    ],
    ["https://lambda.com/g", "https://knifecraft.co.uk/santoku", "santoku", "2026-08-01", "Q3 outreach", "$150", ""],
    [
        "http://www.mu.com/h?utm_source=newsletter",
        "knifecraft.co.uk/whetstones",
        "whetstones",
        "Aug 5, 2026",
        "",
        "",
        "",
    ],
    ["https://alpha-news.com/story", "https://www.knifecraft.co.uk/", "KnifeCraft", "2026-05-01", "PR", "300", ""],
    ["https://theta.com/d", "https://knifecraft.co.uk/", "knife shop", "2026-05-01", "PR", "", ""],
    [
        "https://omicron.com/new-post",
        "https://knifecraft.co.uk/",
        "knives",
        "2026-09-28",
        "Q3 outreach",
        "80",
        "promised",
    ],
    ["https://pi.com/forgotten", "", "knives", "2026-09-01", "", "", "landing page missing"],
]


def _tsv_utf16(rows: list[dict]) -> bytes:
    def line(values):
        return "\t".join('"' + v.replace('"', '""') + '"' for v in values) + "\r\n"

    text = "\ufeff" + line(AHREFS_HEADER) + "".join(line([r.get(h, "") for h in AHREFS_HEADER]) for r in rows)
    return text.encode("utf-16-le")


def _ahrefs(snapshot: str) -> bytes:
    rows = []
    for source, (path, dr, nofollow, status, reason, _) in AHREFS.items():
        if snapshot == "2026-10-01" and status is None:
            continue  # gone from the later export: lost by absence
        lost = snapshot == "2026-10-01" and bool(status)
        rows.append(
            {
                "Referring page URL": source,
                "Target URL": SITE + path,
                "Anchor": "knives",
                "Domain rating": str(dr),
                "Nofollow": "true" if nofollow and (source != LATE_NOFOLLOW or snapshot == "2026-10-01") else "false",
                "UGC": "false",
                "Sponsored": "false",
                "Type": "href",
                # the ledger's guest post went live on 08-20 and Ahrefs found it a week later
                "First seen": "2026-08-27 10:00:00" if source == "https://kappa.com/f" else "2026-06-01 10:00:00",
                "Last seen": "2026-09-19 08:00:00" if lost else f"{snapshot} 06:00:00",
                "Lost status": status if lost else "",
                "Drop reason": reason if lost else "",
                "Lost": "2026-09-20 08:00:00" if lost else "",
            }
        )
    return _tsv_utf16(rows)


def _semrush() -> bytes:
    rows = [
        ("https://theta.com/d", "/", "false"),  # live: Ahrefs' loss of 09-20 is false
        ("https://kappa.com/f", "/chef-knives", "false"),
        ("https://xi.com/j", "/", "true"),  # lost, Semrush gives no reason
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SEMRUSH_HEADER)
    for source, path, lost in rows:
        values = {"Page ascore": "30", "Source url": source, "Target url": SITE + path, "Anchor": "knives",
                  "Nofollow": "false", "Sponsored": "false", "Ugc": "false", "First seen": "2026-09-01",
                  "Last seen": "2026-10-14", "New link": "false", "Lost link": lost}  # fmt: skip
        writer.writerow(
            [
                values.get(h, "false" if h in ("Text", "Frame", "Form", "Image", "Sitewide") else "")
                for h in SEMRUSH_HEADER
            ]
        )
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("monitoring")
    inbox = base / "inbox"
    files = {
        "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-09-01_08-00-00.csv": _ahrefs("2026-09-01"),
        "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_08-00-00.csv": _ahrefs("2026-10-01"),
        "semrush/2026-10-15/knifecraft.co.uk-backlinks.csv": _semrush(),
        "ledger/knifecraft-link-building.csv": "\n".join(",".join(f'"{c}"' for c in r) for r in LEDGER).encode(
            "utf-8-sig"
        ),
    }
    for name, data in files.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
    result = refresh(inbox, base / "warehouse.duckdb")
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def test_the_ledger_is_recognised_by_its_aliased_header_and_its_bad_row_quarantined(run):
    audit = run.query(
        "select detected_format, kind, status, rows_read, rows_loaded, rows_quarantined from audit.ingest_files"
        " where file_name = 'ledger/knifecraft-link-building.csv'"
    )
    assert audit == [("link_ledger", "ledger", "loaded", 7, 6, 1)]
    assert run.query("select reason from audit.quarantine where file_name like 'ledger/%'") == [("missing target_url",)]
    costs = dict(run.query("select source_url, cost from raw.ledger"))
    assert costs["https://kappa.com/f"] == 1200.0 and costs["https://lambda.com/g"] == 150.0


def test_lost_links_say_why_each_link_was_lost(run):
    reasons = dict(run.query("select source_url, lost_reason from marts.lost_links"))
    expected = {src: reason for src, (*_, reason) in AHREFS.items() if reason}
    expected["https://xi.com/j"] = "unknown"
    assert reasons == expected  # the false loss (theta.com) is not there
    reported = dict(run.query("select source_url, reported_by from marts.lost_links"))
    assert reported["https://xi.com/j"] == "semrush" and reported["https://gamma.org/page"] == "ahrefs"
    assert run.query("select lost_at from marts.lost_links where source_url = 'https://iota.com/e'") == [
        (dt.date(2026, 10, 1),)
    ]


def test_a_contradicted_loss_is_live_and_counted_in_the_summary(run):
    assert run.query("select is_lost from marts.fct_backlinks where source_url = 'https://theta.com/d'") == [(False,)]
    assert run.query("select source_tool, seen_live_by from intermediate.int_backlinks__false_losses") == [
        ("ahrefs", "semrush")
    ]
    assert "Ahrefs marked 1 link lost that Semrush still sees" in " ".join(run.stdout.split())


def test_recovery_priority_puts_authority_then_follow_first(run):
    order = [r[0] for r in run.query("select source_url from marts.lost_links order by recovery_priority desc")]
    # the strongest domain, followed, and a paid ledger link comes first
    assert order[0] == "https://www.alpha-news.com/story"
    # a followed DR 40 link outranks a nofollow DR 50 one; otherwise higher DR first
    assert order.index("https://delta.io/review") < order.index("https://gamma.org/page")
    followed = [s for s in order if s in AHREFS and s != "https://gamma.org/page"]
    assert followed == sorted(followed, key=lambda s: -AHREFS[s][1])
    alpha = run.query("select in_ledger, ledger_cost, lived_days from marts.lost_links where source_url like '%alpha%'")
    assert alpha == [(True, 300.0, 111)]


def test_ledger_links_status_of_every_entry(run):
    rows = run.query(
        "select source_url, status, status_reason, seen_by, days_to_discovery, cost from marts.ledger_links"
    )
    status = {r[0]: r[1:4] for r in rows}
    assert status == {
        "https://kappa.com/f": ("live", None, "ahrefs,semrush"),
        "https://lambda.com/g": ("changed", "nofollow", "ahrefs"),
        "http://www.mu.com/h": ("changed", "other_target", "ahrefs"),
        "https://alpha-news.com/story": ("lost", "link_removed", "ahrefs"),
        "https://theta.com/d": ("live", None, "ahrefs,semrush"),
        "https://omicron.com/new-post": ("pending", None, None),
    }
    kappa = next(r for r in rows if r[0] == "https://kappa.com/f")
    assert kappa[4:] == (7, 1200.0)  # placed 2026-08-20 (dd/mm/yyyy), first seen by Ahrefs 2026-08-27


def test_link_changes_dates_every_event_and_never_a_false_loss(run):
    events = {
        (r[0], r[1]): r[2:]
        for r in run.query(
            "select event, coalesce(source_url, source_domain), event_date, detail from marts.link_changes"
            " where event like 'ledger%'"
        )
    }
    day = dt.date.fromisoformat
    assert events == {
        ("ledger_live", "https://kappa.com/f"): (day("2026-08-27"), "seen by ahrefs,semrush; campaign Q3 outreach"),
        ("ledger_live", "https://lambda.com/g"): (day("2026-06-01"), "seen by ahrefs; campaign Q3 outreach"),
        ("ledger_live", "http://www.mu.com/h"): (day("2026-06-01"), "seen by ahrefs"),
        ("ledger_live", "https://alpha-news.com/story"): (day("2026-06-01"), "seen by ahrefs; campaign PR"),
        ("ledger_live", "https://theta.com/d"): (day("2026-06-01"), "seen by ahrefs,semrush; campaign PR"),
        # followed on 09-01, nofollow on 10-01: changed at the snapshot that first showed it
        ("ledger_changed", "https://lambda.com/g"): (day("2026-10-01"), "nofollow; campaign Q3 outreach"),
        ("ledger_changed", "http://www.mu.com/h"): (
            day("2026-06-01"),
            "other_target: links to https://www.knifecraft.co.uk/gifts",
        ),
        ("ledger_lost", "https://alpha-news.com/story"): (day("2026-09-20"), "link_removed; campaign PR"),
    }
    # theta.com: Ahrefs' loss of 09-20 is contradicted by Semrush on 10-15: no loss, of the ledger
    # link or of the domain; the real losses are events with their reasons
    lost = dict(run.query("select source_domain, detail from marts.link_changes where event = 'lost_referring_domain'"))
    assert "theta.com" not in lost
    assert lost["alpha-news.com"] == "1 link lost: link_removed"
    assert lost["iota.com"] == "1 link lost: absent_from_snapshot"
    assert set(lost) == {
        r[0] for r in run.query("select source_domain from marts.lost_links")
    }  # one lost link per domain here
    dates = dict(
        run.query("select source_domain, event_date from marts.link_changes where event = 'new_referring_domain'")
    )
    assert dates["kappa.com"] == day("2026-08-27") and dates["theta.com"] == day("2026-06-01")
    assert dates["xi.com"] == day("2026-09-01")  # Semrush's own first-seen date
