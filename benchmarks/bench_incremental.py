"""Full refresh vs incremental refresh, same run: `uv run python benchmarks/bench_incremental.py`.

1. Writes `--snapshots` weekly backlink exports holding `--links` links in all (column-wise,
   samplegen.generate_backlink_rows_file; one vendor format per snapshot).
2. FULL: one refresh run over every snapshot into an empty warehouse (land + dbt build + publish).
3. INCREMENTAL: adds one snapshot of `--share` of the rows and refreshes its partition only.
4. MODELS: reruns the latest partition with nothing new and `full_refresh` (dbt --full-refresh):
   the cost of rebuilding every model from raw without landing anything (skip: --no-models).

Each run goes through the refresh job in-process exactly like `backlinks refresh`; the table gives
wall seconds per step and the CPU seconds of this process and its children (dbt), which keep their
meaning on a busy machine. The slowest dbt nodes of each run follow. Not part of pytest: at the
default 5M links it takes tens of minutes on 2 cores. Scratch data goes to --workdir (default a
temp folder), never into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("ahrefs_utf8", "semrush", "majestic", "moz", "ahrefs")
FIRST_SNAPSHOT = dt.date(2026, 1, 5)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def write_snapshot(inbox: Path, index: int, day: dt.date, rows: int, hosts: int) -> Path:
    from dagster_project.samplegen import generate_backlink_rows_file

    fmt = FORMATS[index % len(FORMATS)]
    return generate_backlink_rows_file(
        inbox / fmt / f"{fmt}-backlinks_{day.isoformat()}.csv", fmt, rows, hosts, 1000 + index
    )


def run(label: str, start: str, end: str, log: Path, full_refresh: bool = False) -> dict:
    """One refresh-job run over [start, end]; wall seconds per step, CPU seconds, success."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.defs.automation.partitions import range_tags

    job = defs().resolve_job_def("refresh")
    run_config = {
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        "ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}},
    }
    instance = dg.DagsterInstance.ephemeral()
    wall, cpu = time.perf_counter(), cpu_seconds()
    with open(log, "a", encoding="utf-8") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config, tags=range_tags([start, end])
        )
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    steps = {s.step_key: (s.end_time or 0) - (s.start_time or 0) for s in instance.get_run_step_stats(result.run_id)}
    land = steps.get("landed_exports", 0.0)
    dbt = steps.get("warehouse_models", 0.0)
    publish = steps.get("warehouse__published", steps.get("published_warehouse", 0.0))
    checks = sum(v for k, v in steps.items() if k not in ("landed_exports", "warehouse_models") and "publish" not in k)
    return {"label": label, "ok": result.success, "land": land, "checks": checks, "dbt": dbt, "publish": publish,
            "wall": wall, "cpu": cpu, "nodes": slowest_nodes()}  # fmt: skip


def slowest_nodes(n: int = 8) -> list[tuple[str, float]]:
    """The slowest nodes of the last dbt invocation (its run_results.json, next to the warehouse)."""
    from dagster_project import settings

    results = settings.resolve().dbt_target / "run_results.json"
    if not results.exists():
        return []
    data = json.loads(results.read_text())
    nodes = [(r["unique_id"].split(".")[-1], r["execution_time"]) for r in data["results"]]
    return sorted(nodes, key=lambda x: -x[1])[:n]


def warehouse_size(path: Path) -> tuple[int, int, int]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        raw = con.sql("select count(*) from raw.backlinks").fetchall()[0][0]
        links = con.sql("select count(*) from marts.fct_backlinks").fetchall()[0][0]
        obs = con.sql("select count(*) from intermediate.int_backlinks__observations").fetchall()[0][0]
    return raw, links, obs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=5_000_000, help="links in the warehouse before the increment")
    parser.add_argument("--snapshots", type=int, default=5, help="weekly snapshots holding them")
    parser.add_argument("--share", type=float, default=0.01, help="size of the added snapshot, as a share of --links")
    parser.add_argument("--hosts", type=int, default=200_000, help="distinct referring hosts")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-models", action="store_true", help="skip the models-only full rebuild")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    inbox, warehouse = work / "inbox", work / "warehouse.duckdb"
    shutil.rmtree(inbox, ignore_errors=True)
    for stale in work.glob("warehouse.duckdb*"):
        stale.unlink()
    os.environ.update(
        BACKLINKS_INBOX=str(inbox), BACKLINKS_WAREHOUSE=str(warehouse), BACKLINKS_CONFIG=str(ROOT / "data" / "sites.yml"),
        DAGSTER_DISABLE_TELEMETRY="true", GX_ANALYTICS_ENABLED="false", TQDM_DISABLE="1",
    )  # fmt: skip
    from dagster_project import settings

    settings.export(settings.resolve())
    log = work / "runs.log"

    days = [FIRST_SNAPSHOT + dt.timedelta(weeks=i) for i in range(args.snapshots + 1)]
    per_snapshot = args.links // args.snapshots
    started = time.perf_counter()
    for i, day in enumerate(days[:-1]):
        write_snapshot(inbox, i, day, per_snapshot, args.hosts)
    print(
        f"wrote {args.snapshots} snapshots x {per_snapshot:,} rows in {time.perf_counter() - started:.0f} s under {inbox}"
    )

    results = [run("full refresh (land all + build all)", days[0].isoformat(), days[-2].isoformat(), log)]
    raw, links, obs = warehouse_size(warehouse)
    added = int(args.links * args.share)
    write_snapshot(inbox, args.snapshots, days[-1], added, args.hosts)
    results.append(run(f"incremental (+1 snapshot, {added:,} rows)", days[-1].isoformat(), days[-1].isoformat(), log))
    if not args.no_models:
        results.append(run("models only, dbt --full-refresh", days[-1].isoformat(), days[-1].isoformat(), log, True))

    print(
        f"\nwarehouse before the increment: {raw:,} raw rows, {links:,} links, {obs:,} observations; {os.cpu_count()} CPUs"
    )
    header = (
        f"{'run':<40} {'land':>7} {'checks':>7} {'dbt':>7} {'publish':>8} {'wall s':>8} {'cpu s':>8} {'vs full':>8}"
    )
    print(header + "\n" + "-" * len(header))
    full = results[0]
    for r in results:
        print(
            f"{r['label']:<40} {r['land']:>7.1f} {r['checks']:>7.1f} {r['dbt']:>7.1f} {r['publish']:>8.1f} "
            f"{r['wall']:>8.1f} {r['cpu']:>8.1f} {r['wall'] / full['wall']:>7.0%}" + ("" if r["ok"] else "  FAILED")
        )
    for r in results:
        print(f"\nslowest dbt nodes, {r['label']}:")
        for name, seconds in r["nodes"]:
            print(f"  {seconds:>7.1f} s  {name}")
    print(f"\nlogs: {log}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
