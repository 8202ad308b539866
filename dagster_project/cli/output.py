"""What a run prints: progress lines, the summary tables, the checks and the "Time:" line."""

from __future__ import annotations

import time
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from dagster_project.cli import common
from dagster_project.cli.job import RunOutcome, run_log_path


class ProgressPrinter:
    """Plain progress lines (they survive CI logs and pipes better than live bars)."""

    def __init__(self) -> None:
        self.files = 0
        self.models = 0

    def __call__(self, event: str, data: dict) -> None:
        console = common.console
        if event == "file":
            self.files += 1
            status = data["status"]
            colour = {"loaded": "green", "rejected": "red"}.get(status, "yellow")
            # file names and errors come from the inbox: never interpret them as markup
            extra = f" — {escape(data['error'])}" if data.get("error") else ""
            console.print(
                f"  [{colour}]{status:>8}[/] {escape(data['file_name'])} "
                f"[dim]{data.get('detected_format') or ''} rows {data['rows_loaded']:,}/{data['rows_read']:,}"
                f"{', quarantined ' + format(data['rows_quarantined'], ',') if data['rows_quarantined'] else ''}[/]{extra}"
            )
        elif event == "model":
            self.models += 1
            if self.models == 1:
                console.print("[bold]Building models[/] (dbt build: models, tests, contracts)")
        elif event == "models_skipped":
            console.print(f"[bold]Models not rebuilt[/]: {escape(data['reason'])}")
        elif event == "published":
            console.print(f"  {self.models} models built")
            console.print(f"[bold]Published[/] {data['path']}")


def render_summary(warehouse_path: Path) -> None:
    from dagster_project.summary import build_summary

    for section in build_summary(warehouse_path).sections:
        table = Table(title=section.title, title_justify="left", show_edge=False, header_style="bold")
        for column in section.columns:
            table.add_column(column, overflow="fold")
        for row in section.rows:
            table.add_row(*[escape(fmt(v)) for v in row])  # cells hold web text: no markup
        common.console.print(table)
        if section.note:
            common.console.print(f"  [dim]{section.note}[/]")
        common.console.print()


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
    return f"Time: {now - common.STARTED:.1f} s (" + ", ".join(f"{name} {seconds:.1f}" for name, seconds in parts.items()) + ")"


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
    if not outcome.success:
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
