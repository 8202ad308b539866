"""What changed, on the session's refresh of the bundled sample: marts.link_changes against the
models it is built from, the refresh's digest, the lost-link asset check and `backlinks changes`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil

import dagster as dg
import pytest
from rich.cells import cell_len

from dagster_project import summary
from dagster_project.defs.quality.alerts import lost_link_alert
from dagster_project.defs.resources import WarehouseResource
from tests.conftest import ROOT, SAMPLE_CONFIG, run_cli
from tests.integration.test_summary_output import rendered

pytestmark = pytest.mark.e2e

SITE = "knifecraft.co.uk"


def test_referring_domain_events_are_what_link_velocity_counts(sample_refresh):
    # one model decides when a domain is new or lost: every week of every site agrees, and no
    # event falls outside velocity's weeks
    weekly = sample_refresh.query(
        """
        with events as (
            select site_domain, date_trunc('week', event_date)::date as week,
                   count(*) filter (where event = 'new_referring_domain') as new,
                   count(*) filter (where event = 'lost_referring_domain') as lost
            from marts.link_changes group by all
        )
        select v.site_domain, v.period_start, v.new_referring_domains, v.lost_referring_domains,
               coalesce(e.new, 0), coalesce(e.lost, 0)
        from marts.link_velocity v left join events e on e.site_domain = v.site_domain and e.week = v.period_start
        """
    )
    assert weekly and all(r[2:4] == r[4:6] for r in weekly)
    totals = sample_refresh.query(
        "select (select count(*) from marts.link_changes where event in ('new_referring_domain', 'lost_referring_domain')),"
        " (select sum(new_referring_domains + lost_referring_domains) from marts.link_velocity)"
    )[0]
    assert totals[0] == totals[1] > 100
    events = dict(sample_refresh.query("select event, count(*) from marts.link_changes group by event"))
    assert set(events) == {
        "new_referring_domain",
        "lost_referring_domain",
        "new_toxic_domain",
        "ledger_live",
        "ledger_changed",
        "ledger_lost",
    }


def test_a_false_loss_is_never_an_event(sample_refresh):
    overruled = sample_refresh.query(
        "select distinct f.site_domain, l.source_domain, f.source_url from intermediate.int_backlinks__false_losses f"
        " join marts.fct_backlinks l using (link_id) where not f.link_is_lost"
    )
    assert overruled  # the sample has false losses (the summary counts them)
    for site, domain, url in overruled:
        assert sample_refresh.query(
            "select count(*) from marts.link_changes where site_domain = ? and event in"
            " ('lost_referring_domain', 'ledger_lost') and (source_domain = ? or source_url = ?)",
            [site, domain, url],
        ) == [(0,)]


def test_ledger_events_follow_the_ledger_statuses(sample_refresh):
    ledger = sample_refresh.query(
        "select source_url, status, status_reason, first_seen, lost_at from marts.ledger_links order by source_url"
    )
    events = {
        (r[0], r[1]): r[2:]
        for r in sample_refresh.query(
            "select source_url, event, event_date, detail from marts.link_changes where event like 'ledger%'"
        )
    }
    for url, status, reason, first_seen, lost_at in ledger:
        assert ((url, "ledger_live") in events) == (status != "pending")
        if status != "pending":
            assert events[url, "ledger_live"][0] == first_seen
        assert ((url, "ledger_lost") in events) == (status == "lost")
        assert ((url, "ledger_changed") in events) == (status == "changed")
        if status == "lost":
            assert events[url, "ledger_lost"][0] == lost_at
            assert events[url, "ledger_lost"][1].split(";")[0] == reason
        if status == "changed":
            assert events[url, "ledger_changed"][1].startswith(reason)
            assert events[url, "ledger_changed"][0] >= first_seen
    assert {s for _, s, *_ in ledger} == {"pending", "live", "changed", "lost"}


def test_new_toxic_domains_are_new_referring_domains_the_disavow_list_holds(sample_refresh):
    toxic = sample_refresh.query(
        "select site_domain, source_domain, event_date from marts.link_changes where event = 'new_toxic_domain'"
    )
    new = set(
        sample_refresh.query(
            "select site_domain, source_domain, event_date from marts.link_changes where event = 'new_referring_domain'"
        )
    )
    candidates = {
        tuple(r) for r in sample_refresh.query("select site_domain, source_domain from marts.disavow_candidates")
    }
    assert toxic and set(toxic) <= new and {r[:2] for r in toxic} <= candidates
    assert {r[0] for r in toxic} == {SITE}


def test_the_refresh_ends_with_the_digest_of_the_site_since_its_previous_snapshot(sample_refresh):
    lines = sample_refresh.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Since the previous snapshot ("))
    assert lines[at] == "Since the previous snapshot (2026-09-01) · knifecraft.co.uk · all: backlinks changes"
    digest = lines[at + 1 : at + 4]
    # the counts are the "Link profiles" section's new and lost of the site
    profiles = next(s for s in summary.build_summary(sample_refresh.warehouse).sections if s.title == "Link profiles")
    site = dict(zip(profiles.columns, next(r for r in profiles.rows if r[0] == SITE)))
    top = [
        r[0]
        for r in sample_refresh.query(
            "select source_domain from marts.link_changes where site_domain = ? and event = 'lost_referring_domain'"
            " and event_date > date '2026-09-01' order by authority desc limit 2",
            [SITE],
        )
    ]
    toxic = sample_refresh.query(
        "select count(*) from marts.link_changes where event = 'new_toxic_domain' and event_date > date '2026-09-01'"
    )[0][0]
    assert digest[0].startswith(f"  {site['new']} new referring domains ({toxic} toxic): ")
    assert digest[1].startswith(f"  {site['lost']} lost referring domains: {top[0]} ")
    assert f", {top[1]} " in digest[1]
    lost = sample_refresh.query(
        "select count(*) from marts.ledger_links where status = 'lost' and lost_at > date '2026-09-01'"
    )[0][0]
    assert digest[2].startswith(f"  ledger links: {lost} lost (")
    # the last section of the default summary, before the --verbose hint, one line each at 80 columns
    assert lines[at + 4] == "" and lines[at + 5].endswith("backlinks summary --verbose")
    narrow = rendered(sample_refresh.warehouse, width=80)
    at = next(i for i, line in enumerate(narrow) if line.startswith("Since the previous"))
    assert all(cell_len(line) <= 80 for line in narrow[at : at + 4])
    assert narrow[at + 1].startswith(digest[0][:60]) and narrow[at + 1].endswith("…")


def test_the_lost_link_alert_warns_in_the_refresh_and_names_the_worst(sample_refresh):
    out = " ".join(sample_refresh.stdout.split())
    count, worst = sample_refresh.query(
        "select count(*), arg_max(source_domain, authority) from marts.lost_links"
        " where site_domain = ? and authority >= 50 and lost_at > date '2026-09-01'",
        [SITE],
    )[0]
    assert count > 1
    assert (
        f"! marts/lost_links · lost_link_alert: {count} lost links of {SITE} with authority >= 50 since 2026-09-01: "
        f"{worst} (" in out
    )


def test_the_lost_link_alert_passes_above_every_lost_links_authority(sample_refresh, tmp_path):
    def check(config):
        return lost_link_alert(
            warehouse=WarehouseResource(
                warehouse=str(sample_refresh.warehouse), inbox=str(sample_refresh.inbox), config_path=str(config)
            )
        )

    warned = check(SAMPLE_CONFIG)
    assert warned.passed is False and warned.metadata["lost_links"].value > 1
    worst = warned.metadata["worst"].value
    assert [w["authority"] for w in worst] == sorted((w["authority"] for w in worst), reverse=True)
    strict = tmp_path / "sites.yml"
    shutil.copy(SAMPLE_CONFIG, strict)
    top = worst[0]["authority"]
    with strict.open("a", encoding="utf-8") as f:
        f.write(f"alerts:\n  lost_link_min_authority: {min(100, top + 0.5)}\n")
    passed = check(strict)
    assert passed.passed is True and passed.metadata["lost_links"].value == 0 and passed.metadata["worst"].value == []


def _changes(sample_refresh, *args):
    return run_cli("changes", "--warehouse", str(sample_refresh.warehouse), *args)


def test_backlinks_changes_prints_the_events_since_each_sites_previous_snapshot(sample_refresh):
    proc = _changes(sample_refresh)
    assert proc.returncode == 0, proc.stderr
    expected = sample_refresh.query(
        """
        with previous as (
            select site_domain, max(snapshot_date) filter (where age = 2) as previous
            from (select site_domain, snapshot_date,
                         row_number() over (partition by site_domain order by snapshot_date desc) as age
                  from marts.profile_diversity)
            group by site_domain
        )
        select site_domain, count(*) from marts.link_changes join previous using (site_domain)
        where event_date > previous group by site_domain
        """
    )
    lines = proc.stdout.splitlines()
    for site, count in expected:
        assert f"{site} ({count} events)" in lines
    assert proc.stderr.strip() == f"{sum(c for _, c in expected)} events since each site's previous snapshot"
    assert lines[0] == f"{SITE} ({dict(expected)[SITE]} events)"  # the site first


def test_backlinks_changes_since_and_site_as_csv(sample_refresh):
    proc = _changes(sample_refresh, "--since", "2026-09-15", "--site", "BladeWorks.com", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    expected = sample_refresh.query(
        "select event_date, event, source_domain, source_url, detail from marts.link_changes"
        " where site_domain = 'bladeworks.com' and event_date >= date '2026-09-15'"
        " order by event_date desc, event, authority desc nulls last, source_domain"
    )
    assert rows and [(dt.date.fromisoformat(r["event_date"]), r["event"], r["source_domain"]) for r in rows] == [
        e[:3] for e in expected
    ]
    assert {r["site_domain"] for r in rows} == {"bladeworks.com"} and {r["site_role"] for r in rows} == {"competitor"}
    assert list(rows[0]) == [
        "event_date",
        "site_domain",
        "site_role",
        "event",
        "source_domain",
        "source_url",
        "target_url",
        "authority",
        "detail",
    ]
    assert proc.stderr.strip() == f"{len(rows)} events on or after 2026-09-15"


def test_backlinks_changes_table_lists_one_line_per_event(sample_refresh):
    proc = _changes(sample_refresh, "--since", "2026-01-01", "--site", SITE)
    assert proc.returncode == 0, proc.stderr
    count = sample_refresh.query(
        "select count(*) from marts.link_changes where site_domain = ? and event_date >= date '2026-01-01'", [SITE]
    )[0][0]
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{SITE} ({count} events)"
    assert lines[1].split()[:5] == ["event_date", "┃", "event", "┃", "source_domain"]
    body = [line for line in lines[3:] if line.strip()]
    assert len(body) == count and all(line.lstrip().startswith("2026-") for line in body)


def test_backlinks_changes_bad_usage_is_one_line_and_exit_2(sample_refresh, tmp_path):
    bad_date = _changes(sample_refresh, "--since", "01/09/2026")
    assert bad_date.returncode == 2 and bad_date.stdout == ""
    assert bad_date.stderr.strip() == (
        "error: --since '01/09/2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-09-01"
    )
    unknown = _changes(sample_refresh, "--site", "example.org")
    assert unknown.returncode == 2 and len(unknown.stderr.splitlines()) == 1
    assert "'example.org' has no events: the warehouse's sites are knifecraft.co.uk, " in unknown.stderr
    missing = run_cli("changes", "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr
    for proc in (bad_date, unknown, missing):
        assert "Traceback" not in proc.stderr


def _documented_sensor() -> str:
    text = (ROOT / "docs" / "automation.md").read_text(encoding="utf-8")
    section = text.split("## Notifications", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_documented_notification_sensor_posts_the_alert_of_the_cli_refresh(sample_refresh):
    # the sensor of docs/automation.md, run on the run the CLI recorded in its Dagster home
    namespace: dict = {}
    exec(compile(_documented_sensor(), "docs/automation.md", "exec"), namespace)
    sent: list[str] = []
    namespace["notify"] = sent.append  # instead of the webhook
    instance = dg.DagsterInstance.from_config(str(sample_refresh.warehouse.parent / ".dagster_home"))
    try:
        (run,) = instance.get_runs(
            filters=dg.RunsFilter(job_name="refresh", statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1
        )
        success = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)[0].get_dagster_event()
        context = dg.build_run_status_sensor_context(
            sensor_name="lost_link_notifier", dagster_event=success, dagster_instance=instance, dagster_run=run
        )
        namespace["lost_link_notifier"](context)
    finally:
        instance.dispose()
    reason = next(
        line for line in sample_refresh.stdout.splitlines() if "lost_link_alert:" in line
    )  # the same reason the refresh printed (its first line)
    assert len(sent) == 1 and sent[0].startswith("Backlink Warehouse: ")
    assert sent[0].removeprefix("Backlink Warehouse: ").startswith(reason.split("lost_link_alert: ", 1)[1].strip())
