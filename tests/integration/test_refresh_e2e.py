"""The bundled sample inbox, refreshed once per session through the real CLI → Dagster → dbt path,
and the marts checked against what the sample world is built to contain."""

import datetime as dt
import json

import pytest

from tests.conftest import SAMPLE_INBOX, refresh

pytestmark = pytest.mark.e2e


def test_every_sample_file_loads_and_reconciles(sample_refresh):
    assert sample_refresh.exit_code == 0, sample_refresh.stdout + sample_refresh.stderr
    files = sample_refresh.query(
        "select file_name, status, rows_read, rows_loaded, rows_quarantined from audit.ingest_files"
    )
    sample_files = {p.relative_to(SAMPLE_INBOX).as_posix() for p in SAMPLE_INBOX.rglob("*") if p.is_file()}
    assert {f[0] for f in files} == sample_files
    assert all(status == "loaded" for _, status, *_ in files)
    assert all(read == loaded + quarantined for _, _, read, loaded, quarantined in files)
    quarantined = sample_refresh.query("select count(*) from audit.quarantine")[0][0]
    assert quarantined == sum(f[4] for f in files) > 0
    # the Majestic row with the wrong column count is quarantined with its reason and raw text
    reasons = sample_refresh.query(
        "select reason, raw from audit.quarantine where file_name like 'majestic/%' and reason like '%fields%'"
    )
    assert reasons and all(raw for _, raw in reasons)


def test_summary_is_printed(sample_refresh):
    out = sample_refresh.stdout
    assert "Link profiles" in out
    for site in ("knifecraft.co.uk", "bladeworks.com", "chefsedge.de", "sharpstore.com"):
        assert site in out
    assert "Traceback" not in out + sample_refresh.stderr


def test_one_row_per_link_across_tools_and_spellings(sample_refresh):
    dupes = sample_refresh.query(
        "select count(*) from (select site_domain, source_url, target_url from marts.fct_backlinks "
        "group by all having count(*) > 1)"
    )[0][0]
    assert dupes == 0
    # spellings that differ only by scheme / www. / default port / tracking params / fragment
    # are the same link: no two rows of a site share that identity
    spelled_twice = sample_refresh.query(
        """
        select count(*) from (
            select site_domain,
                   regexp_replace(source_url, '^https?://(www[.])?', '') as s,
                   regexp_replace(coalesce(target_url, ''), '^https?://(www[.])?', '') as t
            from marts.fct_backlinks group by all having count(*) > 1)
        """
    )[0][0]
    assert spelled_twice == 0
    # Semrush's `HTTP://WWW.KitchenGadgetReview.com:80/…?utm_source=x#top` merged with the others
    row = sample_refresh.query(
        "select source_url, sources from marts.fct_backlinks where source_host like '%kitchengadgetreview.com' "
        "and target_url like '%/collections/chef-knives'"
    )
    assert len(row) == 1
    assert "?" not in row[0][0] and "#" not in row[0][0] and ":80" not in row[0][0]
    assert {"semrush", "ahrefs"} <= set(row[0][1].split(","))


def test_hosts_and_domains_are_normalised(sample_refresh):
    bad = sample_refresh.query(
        "select count(*) from marts.fct_backlinks where source_host <> lower(source_host) "
        "or source_host like '%.' or source_host like '%:%' or source_domain is null "
        "or not (source_host = source_domain or source_host like '%.' || source_domain)"
    )[0][0]
    assert bad == 0
    # IDN referring hosts land as punycode; blogspot subdomains are their own registrable domain
    assert sample_refresh.query("select count(*) from marts.fct_backlinks where source_host like '%xn--%'")[0][0] > 0
    blogspot = sample_refresh.query(
        "select distinct source_domain from marts.fct_backlinks where source_host like '%.blogspot.com'"
    )
    assert blogspot and all(d != "blogspot.com" for (d,) in blogspot)


def test_lost_links(sample_refresh):
    # Ahrefs marks the strongest shared link lost on 2026-09-24, but three tools still report it
    # live on 2026-10-01: it is live.
    refound = sample_refresh.query(
        """
        select f.is_lost, f.sources from raw.backlinks r
        join marts.fct_backlinks f
          on f.site_domain = 'knifecraft.co.uk'
         and regexp_replace(f.source_url, '^https?://(www[.])?', '') = regexp_replace(r.source_url, '^https?://(www[.])?', '')
         and regexp_replace(f.target_url, '^https?://(www[.])?', '') = regexp_replace(r.target_url, '^https?://(www[.])?', '')
        where r.source_tool = 'ahrefs' and r.vendor_lost_at = date '2026-09-24'
        """
    )
    assert refound, "the sample's false-lost link is missing"
    assert all(not is_lost for is_lost, _ in refound)
    assert all(len(sources.split(",")) >= 3 for _, sources in refound)
    # lost links have a lost date no later than the newest snapshot, and nothing reported them after it
    lost = sample_refresh.query("select count(*), min(lost_at), max(lost_at) from marts.fct_backlinks where is_lost")[0]
    assert lost[0] > 0 and lost[2] <= dt.date(2026, 10, 1)
    assert (
        sample_refresh.query("select count(*) from marts.fct_backlinks where is_lost and last_seen > lost_at")[0][0]
        == 0
    )
    assert (
        sample_refresh.query("select count(*) from marts.fct_backlinks where (lost_at is not null) <> is_lost")[0][0]
        == 0
    )


def test_referring_domains_and_gaps(sample_refresh):
    mismatched = sample_refresh.query(
        """
        select count(*) from marts.dim_referring_domains d
        left join (select site_domain, source_domain, count(*) as links from marts.fct_backlinks group by all) f
          using (site_domain, source_domain)
        where d.links <> coalesce(f.links, 0)
        """
    )[0][0]
    assert mismatched == 0
    assert (
        sample_refresh.query("select count(*) from marts.dim_referring_domains where authority < 0 or authority > 100")[
            0
        ][0]
        == 0
    )
    gaps = sample_refresh.query(
        "select source_domain, competitors_linked from marts.competitor_gaps where site_domain = 'knifecraft.co.uk'"
    )
    assert len(gaps) >= 10
    # no gap domain links (live) to the site itself
    assert (
        sample_refresh.query(
            """
        select count(*) from marts.competitor_gaps g
        join marts.fct_backlinks f on f.site_domain = g.site_domain and f.source_domain = g.source_domain and not f.is_lost
        """
        )[0][0]
        == 0
    )


def test_second_refresh_is_a_fast_no_op(sample_refresh):
    before = sample_refresh.query("select count(*) from marts.fct_backlinks")[0][0]
    again = refresh(sample_refresh.inbox, sample_refresh.warehouse)
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "Nothing new" in again.stdout
    assert sample_refresh.query("select count(*) from marts.fct_backlinks")[0][0] == before
    assert sample_refresh.query("select count(*) from audit.ingest_files where status = 'duplicate'")[0][0] == 0


def test_the_build_runs_in_the_dbt_process_started_ahead(sample_refresh):
    """A fresh warehouse has no dbt parse cache. The refresh starts dbt with the run; it parses
    while files land, and the build then runs in that process with the manifest it holds, with
    no dbt start-up and no parse of its own (dagster_project/dbt_server.py)."""
    logs = sample_refresh.warehouse.parent / "logs"
    assert "dbt started ahead of the build" in (logs / "warehouse-last-run.log").read_text()
    events = [json.loads(line) for line in (logs / "warehouse-dbt" / "dbt.log").read_text().splitlines()]
    invocations: dict[str, list[dict]] = {}
    for event in events:
        invocations.setdefault(event["info"]["invocation_id"], []).append(event)
    # dbt.log is at info: the parse says it parsed; the build reports its nodes and statistics
    names = {key: {e["info"]["name"] for e in lines} for key, lines in invocations.items()}
    (parse,) = [key for key, kinds in names.items() if "ParsePerfInfoPath" in kinds]
    (build,) = [key for key, kinds in names.items() if "LogModelResult" in kinds]
    assert {e["info"]["pid"] for e in invocations[build]} == {e["info"]["pid"] for e in invocations[parse]}
    assert not any("pars" in e["info"]["msg"].lower() for e in invocations[build])
    assert "StatsLine" in names[build]
    # info, not debug: no SQL statement was made into a log line (DBT_LOG_LEVEL_FILE=debug for them)
    assert not any(e["info"]["level"] == "debug" for e in events)


def test_the_sample_ledger_against_what_the_tools_see(sample_refresh):
    """The sample's ledger (samplegen/ledger.py) lists live, now-nofollow, wrong-page, lost,
    falsely-lost and unpublished links: every status shows, and matches the link tables."""
    statuses = dict(sample_refresh.query("select status, count(*) from marts.ledger_links group by all"))
    assert statuses == {"live": 5, "changed": 3, "lost": 4, "pending": 2}
    # a lost ledger link is a lost link, with the same reason, and counts as a ledger link there
    mismatched = sample_refresh.query(
        """
        select count(*) from marts.ledger_links l
        left join marts.lost_links x on x.link_id = l.link_id
        where l.status = 'lost' and (x.link_id is null or x.lost_reason <> l.status_reason or not x.in_ledger)
        """
    )[0][0]
    assert mismatched == 0
    # the link Ahrefs wrongly calls lost is live in the ledger, absent from lost_links, and counted
    false_lost = sample_refresh.query(
        "select l.status, l.link_id in (select link_id from marts.lost_links) from marts.ledger_links l"
        " join intermediate.int_backlinks__false_losses f using (link_id) where f.source_tool = 'ahrefs'"
    )
    assert false_lost and all(row == ("live", False) for row in false_lost)
    assert "Ahrefs marked 1 link lost that" in " ".join(sample_refresh.stdout.split())
    # tools find a link a few days after it goes live
    days = [
        d for (d,) in sample_refresh.query("select days_to_discovery from marts.ledger_links where status <> 'pending'")
    ]
    assert days and all(0 < d <= 10 for d in days)
