"""Benchmark worlds: the site and its three competitors, exported by one tool, at any scale.

- `site_exports`: one backlinks export per site, `rows` in all, referring hosts Zipf-distributed
  (a few hosts hold many links, most hold one or two, as in real link graphs).
- `weekly_history`: weekly *full* exports (every live link, every week) of a link population with
  churn: each week a share of the links is lost and as many new ones appear, so every export has
  about the same size and a warehouse of 12 weeks holds 4x the observations of one of 3 weeks.

Rows are built column-wise by `bigfile.random_observations` and written in chunks by the vendor
writers, so the bytes are those of the real format. Same arguments, same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.bigfile import CHUNK_ROWS, random_observations, render

ZIPF = 1.1  # exponent of the referring-host distribution


def _write(path: Path, obs: pl.DataFrame, fmt: str, snapshot: dt.date) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for offset in range(0, max(obs.height, 1), CHUNK_ROWS):
            chunk = obs.slice(offset, CHUNK_ROWS)
            fh.write(render(chunk, fmt, header=offset == 0, total_rows=obs.height, snapshot=snapshot))
    return path


def export_path(inbox: Path, fmt: str, site: str, snapshot: dt.date) -> Path:
    """Where a tool's export of `site` on `snapshot` lands: `<fmt>/<date>/<site>-backlinks.csv`."""
    return Path(inbox) / fmt / snapshot.isoformat() / f"{site}-backlinks.csv"


def site_exports(inbox: Path, rows: int, hosts: int, seed: int, snapshot: dt.date, fmt: str = "semrush") -> list[Path]:
    """One `fmt` export per configured site, `rows` in all (split evenly), on `snapshot`."""
    paths = []
    for i, site in enumerate(V.SITES):
        share = rows // len(V.SITES) + (1 if i < rows % len(V.SITES) else 0)
        obs = random_observations(share, max(1, hosts // len(V.SITES)), seed + i, sites=(site,), zipf=ZIPF)
        paths.append(_write(export_path(inbox, fmt, site, snapshot), obs, fmt, snapshot))
    return paths


def weekly_population(live: int, weeks: int, churn: float, hosts: int, seed: int, site: str) -> pl.DataFrame:
    """The links of `site` over `weeks` weeks: `live` links at week 0, then each week `churn` of the
    live links is lost and as many new links appear. Columns: writers.OBS_SCHEMA plus `born`
    (first week it is live; 0 for links older than the history) and `dies` (first week it is not)."""
    rng = np.random.default_rng(seed)
    born_later = int(live * churn) * weeks
    obs = random_observations(live + born_later, hosts, seed, sites=(site,), zipf=ZIPF)
    born = np.concatenate([np.zeros(live, dtype=np.int64), 1 + np.arange(born_later) // max(1, int(live * churn))])
    lifetime = rng.geometric(churn, size=born.size) if churn > 0 else np.full(born.size, weeks + 1)
    return obs.with_columns(born=pl.Series(born), dies=pl.Series(born + lifetime))


def weekly_export(population: pl.DataFrame, week: int, first_week: dt.date) -> pl.DataFrame:
    """The full export of week `week`: every link live that week, last seen on its date."""
    day = first_week + dt.timedelta(weeks=week)
    seen = dt.datetime.combine(day, dt.time(6))
    start = dt.datetime.combine(first_week, dt.time(6))
    live = population.filter((pl.col("born") <= week) & (pl.col("dies") > week))
    return live.with_columns(
        # links older than the history keep their random first-seen date; later ones are first seen the week they appear
        first_seen=pl.when(pl.col("born") == 0)
        .then(pl.min_horizontal("first_seen", pl.lit(start)))
        .otherwise(pl.lit(start) + pl.duration(weeks=pl.col("born"))),
        last_seen=pl.lit(seen),
        new_link=pl.col("born") == week,
        lost_link=pl.lit(False),
        lost_at=pl.lit(None, dtype=pl.Datetime("us")),
        lost_status=pl.lit(None, dtype=pl.String),
        drop_reason=pl.lit(None, dtype=pl.String),
    ).drop("born", "dies")


def weekly_history(
    inbox: Path,
    weeks: range,
    rows_per_week: int,
    hosts: int,
    seed: int,
    first_week: dt.date,
    churn: float = 0.02,
    total_weeks: int = 13,
    fmt: str = "semrush",
) -> list[Path]:
    """Write the weekly full exports of `weeks` (week 0 = `first_week`) for every site, from one
    population of `total_weeks` weeks, so a world of 3 weeks and one of 12 share their first weeks
    and the week after them is the same export whatever came before."""
    paths = []
    for i, site in enumerate(V.SITES):
        population = weekly_population(rows_per_week // len(V.SITES), total_weeks, churn, max(1, hosts // len(V.SITES)),
                                       seed + i, site)  # fmt: skip
        for week in weeks:
            day = first_week + dt.timedelta(weeks=week)
            paths.append(
                _write(export_path(inbox, fmt, site, day), weekly_export(population, week, first_week), fmt, day)
            )
    return paths
