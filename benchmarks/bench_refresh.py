"""End-to-end refresh cost, measured in one run: `uv run python benchmarks/bench_refresh.py`.

Worlds (built with the project's generator, dagster_project/samplegen/worlds.py, into --workdir):
- BIG: `--rows` Semrush backlink rows (default 2M) in one export per site (the site and its three
  competitors), referring hosts Zipf-distributed over `--hosts`;
- WEEKS: weekly full Semrush exports (`--weekly-rows` a week, 2% churn a week).

Measured, each in its own process (wall seconds, CPU seconds and peak RSS of the process tree):
1. floor     — DuckDB parses the BIG CSVs and counts distinct source URLs;
2. notebook  — pandas + tldextract: read, host, registrable domain (row by row), dedup;
3. refresh   — `backlinks refresh` of BIG into a fresh warehouse, with the CLI's own split
               (start-up, landing, checks, models, publish; its "Time:" line);
4. sample    — `backlinks refresh` of the bundled sample into a fresh warehouse (and a new Dagster
               home), with deterministic counts (dbt nodes, Dagster events stored for the run),
               then again with nothing new (the no-op refresh); `--only sample --repeat N`
               repeats the pair (wall time on a shared machine is noise, CPU seconds much less);
5. weeks     — a full refresh of 2 weeks, one more week (the first refresh of a new warehouse has
               no previous generation to start from, so it copies), then the measured one: +1 week
               on 3 weeks; the same from 11 weeks: +1 week on 12 weeks. One more week should cost
               about the same on both histories (target <= 1.3x) and <= 15% of a full refresh.

Prints one table; figures go to the README with the date and machine. Not part of pytest.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CONFIG = ROOT / "data" / "sites.yml"
SNAPSHOT = dt.date(2026, 10, 5)
FIRST_WEEK = dt.date(2026, 6, 1)  # a Monday
BACKLINKS = Path(sys.executable).parent / "backlinks"


# ------------------------------------------------------------------------------------ children


def child_floor(files: list[str]) -> dict:
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    rows, distinct = con.sql(
        'select count(*), count(distinct "Source url") from read_csv($files, header = true, all_varchar = true)',
        params={"files": files},
    ).fetchall()[0]
    return {"seconds": time.perf_counter() - start, "rows": rows, "distinct_sources": distinct}


def child_notebook(files: list[str]) -> dict:
    """What the notebook this warehouse replaces does (the README's baseline)."""
    from urllib.parse import urlsplit

    import pandas as pd
    import tldextract

    start = time.perf_counter()
    extract = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
    frame = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    frame["source_host"] = [(urlsplit(u).hostname or "").lower() for u in frame["Source url"]]
    frame["source_domain"] = [extract(u).top_domain_under_public_suffix.lower() for u in frame["Source url"]]
    frame = frame.drop_duplicates(subset=["Source url", "Target url"])
    return {"seconds": time.perf_counter() - start, "rows": len(frame)}


# ------------------------------------------------------------------------------------ helpers


class PeakRss:
    """Peak resident memory of a process and all its children (dbt runs in a child), polled; and
    the CPU seconds (user + system) of every process of the tree, as last seen by the poll: what
    rusage of waited-for children would miss (the validation worker is never waited for)."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self.cpu_by_pid: dict[int, float] = {}
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                rss = 0
                for p in tree:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
                        times = p.cpu_times()
                        self.cpu_by_pid[p.pid] = times.user + times.system
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            self._stop.wait(0.05)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_pid.values())


def run_child(name: str, files: list[Path]) -> dict:
    cmd = [sys.executable, __file__, "--child", name, *map(str, files)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = PeakRss(proc.pid)
    out, _ = proc.communicate()
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak.stop()
    return result


TIME_LINE = re.compile(r"Time: ([\d.]+) s \((.*)\)")


def refresh(inbox: Path, warehouse: Path, log: Path, *extra: str) -> dict:
    """`backlinks refresh` as a user runs it; wall seconds, peak MB, exit code, the CLI's split."""
    env = {**os.environ, "COLUMNS": "160"}
    start = time.perf_counter()
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ backlinks refresh --inbox {inbox} --warehouse {warehouse} {' '.join(extra)}\n")
        out.flush()
        proc = subprocess.Popen(
            [str(BACKLINKS), "refresh", "--config", str(CONFIG), "--inbox", str(inbox), "--warehouse", str(warehouse), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        peak = PeakRss(proc.pid)
        text, _ = proc.communicate()
        out.write(text)
    result = {
        "seconds": time.perf_counter() - start,
        "peak_mb": peak.stop(),
        "exit": proc.returncode,
        "split": {},
        # CPU of the CLI and every process it started (dbt, the validation worker), as last polled
        # (a process's last 50 ms may be missed): steadier than wall time on a shared machine
        "cpu_s": peak.cpu_seconds,
    }
    match = TIME_LINE.search(text)
    if match:
        for part in match[2].split(", "):
            name, _, value = part.rpartition(" ")
            result["split"][name] = float(value)
    return result


def slowest_dbt_nodes(warehouse: Path, count: int = 12) -> list[str]:
    """The dbt nodes of the warehouse's last build, slowest first (its run_results.json)."""
    results = json.loads((warehouse.parent / "logs" / f"{warehouse.stem}-dbt" / "run_results.json").read_text())
    nodes = sorted(results["results"], key=lambda r: -r["execution_time"])
    lines = [
        f"  {r['execution_time']:6.1f} s  {r['unique_id'].split('.')[-2 if r['unique_id'].startswith('test') else -1]}"
        for r in nodes[:count]
    ]
    by_kind: dict[str, float] = {}
    for r in results["results"]:
        by_kind[r["unique_id"].split(".")[0]] = by_kind.get(r["unique_id"].split(".")[0], 0.0) + r["execution_time"]
    summary = ", ".join(f"{kind}s {seconds:.0f} node-s" for kind, seconds in sorted(by_kind.items()))
    return [f"dbt build {results['elapsed_time']:.1f} s ({summary}); slowest nodes:", *lines]


def run_counts(warehouse: Path) -> dict:
    """Deterministic counts of the warehouse's last run: dbt nodes (run_results.json) and the
    Dagster events stored for it (its run's file in the instance beside the warehouse)."""
    import sqlite3

    counts = {}
    results = warehouse.parent / "logs" / f"{warehouse.stem}-dbt" / "run_results.json"
    if results.exists():
        counts["dbt_nodes"] = len(json.loads(results.read_text())["results"])
    runs = sorted((warehouse.parent / ".dagster_home" / "history" / "runs").glob("*-*.db"), key=os.path.getmtime)
    if runs:
        with contextlib.closing(sqlite3.connect(runs[-1])) as con:
            counts["events"] = con.execute("select count(*) from event_logs").fetchone()[0]
    return counts


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# ------------------------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows of the BIG world")
    parser.add_argument("--hosts", type=int, default=200_000, help="distinct referring hosts")
    parser.add_argument("--weekly-rows", type=int, default=250_000, help="rows of one weekly full export (all sites)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=["big", "sample", "weeks"], help="big, sample, weeks")
    parser.add_argument("--repeat", type=int, default=1, help="run the sample step this many times")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"floor": child_floor, "notebook": child_notebook}[args.child](args.files)))
        return 0

    from dagster_project.samplegen import worlds

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "refreshes.log"
    rows: list[tuple[str, dict]] = []

    if "big" in args.only:
        inbox = fresh(work / "big")
        started = time.perf_counter()
        files = worlds.site_exports(inbox, args.rows, args.hosts, 11, SNAPSHOT)
        print(
            f"BIG: {args.rows:,} rows in {len(files)} files ({time.perf_counter() - started:.0f} s to write)",
            flush=True,
        )
        floor, notebook = run_child("floor", files), run_child("notebook", files)
        rows += [("DuckDB parse + distinct sources (floor)", floor), ("pandas + tldextract notebook", notebook)]
        for stale in work.glob("big.duckdb*"):
            stale.unlink()
        big = refresh(inbox, work / "big.duckdb", log)
        big["vs_notebook"], big["vs_floor"] = big["seconds"] / notebook["seconds"], big["seconds"] / floor["seconds"]
        rows.append((f"backlinks refresh, {args.rows:,} rows, fresh", big))
        print("\n".join(slowest_dbt_nodes(work / "big.duckdb")), flush=True)

    if "sample" in args.only:
        for _ in range(args.repeat):
            # its own folder: a fresh warehouse, and a new Dagster home beside it, as a new user has
            warehouse = fresh(work / "sample") / "sample.duckdb"
            sample = refresh(ROOT / "data" / "sample", warehouse, log)
            sample["counts"] = run_counts(warehouse)
            rows.append(("backlinks refresh, bundled sample, fresh", sample))
            rows.append(("backlinks refresh, sample, nothing new", refresh(ROOT / "data" / "sample", warehouse, log)))

    if "weeks" in args.only:
        # A full refresh of `history` weekly exports; one more week (the first refresh after a new
        # warehouse copies the published file: there is no previous generation yet); then the
        # measured one: one more weekly full export on history + 1 weeks, started from the
        # previous generation (generations.py), as every refresh in steady state is.
        for history in (2, 11):
            inbox = fresh(work / f"weeks{history}")
            for stale in work.glob(f"weeks{history}.duckdb*"):
                stale.unlink()
            warehouse = work / f"weeks{history}.duckdb"
            worlds.weekly_history(inbox, range(history), args.weekly_rows, args.hosts, 23, FIRST_WEEK)
            rows.append((f"full refresh, {history} weekly exports", refresh(inbox, warehouse, log)))
            worlds.weekly_history(inbox, range(history, history + 1), args.weekly_rows, args.hosts, 23, FIRST_WEEK)
            rows.append((f"+1 weekly export on {history} weeks (copies)", refresh(inbox, warehouse, log)))
            worlds.weekly_history(inbox, range(history + 1, history + 2), args.weekly_rows, args.hosts, 23, FIRST_WEEK)
            rows.append((f"+1 weekly export on {history + 1} weeks", refresh(inbox, warehouse, log)))

    print(f"\n{dt.date.today()} · {os.cpu_count()} CPUs · workdir {work}")
    header = f"{'measurement':<44} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} {'exit':>4}  split / ratios"
    print(header + "\n" + "-" * (len(header) + 40))
    for label, r in rows:
        notes = ", ".join(f"{k} {v:.1f}" for k, v in r.get("split", {}).items())
        if "vs_notebook" in r:
            notes = f"{r['vs_notebook']:.2f}x notebook, {r['vs_floor']:.0f}x floor; " + notes
        if "counts" in r:
            notes += "; " + ", ".join(f"{k} {v}" for k, v in r["counts"].items())
        cpu = f"{r['cpu_s']:.1f}" if "cpu_s" in r else ""
        print(f"{label:<44} {r['seconds']:>7.1f} {cpu:>6} {r['peak_mb']:>8.0f} {r.get('exit', ''):>4}  {notes}")
    by_label = dict(rows)
    if "+1 weekly export on 12 weeks" in by_label:
        inc3, inc12 = by_label["+1 weekly export on 3 weeks"], by_label["+1 weekly export on 12 weeks"]
        full11 = by_label["full refresh, 11 weekly exports"]
        print(f"\n+1 week on 12 weeks / on 3 weeks: {inc12['seconds'] / inc3['seconds']:.2f}x (target <= 1.3x); "
              f"/ full refresh of 11 weeks: {inc12['seconds'] / full11['seconds']:.0%} (target <= 15% of 12 weeks)")  # fmt: skip
    print(f"log of every refresh: {log}")
    return 0 if all(r.get("exit", 0) == 0 for _, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
