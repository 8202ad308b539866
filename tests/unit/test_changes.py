"""What changed, the pure parts: --since, the digest's sentences, the lost-link alert's verdict,
the CSV cells, and the `alerts:` key of sites.yml."""

from __future__ import annotations

import csv
import datetime as dt
import io

import dagster as dg
import pytest

from dagster_project import changes, summary
from dagster_project.cli import changes as changes_cli
from dagster_project.config import ConfigError, load_config
from dagster_project.defs.quality.alerts import check_result


def test_since_is_an_iso_date_and_anything_else_names_what_was_given():
    assert changes.parse_since(" 2026-09-01 ") == dt.date(2026, 9, 1)
    for bad in ("2026-13-01", "01/09/2026", "last week", ""):
        with pytest.raises(changes.ChangesUsageError) as error:
            changes.parse_since(bad)
        assert str(error.value) == f"--since {bad!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-09-01"


def _named(*items):
    return [{"domain": d, "authority": a, "detail": detail} for d, a, detail in items]


def test_digest_names_the_most_authoritative_and_the_ledger_losses_and_changes():
    lines = summary.digest_lines(
        {
            "new_referring_domain": (
                12,
                _named(("a.com", 96.6, "1 link"), ("b.org", 85.0, "2 links"), ("c.net", None, "x")),
            ),
            "new_toxic_domain": (3, _named(("spam.icu", 10.0, "toxicity 75"))),
            "lost_referring_domain": (1, _named(("gone.de", 54.2, "1 link lost: link_removed"))),
            "ledger_lost": (1, _named(("gone.de", 54.2, "link_removed; campaign Q3"))),
            "ledger_changed": (2, _named(("x.com", 90.0, "nofollow"), ("y.com", 20.0, "other_target: links to …"))),
            "ledger_live": (4, _named(("z.com", 50.0, "seen by ahrefs"))),
        },
        has_ledger=True,
    )
    assert lines == [
        "12 new referring domains (3 toxic): a.com 97, b.org 85, c.net",
        "1 lost referring domain: gone.de 54",
        "ledger links: 1 lost (gone.de: link_removed); 2 changed (x.com: nofollow, y.com: other_target: links to …)",
    ]


def test_digest_without_changes_says_so_and_without_a_ledger_has_no_ledger_line():
    assert summary.digest_lines({}, has_ledger=True) == [
        "0 new referring domains",
        "0 lost referring domains",
        "ledger links: none lost or changed",
    ]
    many = _named(*[(f"d{i}.com", 100.0 - i, "") for i in range(9)])
    lines = summary.digest_lines({"lost_referring_domain": (9, many)}, has_ledger=False)
    assert len(lines) == 2 and lines[1].endswith("d4.com 96")  # five named, the first five


def _alert(count: int, worst: list[dict]) -> changes.LostLinkAlert:
    return changes.LostLinkAlert("knifecraft.co.uk", 50.0, dt.date(2026, 9, 1), count, worst)


WORST = [
    {
        "source_domain": f"d{i}.com",
        "source_url": f"https://d{i}.com/p",
        "target_url": "https://knifecraft.co.uk/",
        "authority": 90.0 - i,
        "lost_reason": "link_removed",
        "lost_at": "2026-09-20",
        "recovery_priority": 60.0,
    }
    for i in range(5)
]


def test_the_alert_warns_with_the_worst_lost_links_in_its_metadata():
    result = check_result(_alert(5, WORST))
    assert isinstance(result, dg.AssetCheckResult)
    assert result.passed is False and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["reason"].value == (
        "5 lost links of knifecraft.co.uk with authority >= 50 since 2026-09-01: d0.com (90, link_removed); "
        "d1.com (89, link_removed); d2.com (88, link_removed); and 2 more"
    )
    assert result.metadata["lost_links"].value == 5
    assert [w["source_domain"] for w in result.metadata["worst"].value] == [f"d{i}.com" for i in range(5)]
    assert "| d0.com | 90 | link_removed | 2026-09-20 | https://d0.com/p |" in result.metadata["worst_table"].value


def test_the_alert_passes_when_nothing_authoritative_was_lost():
    result = check_result(_alert(0, []))
    assert result.passed is True and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["reason"].value == ("no lost link of knifecraft.co.uk with authority >= 50 since 2026-09-01")
    first = changes.LostLinkAlert("knifecraft.co.uk", 70.0, None, 1, WORST[:1])
    assert first.reason() == "1 lost link of knifecraft.co.uk with authority >= 70 so far: d0.com (90, link_removed)"


def test_csv_cells_from_the_web_cannot_become_formulas(capsys):
    events = changes.Events(
        ["event_date", "source_domain", "source_url", "authority", "detail"],
        [
            (dt.date(2026, 10, 1), "evil.com", "https://evil.com/p", 12.5, '=HYPERLINK("http://evil","x")'),
            (dt.date(2026, 9, 1), "ok.com", "https://ok.com/", None, "-1 links"),
        ],
        None,
    )
    changes_cli.write_csv(events)
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [
        ["event_date", "source_domain", "source_url", "authority", "detail"],
        ["2026-10-01", "evil.com", "https://evil.com/p", "12.5", '\'=HYPERLINK("http://evil","x")'],
        ["2026-09-01", "ok.com", "https://ok.com/", "", "'-1 links"],
    ]


def _config(tmp_path, extra: str):
    path = tmp_path / "sites.yml"
    path.write_text("site: {domain: knifecraft.co.uk}\n" + extra, encoding="utf-8")
    return path


def test_alerts_threshold_defaults_to_50_and_is_validated(tmp_path):
    assert load_config(_config(tmp_path, "")).alerts.lost_link_min_authority == 50
    assert (
        load_config(_config(tmp_path, "alerts: {lost_link_min_authority: 70}\n")).alerts.lost_link_min_authority == 70
    )
    for extra, message in (
        ("alerts: {lost_link_min_authority: 101}\n", "key 'alerts.lost_link_min_authority'"),
        ("alerts: {lost_link_min_authority: high}\n", "key 'alerts.lost_link_min_authority'"),
        ("alerts: {min_authority: 60}\n", "unknown key 'alerts.min_authority'"),
    ):
        with pytest.raises(ConfigError) as error:
            load_config(_config(tmp_path, extra))
        assert message in str(error.value)


def test_an_alert_threshold_never_rebuilds_the_models(tmp_path):
    # the config fingerprint decides a full dbt rebuild; no model reads `alerts`
    plain = load_config(_config(tmp_path, "")).fingerprint()
    assert load_config(_config(tmp_path, "alerts: {lost_link_min_authority: 80}\n")).fingerprint() == plain
    assert load_config(_config(tmp_path, "thresholds: {gap_min_authority: 30}\n")).fingerprint() != plain
