"""Link monitoring, the pure parts: the ledger format (aliased headers, costs, dates, never a
vendor's export), the vendors' lost reasons kept in raw.backlinks, a re-saved ledger replacing its
earlier version, and the summary's false-loss line."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project import warehouse
from dagster_project.config import load_config
from dagster_project.formats.base import UnrecognisedExport
from dagster_project.formats.registry import parse_export
from dagster_project.landing import land_bytes
from dagster_project.samplegen.writers import AHREFS_HEADER
from dagster_project.summary import false_loss_line
from tests.conftest import SAMPLE_CONFIG


def _csv(*rows: list[str], bom: bool = False) -> bytes:
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n"
    return text.encode("utf-8-sig" if bom else "utf-8")


@pytest.mark.parametrize(
    "header",
    [
        ["Live link", "Target page", "Anchor", "Date placed", "Campaign", "Cost"],
        ["LINK URL ", " Landing page", "Anchor text", "Placed on", "campaign", "COST"],
        ["Source URL", "Target URL", "Anchor", "Live date"],
        ["Referring page URL", "Landing page", "Notes", "Date"],
        ["URL", "Target URL"],  # the two required columns alone
    ],
)
def test_a_ledger_is_recognised_by_any_alias_set(header):
    row = [
        "https://blog.example.com/post",
        "https://knifecraft.co.uk/chef-knives",
        "chef knife",
        "2026-09-15",
        "Q3",
        "£90",
    ]
    parsed = parse_export(_csv(header, row[: len(header)], bom=True), "our-links.csv")
    assert (parsed.format_name, parsed.kind, parsed.source_tool) == ("link_ledger", "ledger", "ledger")
    got = parsed.rows.row(0, named=True)
    assert got["source_url"] == "https://blog.example.com/post"
    assert got["target_url"] == "https://knifecraft.co.uk/chef-knives"


def test_ledger_costs_and_dates_as_teams_write_them():
    rows = [
        ["https://a.org/1", "https://knifecraft.co.uk/", "£1,200.00", "15/09/2026"],
        ["https://a.org/2", "https://knifecraft.co.uk/", "$150", "Sep 15, 2026"],
        ["https://a.org/3", "https://knifecraft.co.uk/", "EUR 80", "2026-09-15 10:00"],
        ["https://a.org/4", "https://knifecraft.co.uk/", "", ""],
    ]
    parsed = parse_export(_csv(["Live link", "Target page", "Cost", "Date placed"], *rows), "ledger.csv")
    assert parsed.rows.select("cost", "placed_on").rows() == [
        (1200.0, dt.date(2026, 9, 15)),
        (150.0, dt.date(2026, 9, 15)),
        (80.0, dt.date(2026, 9, 15)),
        (None, None),
    ]
    assert parsed.snapshot_hint == dt.date(2026, 9, 15)


def test_a_ledger_row_without_its_target_is_quarantined_and_the_rest_land():
    data = _csv(
        ["Live link", "Landing page", "Anchor"],
        ["https://a.org/1", "https://www.knifecraft.co.uk/", "x"],
        ["https://a.org/2", "", "y"],
        ["", "https://knifecraft.co.uk/", "z"],
    )
    landed = land_bytes("ledger/sheet.csv", data, load_config(SAMPLE_CONFIG))
    assert (landed.kind, landed.audit["rows_loaded"], landed.audit["site_domain"]) == ("ledger", 1, "knifecraft.co.uk")
    assert sorted(landed.quarantine["reason"]) == ["missing source_url", "missing target_url"]
    assert landed.rows["target_host"].to_list() == ["www.knifecraft.co.uk"]


@pytest.mark.parametrize(
    "header",
    [
        ["URL", "Target URL", "First seen", "Last seen"],  # a crawler's export nobody maps
        ["Source url", "Target url", "Nofollow", "Lost link"],
        ["URL", "Target URL", "Keyword", "Position"],
    ],
)
def test_a_crawler_export_is_never_taken_for_a_ledger(header):
    with pytest.raises(UnrecognisedExport, match="matches no known format"):
        parse_export(
            _csv(header, ["https://a.org/1", "https://knifecraft.co.uk/", "2026-09-01", "x"][: len(header)]), "x.csv"
        )


def test_vendor_exports_with_ledger_aliases_stay_the_vendors():
    ahrefs = (
        "\t".join(AHREFS_HEADER)
        + "\n"
        + "\t".join(
            {"Referring page URL": "https://a.org/1", "Target URL": "https://knifecraft.co.uk/"}.get(h, "")
            for h in AHREFS_HEADER
        )
    )
    assert parse_export(ahrefs.encode(), "a.csv").format_name == "ahrefs_backlinks"
    moz = _csv(["URL", "Title", "Anchor Text", "Page Authority", "Domain Authority", "Target URL"],
               ["a.org/1", "t", "x", "20", "30", "https://knifecraft.co.uk/"])  # fmt: skip
    assert parse_export(moz, "m.csv").format_name == "moz_inbound_links"
    semrush = _csv(
        ["Page ascore", "Source url", "Target url", "Anchor"],
        ["20", "https://a.org/1", "https://knifecraft.co.uk/", "x"],
    )
    assert parse_export(semrush, "s.csv").format_name == "semrush_backlinks"


def test_ahrefs_lost_reason_keeps_status_and_drop_reason_in_its_words():
    def row(status, reason, lost=""):
        values = {"Referring page URL": "https://a.org/1", "Target URL": "https://knifecraft.co.uk/",
                  "Lost status": status, "Drop reason": reason, "Lost": lost}  # fmt: skip
        return "\t".join(values.get(h, "") for h in AHREFS_HEADER)

    lines = [
        row("linkremoved", "removed from HTML", "2026-09-20 08:00:00"),
        row("Not canonical", "not canonical"),  # the same words twice: once
        row("", "404 not found", "2026-09-20"),
        row("301 redirect", ""),
        row("live", ""),
        row("", ""),
    ]
    parsed = parse_export(("\t".join(AHREFS_HEADER) + "\n" + "\n".join(lines) + "\n").encode(), "a.csv")
    assert parsed.rows.select("vendor_is_lost", "vendor_lost_reason").rows() == [
        (True, "linkremoved / removed from HTML"),
        (True, "Not canonical"),
        (True, "404 not found"),
        (True, "301 redirect"),
        (False, None),
        (False, None),
    ]


def test_majestic_reason_lost_and_moz_link_state():
    majestic = _csv(
        ["SourceURL", "TargetURL", "AnchorText", "FlagNoFollow", "ReasonLost", "DateLost"],
        ["https://a.org/1", "https://knifecraft.co.uk/", "x", "", "Page gone", "2026-09-01"],
        ["https://a.org/2", "https://knifecraft.co.uk/", "y", "", "", ""],
    )
    parsed = parse_export(majestic, "maj.csv")
    assert parsed.format_name == "majestic_backlinks"
    assert parsed.rows.select("vendor_is_lost", "vendor_lost_at", "vendor_lost_reason").rows() == [
        (True, dt.date(2026, 9, 1), "Page gone"),
        (False, None, None),
    ]
    moz = _csv(
        ["URL", "Target URL", "Page Authority", "Domain Authority", "Link State", "Date Lost"],
        ["a.org/1", "https://knifecraft.co.uk/", "20", "30", "Page not found", "2026-09-02"],
        ["a.org/2", "https://knifecraft.co.uk/", "20", "30", "Lost", ""],
        ["a.org/3", "https://knifecraft.co.uk/", "20", "30", "Active", ""],
    )
    parsed = parse_export(moz, "moz.csv")
    assert parsed.format_name == "moz_inbound_links"
    assert parsed.rows.select("vendor_is_lost", "vendor_lost_at", "vendor_lost_reason").rows() == [
        (True, dt.date(2026, 9, 2), "Page not found"),
        (True, None, None),  # lost, no reason given
        (False, None, None),
    ]


def test_a_resaved_ledger_replaces_its_earlier_version(tmp_path):
    config = load_config(SAMPLE_CONFIG)
    header = ["Live link", "Target page", "Cost"]
    first = _csv(
        header,
        ["https://a.org/1", "https://knifecraft.co.uk/", "100"],
        ["https://a.org/2", "https://knifecraft.co.uk/", "50"],
    )
    second = _csv(header, ["https://a.org/1", "https://knifecraft.co.uk/", "120"])
    path = tmp_path / "w.duckdb"
    with warehouse.connect(path) as con:
        warehouse.ensure_tables(con)
        versions = []
        for data in (first, second):
            landed = land_bytes("ledger/links.csv", data, config)
            warehouse.record_landed(con, landed)
            versions.append(landed.audit["sha256"])
        assert con.sql("select source_url, cost from raw.ledger").fetchall() == [("https://a.org/1", 120.0)]
        # by version, not by ingested_at: both may carry the same timestamp
        statuses = dict(con.sql("select sha256, status from audit.ingest_files").fetchall())
        assert statuses == {versions[0]: "superseded", versions[1]: "loaded"}


def test_false_loss_line():
    assert false_loss_line([]) is None
    assert false_loss_line([("ahrefs", 3, ["semrush"])]) == "Ahrefs marked 3 links lost that Semrush still sees"
    assert false_loss_line([("ahrefs", 2, ["semrush", "moz"]), ("majestic", 1, ["ahrefs", "gsc", "moz"])]) == (
        "Ahrefs marked 2 links lost that Semrush and Moz still see; "
        "Majestic marked 1 link lost that Ahrefs, Google Search Console and Moz still see"
    )
