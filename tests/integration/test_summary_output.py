"""What a refresh of the bundled sample prints: the dbt build's plain progress lines (the CLI's
stdout is a pipe here) and the summary — short and 100 columns wide by default, everything with
--verbose, and every column holding what its header says (checked against the marts)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import pytest
from rich.cells import cell_len
from rich.console import Console

from dagster_project import summary
from dagster_project.cli import output
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e


def rendered(warehouse, width: int = 100, verbose: bool = False) -> list[str]:
    buffer = io.StringIO()
    output.render_summary(warehouse, verbose, Console(file=buffer, width=width, highlight=False, color_system=None))
    return buffer.getvalue().splitlines()


def section(warehouse, title: str) -> summary.Section:
    return next(s for s in summary.build_summary(warehouse).sections if s.title == title)


def test_the_dbt_build_prints_a_few_plain_progress_lines_with_done_and_total(sample_refresh):
    out = sample_refresh.stdout
    header = re.search(r"^Building models: dbt build of (\d+) nodes", out, re.M)
    assert header, out[:3000]
    total = int(header.group(1))
    assert total > 100  # the sample's models, seeds and data tests
    steps = [(int(d), int(t)) for d, t in re.findall(r"^  dbt (\d+)/(\d+) nodes · ", out, re.M)]
    tally = re.search(
        r"^  dbt (\d+)/(\d+) nodes in ([\d.]+) s: (\d+) models built, (\d+) tests run(?:, (\d+) exposures)?", out, re.M
    )
    assert steps and tally, out[-4000:]
    assert all(t == total for _, t in steps) and [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert (int(tally.group(1)), int(tally.group(2))) == (total, total)
    assert int(tally.group(4)) + int(tally.group(5)) + int(tally.group(6) or 0) == total
    # few: one a quarter plus one every PLAIN_SECONDS of the build, never one per node
    seconds = float(tally.group(3))
    assert len(steps) <= output.PLAIN_STEPS + seconds / output.PLAIN_SECONDS + 1
    assert len(steps) < total / 10


def test_the_printed_summary_is_short_and_fits_100_columns(sample_refresh):
    lines = sample_refresh.stdout.splitlines()
    start = lines.index("Link profiles")
    end = next(i for i, line in enumerate(lines) if line.startswith("Detailed log:"))
    printed = lines[start:end]
    assert len(printed) <= 60, "\n".join(printed)
    assert max(map(cell_len, printed)) <= 100
    assert printed[-1] == rendered(sample_refresh.warehouse)[-1]  # the "--verbose" hint


def test_default_summary_leads_with_what_a_strategist_needs(sample_refresh):
    lines = rendered(sample_refresh.warehouse)
    assert len(lines) <= 60 and max(map(cell_len, lines)) <= 100
    titles = [
        s.heading(min(len(s.rows), s.brief_rows))
        for s in summary.build_summary(sample_refresh.warehouse).sections
        if s.brief_rows is not None
    ]
    assert titles[:2] == ["Link profiles", "Top competitor gaps (5 of 17 opportunities)"]
    for title in titles:
        assert title in lines
    for detail in ("Files", "Link profile diversity (latest snapshot)", "Link velocity spikes (weekly)"):
        assert detail not in lines  # with --verbose only
    assert lines[-1].endswith("backlinks summary --verbose")
    # one line per row, even at 80 columns: long cells are cut, not folded
    narrow = rendered(sample_refresh.warehouse, width=80)
    assert len(narrow) == len(lines) and max(map(cell_len, narrow)) <= 80


def test_verbose_shows_every_section_and_row(sample_refresh):
    lines = rendered(sample_refresh.warehouse, width=200, verbose=True)
    text = "\n".join(lines)
    for s in summary.build_summary(sample_refresh.warehouse).sections:
        assert s.heading(len(s.rows)) in lines
        for column in s.columns:
            assert column in text
    gaps = section(sample_refresh.warehouse, "Top competitor gaps")
    assert len(gaps.rows) == 10 and "bladeworks.com, chefsedge.de, sharpstore.com" in text  # lists in full
    assert "https://www.reddit.com/r/chefit/comments/1k29x9/our_kitchen_knife_setup/" in text  # URLs in full


def test_link_profiles_are_each_sites_latest_snapshot_against_its_previous(sample_refresh):
    s = section(sample_refresh.warehouse, "Link profiles")
    rows = [dict(zip(s.columns, row)) for row in s.rows]
    assert next(r["role"] for r in rows) == "site" and {r["role"] for r in rows[1:]} == {"competitor"}
    snapshots = sample_refresh.query(
        "select site_domain, snapshot_date, referring_domains, live_links from marts.profile_diversity"
        " order by site_domain, snapshot_date desc"
    )
    for r in rows:
        (_, latest, domains, links), (_, previous, domains_before, _) = [
            x for x in snapshots if x[0] == r["site_domain"]
        ][:2]
        assert (r["snapshot"], r["ref_domains"], r["live_links"], r["previous_snapshot"]) == (
            latest,
            domains,
            links,
            previous,
        )
        assert int(r["change"]) == domains - domains_before
        new, lost = sample_refresh.query(
            "select count(*) filter (where first_seen > $1), count(*) filter (where lost_at > $1)"
            " from marts.dim_referring_domains where site_domain = $2",
            [previous, r["site_domain"]],
        )[0]
        assert (r["new"], r["lost"]) == (new, lost)
    assert len({r["new"] for r in rows}) > 1  # per site, not one number repeated


def test_competitor_gaps_columns_hold_what_their_headers_say(sample_refresh):
    s = section(sample_refresh.warehouse, "Top competitor gaps")
    assert "opportunities" not in s.columns  # was the same total on every row
    assert (
        s.total == sample_refresh.query("select count(*) from marts.competitor_gaps where is_opportunity")[0][0] == 17
    )
    mart = {
        row[0]: row[1:]
        for row in sample_refresh.query(
            "select source_domain, opportunity_rank, links_to_competitors, competitor_domains, competitors_linked"
            " from marts.competitor_gaps where is_opportunity"
        )
    }
    for row in (dict(zip(s.columns, r)) for r in s.rows):
        rank, links, domains, linked = mart[row["source_domain"]]
        assert (row["rank"], row["links"], row["competitor_domains"]) == (rank, links, domains)
        assert len(domains.split(",")) == linked
    assert len({dict(zip(s.columns, r))["links"] for r in s.rows}) > 1


def test_long_cells_are_cut_whole_and_say_so(sample_refresh):
    lines = rendered(sample_refresh.warehouse)
    gap_rows = [line for line in lines if re.match(r"^ +\d │ ", line) and "+2" in line]
    assert gap_rows  # three competitors, cut to whole names and "+2"
    assert all("bladeworks.com +2" in line for line in gap_rows)
    assert any("│ www.reddit.com/r/chefit/" in line and line.rstrip().endswith("…") for line in lines)  # no scheme, "…"


def test_backlinks_summary_prints_the_published_warehouse(sample_refresh, tmp_path):
    proc = run_cli("summary", "--warehouse", str(sample_refresh.warehouse))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines == rendered(sample_refresh.warehouse)
    missing = run_cli("summary", "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr and "Traceback" not in missing.stderr


READING_COMMANDS = [
    ("summary",),
    ("export", "--out", "{tmp}/exports"),
    ("report", "--out", "{tmp}/r.html"),
    ("disavow",),
]


def test_every_reading_command_while_a_client_holds_the_warehouse_read_write_is_one_line_exit_3(
    sample_refresh, tmp_path
):
    """summary, export, report, disavow and changes share one rule (cli.common.reading): a read-write
    holder is named in one line, exit 3, nothing written; once it lets go the command works."""
    held = tmp_path / "held.duckdb"
    shutil.copy(sample_refresh.warehouse, held)
    client = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
            str(held),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    commands = [[arg.format(tmp=tmp_path) for arg in command] for command in READING_COMMANDS]
    try:
        assert client.stdout.readline().strip() == "open"
        refused = [run_cli(*command, "--warehouse", str(held)) for command in commands]
    finally:
        client.communicate("", timeout=60)
    for command, proc in zip(commands, refused, strict=True):
        assert proc.returncode == 3, (command, proc.stdout + proc.stderr)
        (line,) = proc.stderr.splitlines()
        assert line.startswith(f"error: {held} is open read-write in another process (python"), (command, line)
        assert line.endswith("then run the command again"), line
    assert not (tmp_path / "exports").exists() and not (tmp_path / "r.html").exists()
    assert run_cli("summary", "--warehouse", str(held)).returncode == 0  # once it lets go
