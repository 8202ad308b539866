"""`backlinks disavow`: write a Google disavow file from marts.disavow_candidates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from dagster_project import settings
from dagster_project.cli import common
from dagster_project.config import ConfigError, load_config
from dagster_project.disavow import DisavowError, candidates, diff, render


@click.command("disavow")
@common.paths_options
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write the file here (default: stdout).")
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(dir_okay=False),
    help="The disavow file uploaded last time: show what this one adds and removes.",
)
def command(config_path, warehouse_path, out_path, previous_path) -> None:
    """Write a Google disavow file from the current toxicity model (marts.disavow_candidates)."""
    paths = settings.resolve(config_path, None, warehouse_path)
    try:
        config = load_config(paths.config)
    except ConfigError as exc:
        common.fail(str(exc))
    previous_text = None
    if previous_path:
        try:
            previous_text = Path(previous_path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            common.fail(f"cannot read the previous disavow file {previous_path}: {exc}")

    with common.reading(paths.warehouse):
        rows = candidates(paths.warehouse, config.site.domain)
    if rows is None:
        common.fail(f"{paths.warehouse} has no marts.disavow_candidates yet: run `backlinks refresh` first")
    try:
        result = render(
            rows,
            site=config.site.domain,
            generated_on=dt.date.today(),
            never=config.disavow.never,
            protected=config.site_domains,
        )
    except DisavowError as exc:
        common.fail(str(exc), common.EXIT_PROBLEMS)

    if out_path:
        Path(out_path).write_bytes(result.text.encode("utf-8"))
    else:
        click.echo(result.text, nl=False)
    click.echo(
        f"{len(result.entries)} entries ({len(result.domains)} domains, {len(result.private_sites)} sites on "
        f"shared hosts, {len(result.urls)} URLs)" + (f" written to {out_path}" if out_path else ""),
        err=True,
    )
    for entry, why in result.skipped:
        click.echo(f"  left out {entry}: {why}", err=True)
    if previous_text is not None:
        change = diff(previous_text, result.text)
        click.echo(
            f"Against {previous_path}: {len(change.added)} added, {len(change.removed)} removed, {len(change.kept)} kept",
            err=True,
        )
        for entry in change.added:
            click.echo(f"  + {entry}", err=True)
        for entry in change.removed:
            click.echo(f"  - {entry}", err=True)
        for problem in change.previous_problems:
            click.echo(f"  ! previous file {problem} (Google ignores such lines)", err=True)
