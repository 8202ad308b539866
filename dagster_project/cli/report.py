"""`backlinks report [--out FILE]`: one self-contained HTML report with charts, offline."""

from __future__ import annotations

from pathlib import Path

import click

from dagster_project.cli import common


@click.command("report")
@common.paths_options
@click.option(
    "--out", "out_path", type=click.Path(dir_okay=False), help="HTML file [default: report.html next to the warehouse]."
)
def command(config_path, warehouse_path, out_path) -> None:
    """Write a self-contained HTML report with charts (works offline; nothing is fetched)."""
    from dagster_project.report.build import build_report

    paths = common.resolve(config_path, None, warehouse_path)
    out = Path(out_path).expanduser().resolve() if out_path else paths.warehouse.parent / "report.html"
    if out.is_dir():
        common.fail(f"--out {out} is a folder; name the HTML file")
    with common.reading(paths.warehouse):
        try:
            written = build_report(paths.warehouse, out)
        except LookupError as exc:
            common.fail(str(exc))
    click.echo(f"Report written to {written} ({written.stat().st_size / 1e6:.1f} MB); open it in any browser, offline.")
