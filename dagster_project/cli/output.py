"""What a run prints: its progress (lines, or bars on a terminal), the summary tables, the checks and
the "Time:" line."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dagster_project import settings
from dagster_project.cli import common
from dagster_project.cli.job import RunOutcome, run_log_path

# Plain progress (not a terminal, or CI): the dbt build prints a line at each quarter of its
# nodes and every PLAIN_SECONDS while nodes finish, never one line per node.
PLAIN_STEPS = 4
PLAIN_SECONDS = 10.0
# A landing of this many files or more shows a bar on a terminal instead of a line per file
# (files that were rejected or had rows quarantined still get their line).
LANDING_BAR_FILES = 50


def live_progress(console: Console, environ: Mapping[str, str] = os.environ) -> bool:
    """Live bars only on a real terminal: not piped, not a dumb terminal, not CI (a CI log would
    keep every frame of a bar)."""
    ci = environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return console.is_terminal and not console.is_dumb_terminal and not ci


def file_line(data: dict) -> str:
    """One landed file, as rich markup."""
    status = data["status"]
    colour = {"loaded": "green", "rejected": "red"}.get(status, "yellow")
    # file names and errors come from the inbox: never interpret them as markup
    extra = f" — {escape(data['error'])}" if data.get("error") else ""
    quarantined = data.get("rows_quarantined") or 0
    return (
        f"  [{colour}]{status:>8}[/] {escape(data['file_name'])} "
        f"[dim]{data.get('detected_format') or ''} rows {data['rows_loaded']:,}/{data['rows_read']:,}"
        f"{', quarantined ' + format(quarantined, ',') if quarantined else ''}[/]{extra}"
    )


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("  {task.description}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", style="dim", markup=False),  # a file name is not markup
        console=console,
        transient=True,  # the final tally line replaces it
        # the job's own output is redirected to the run log: a bar must not take stdout back
        redirect_stdout=False,
        redirect_stderr=False,
    )


def _clip(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class BuildProgress:
    """The dbt build's progress from "dbt_node" events (dagster_project.progress): nodes done of
    the build's total (models, seeds and tests: dbt's own count), the node running, the time."""

    def __init__(self, console: Console, live: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.console, self.live, self.clock = console, live, clock
        self.total = self.done = 0
        self.built = self.tests = self.failed = self.skipped = self.noop = 0
        self.running: dict[str, None] = {}  # started and not done, latest last
        self.latest = ""
        self.started_at: float | None = None
        self._printed = (0, 0.0)  # (done, time) at the last plain line
        self._bar: Progress | None = None

    @property
    def current(self) -> str:
        """The node to show: the latest one started that is still running (else the latest started)."""
        return next(reversed(self.running), self.latest)

    def __call__(self, data: dict) -> None:
        now = self.clock()
        self.total = max(self.total, data.get("total") or 0)
        if self.started_at is None:
            self.started_at = now
            self._printed = (0, now)
            self.console.print(f"[bold]Building models[/]: dbt build of {self.total:,} nodes (models, seeds, tests)")
            if self.live:
                self._bar = _bar(self.console)
                self._bar.add_task("dbt", total=self.total, current="")
                self._bar.start()
        if data["phase"] == "start":
            self.running[data["name"]] = None
            self.latest = data["name"]
        else:
            self.running.pop(data["name"], None)
            self.done += 1
            status = data.get("status") or ""
            if status == "skipped":
                self.skipped += 1
            elif status == "no-op":  # an exposure: documented, nothing to run
                self.noop += 1
            elif data.get("kind") == "test":
                self.tests += 1
            else:
                self.built += 1
            self.failed += status in ("error", "fail")
        if self._bar is not None:
            self._bar.update(self._bar.task_ids[0], completed=self.done, total=self.total, current=_clip(self.current))
        elif self._plain_line_due(now):
            self._printed = (self.done, now)
            self.console.print(
                f"  dbt {self.done:,}/{self.total:,} nodes · {now - self.started_at:.0f} s · {escape(self.current)}"
            )

    def _plain_line_due(self, now: float) -> bool:
        done, at = self._printed
        if self.done <= done or self.done >= self.total:  # the last one is finish()'s line
            return False
        step = max(1, -(-self.total // PLAIN_STEPS))
        # a quarter crossed just after a timed line adds nothing
        quarter = self.done // step > done // step and now - at >= PLAIN_SECONDS / 4
        return quarter or now - at >= PLAIN_SECONDS

    def finish(self) -> None:
        """The build is over (or the run is): remove the bar, print the tally once."""
        if self.started_at is None:
            return
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        seconds = self.clock() - self.started_at
        self.started_at = None
        extra = "".join(
            f", [{colour}]{count:,} {what}[/]"
            for count, what, colour in ((self.failed, "failed", "red"), (self.skipped, "skipped", "yellow"))
            if count
        )
        self.console.print(
            f"  dbt {self.done:,}/{self.total:,} nodes in {seconds:.1f} s: {self.built:,} models built, "
            f"{self.tests:,} tests run" + (f", {self.noop:,} exposures" if self.noop else "") + extra
        )


class ProgressPrinter:
    """What a run prints while it runs: a line per landed file (a bar instead on a terminal when
    there are many), then the dbt build's progress (BuildProgress)."""

    def __init__(
        self, files_total: int | None = None, console: Console | None = None, live: bool | None = None
    ) -> None:
        self.console = console or common.console
        self.live = live_progress(self.console) if live is None else live
        self.files_total = files_total or 0
        self.files: Counter[str] = Counter()
        self.build = BuildProgress(self.console, self.live)
        self._landing: Progress | None = None

    def __call__(self, event: str, data: dict) -> None:
        if event == "file":
            self._file(data)
        elif event == "dbt_node":
            self._end_landing()
            self.build(data)
        elif event == "dbt_finished":
            self.build.finish()
        elif event == "models_skipped":
            self._end_landing()
            self.console.print(f"[bold]Models not rebuilt[/]: {escape(data['reason'])}")
        elif event == "published":
            self.close()
            self.console.print(f"[bold]Published[/] {escape(data['path'])}")
        elif event == "run_finished":
            self.close()

    def _file(self, data: dict) -> None:
        self.files[data["status"]] += 1
        if (
            self._landing is None
            and self.live
            and self.files_total >= LANDING_BAR_FILES
            and sum(self.files.values()) == 1
        ):
            self._landing = _bar(self.console)
            self._landing.add_task("landing", total=self.files_total, current="")
            self._landing.start()
        if self._landing is None:
            self.console.print(file_line(data))
            return
        if data["status"] != "loaded" or data.get("rows_quarantined"):
            self._landing.console.print(file_line(data))  # above the bar
        self._landing.update(
            self._landing.task_ids[0], completed=sum(self.files.values()), current=_clip(data["file_name"])
        )
        if sum(self.files.values()) >= self.files_total:
            self._end_landing()

    def _end_landing(self) -> None:
        if self._landing is None:
            return
        self._landing.stop()
        self._landing = None
        counts = ", ".join(f"{count:,} {status}" for status, count in sorted(self.files.items()))
        self.console.print(f"  {sum(self.files.values()):,} files: {counts}")

    def close(self) -> None:
        """The run ended (or failed): no bar may stay on screen."""
        self._end_landing()
        self.build.finish()


# --- the summary ----------------------------------------------------------------------------------

SUMMARY_WIDTH = 100  # the default summary fits this many columns (fewer on a narrower terminal)
# The widest the default summary lets a cell of these columns get; a longer value ends in "…".
_URL_WIDTH, _LIST_WIDTH, _TEXT_WIDTH = 60, 44, 60
_TEXT_COLUMNS = {"detail", "error", "health_flags", "file_name"}


def render_summary(warehouse_path: Path, verbose: bool = False, console: Console | None = None) -> None:
    """The summary (dagster_project.summary): by default the sections a strategist reads first,
    their top rows, one line per row in SUMMARY_WIDTH columns; `verbose`: everything."""
    from dagster_project.summary import build_summary

    console = console or common.console
    width = console.width if verbose else min(console.width, SUMMARY_WIDTH)
    hidden = 0
    for section in build_summary(warehouse_path).sections:
        if not verbose and section.brief_rows is None:
            hidden += 1
            continue
        rows = section.rows if verbose else section.rows[: section.brief_rows]
        if section.plain and not verbose:  # sentences: a line each, no table around them
            console.print(
                Text(section.heading(len(rows)), style="bold"), width=width, no_wrap=True, overflow="ellipsis"
            )
            for row in rows:
                console.print(Text(f"  {fmt(row[0])}"), width=width, no_wrap=True, overflow="ellipsis")
            console.print()  # a plain section's title names its query; the note is for --verbose
            continue
        columns = section.columns if verbose or not section.brief_columns else section.brief_columns
        positions = [section.columns.index(c) for c in columns]
        grid = [[row[at] for at in positions] for row in rows]
        limits = {} if verbose else column_limits(columns, grid, width)
        console.print(Text(section.heading(len(rows)), style="bold"), width=width, no_wrap=True, overflow="ellipsis")
        table = Table(show_edge=False, header_style="bold")
        for i, column in enumerate(columns):
            values = [row[i] for row in grid if row[i] is not None]
            numeric = bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            table.add_column(
                column,
                justify="right" if numeric else "left",
                no_wrap=not verbose,
                overflow="fold" if verbose else "ellipsis",
                max_width=limits.get(column),
            )
        for row in grid:
            # Text, not markup: cells hold web text
            table.add_row(*[Text(cell(value, column, limits.get(column))) for column, value in zip(columns, row)])
        console.print(table, width=width)
        if section.note:
            console.print(Text(f"  {section.note}", style="dim"), width=width, no_wrap=True, overflow="ellipsis")
        console.print()
    if hidden:
        console.print(Text(f"{hidden} more sections, every row and column: backlinks summary --verbose", style="dim"))


def column_limits(columns: list[str], grid: list[list], width: int) -> dict[str, int]:
    """Widths for the long-text columns (URLs, lists, free text) so that a table row fits `width`:
    the other columns keep their natural width, the long ones share what is left (each at most
    its cap). A table whose short columns alone are too wide is left to rich to squeeze."""
    natural = {c: max([cell_len(c)] + [cell_len(cell(row[i], c)) for row in grid]) for i, c in enumerate(columns)}
    flexible = [c for c in columns if _cap(c) is not None]
    fixed = sum(natural[c] for c in columns if c not in flexible)
    room = width - 2 - 3 * (len(columns) - 1) - fixed  # rich: one space at each edge, " │ " between
    limits: dict[str, int] = {}
    for n, column in enumerate(sorted(flexible, key=lambda c: natural[c])):  # the short ones first
        share = room // (len(flexible) - n)
        limits[column] = max(8, min(natural[column], _cap(column), share))
        room -= limits[column]
    return limits


def _cap(column: str) -> int | None:
    if column.endswith("_url"):
        return _URL_WIDTH
    if column == "competitor_domains":
        return _LIST_WIDTH
    return _TEXT_WIDTH if column in _TEXT_COLUMNS else None


def cell(value, column: str, width: int | None = None) -> str:
    """A summary cell. With a `width` (the default summary): a URL without its scheme, a
    comma-joined list as the whole items that fit, then "+N"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column == "competitor_domains" and isinstance(value, str):
        items = value.split(",")
        return short_list(items, width) if width else ", ".join(items)
    if width and column.endswith("_url") and isinstance(value, str):
        return re.sub(r"^https?://", "", value)
    return fmt(value)


def short_list(items: list[str], width: int) -> str:
    """As many whole items as fit in `width`, then "+N" for the others ("a.com, b.de +2")."""
    for keep in range(len(items), 0, -1):
        text = ", ".join(items[:keep]) + (f" +{len(items) - keep}" if keep < len(items) else "")
        if cell_len(text) <= width:
            return text
    if len(items) == 1:
        return items[0]  # rich ends it with "…"
    more = f"… +{len(items) - 1}"
    return items[0][: max(1, width - len(more))] + more


def fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def timing_line(outcome: RunOutcome, now: float) -> str:
    """Where the seconds of this command went: before the job, its steps, after it (the summary)."""
    steps = outcome.step_seconds
    landing = steps.get("landed_exports", 0.0)
    models = steps.get("warehouse_models", 0.0)
    publish = steps.get("warehouse__published", 0.0)
    checks = sum(steps.values()) - landing - models - publish
    parts = {
        "start-up": outcome.started_at - common.STARTED,
        "landing": landing,
        "checks": checks,
        "models": models,
        "publish": publish,
        "run overhead": (outcome.ended_at - outcome.started_at) - sum(steps.values()),
        "summary": now - outcome.ended_at,
    }
    return (
        f"Time: {now - common.STARTED:.1f} s ("
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in parts.items())
        + ")"
    )


def report_outcome(outcome: RunOutcome, rejected_this_run: list[tuple[str, str]]) -> int:
    """Print the checks, failed steps and rejected files of a run; return its exit status."""
    console = common.console
    console.print(f"[dim]Detailed log: {run_log_path()}[/]")
    console.print(
        f"[bold]Checks:[/] {outcome.passed_checks} passed, "
        + (f"[red]{len(outcome.failed_checks)} failed[/]" if outcome.failed_checks else "0 failed")
        + (f", [yellow]{len(outcome.warned_checks)} warnings[/]" if outcome.warned_checks else "")
    )
    for asset, check, reason in outcome.failed_checks:
        console.print(f"  [red]✗[/] {asset} · {check}" + (f": {reason}" if reason else ""))
    for asset, check, reason in outcome.warned_checks:
        console.print(f"  [yellow]![/] {asset} · {check}" + (f": {reason}" if reason else ""))
    for step in outcome.failed_steps:
        console.print(f"  [red]✗ step[/] {escape(step)}")
    for name, reason in rejected_this_run:
        console.print(f"  [red]rejected[/] {escape(name)}: {escape(reason or '')}")
    if not outcome.success and settings.engine() == "spark":
        console.print("[red]The refresh was not recorded: the next refresh rebuilds what this one landed.[/]")
    elif not outcome.success:
        console.print("[red]The warehouse was not published; readers still see the previous state.[/]")
    console.print(f"[dim]{timing_line(outcome, time.perf_counter())}[/]")
    problems = rejected_this_run or outcome.failed_checks or not outcome.success
    return common.EXIT_PROBLEMS if problems else common.EXIT_OK


def file_listener(printer: ProgressPrinter, rejected: list[tuple[str, str]]):
    """A progress listener that prints and remembers the files this run rejected."""

    def listener(event: str, data: dict) -> None:
        if event == "file" and data["status"] == "rejected":
            rejected.append((data["file_name"], data["error"]))
        printer(event, data)

    return listener
