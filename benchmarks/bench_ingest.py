"""Ingest throughput: 1M generated backlink rows through our landing path vs a row-by-row baseline.

    uv run python benchmarks/bench_ingest.py [--rows 1000000] [--hosts 50000] [--baseline-rows 200000]

Each measurement runs in its own process so peak memory (ru_maxrss) is that path's alone.
"ours" = decode → recognise → split rows (Polars) → map to the canonical schema → canonical URLs,
hosts and PSL registrable domains (distinct hosts once) → quarantine split, i.e. `land_bytes`.
"baseline" = pandas.read_csv + tldextract row by row (what a spreadsheet-merging script does),
measured on `--baseline-rows` rows and reported per row (it is ~30x slower; 1M rows would take
minutes). "cpu s" is the CPU time of ours (all threads), steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure_ours(path: str) -> dict:
    from dagster_project.config import Config
    from dagster_project.landing import land_bytes

    config = Config.model_validate({"site": {"domain": "knifecraft.co.uk"}, "competitors": ["bladeworks.com"]})
    data = Path(path).read_bytes()
    start, cpu = time.perf_counter(), _cpu_seconds()
    landed = land_bytes(Path(path).name, data, config)
    seconds = time.perf_counter() - start
    return {
        "rows": landed.audit["rows_read"],
        "loaded": landed.audit["rows_loaded"],
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
    }


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: steadier than wall time when other jobs share the cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_baseline(path: str, rows: int) -> dict:
    import pandas as pd
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, nrows=rows, keep_default_na=False)
    hosts, domains = [], []
    for url in frame["Source url"]:  # row by row, as such scripts do
        parts = extract(url)
        hosts.append(".".join(p for p in (parts.subdomain, parts.domain, parts.suffix) if p).lower())
        domains.append(parts.top_domain_under_public_suffix.lower())
    frame["source_host"], frame["source_domain"] = hosts, domains
    seconds = time.perf_counter() - start
    return {"rows": len(frame), "seconds": seconds}


def _child(kind: str, path: str, rows: int) -> dict:
    result = measure_ours(path) if kind == "ours" else measure_baseline(path, rows)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_child(kind: str, path: Path, rows: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(rows)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--hosts", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, rows = args.child
        print(json.dumps(_child(kind, path, int(rows))))
        return

    from dagster_project.samplegen import generate_backlink_rows_file

    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for fmt in ("semrush", "ahrefs"):
            path = Path(tmp) / f"{fmt}.csv"
            t = time.perf_counter()
            generate_backlink_rows_file(path, fmt, args.rows, args.hosts, seed=1)
            print(
                f"generated {args.rows:,} {fmt} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s"
            )
            ours = run_child("ours", path, args.rows)
            results.append((f"ours: land_bytes, {fmt}", ours))
        baseline = run_child("baseline", Path(tmp) / "semrush.csv", args.baseline_rows)
        results.append(("baseline: pandas + tldextract row by row, semrush", baseline))

    print(f"\n{'path':<52} {'rows':>10} {'seconds':>8} {'cpu s':>6} {'rows/s':>12} {'peak MB':>8}")
    for name, r in results:
        cpu = f"{r['cpu_seconds']:>6.2f}" if "cpu_seconds" in r else f"{'':>6}"
        print(
            f"{name:<52} {r['rows']:>10,} {r['seconds']:>8.2f} {cpu} {r['rows'] / r['seconds']:>12,.0f} {r['peak_rss_mb']:>8.0f}"
        )
    speedup = (results[0][1]["rows"] / results[0][1]["seconds"]) / (baseline["rows"] / baseline["seconds"])
    print(f"\nspeed-up of ours over the baseline (semrush): {speedup:.0f}x")


if __name__ == "__main__":
    main()
