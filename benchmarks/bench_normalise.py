"""Timing of `normalise_url_column` on synthetic URLs: `uv run python benchmarks/bench_normalise.py [rows] [hosts]`.

Realistic mix: ~50k distinct hosts (www./subdomains, ccTLDs, private suffixes, a few IDNs and IP
literals), paths, query strings with tracking parameters, some fragments, schemeless URLs, upper
case, default ports, Google Alerts wrappers and a few unusable URLs. Reports rows/s for a cold
run (empty caches) and a warm one (PSL results cached, as on a second file in the same process).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import polars as pl

from dagster_project.normalise import hosts as hosts_module
from dagster_project.normalise.urls import normalise_url_column

SUFFIXES = ["com", "co.uk", "de", "org", "net", "blogspot.com", "jp", "com.au", "io", "fr", "github.io", "xn--p1ai"]
PREFIXES = ["", "www.", "blog.", "shop.", "WWW.", "m."]
# (value, probability): most backlink URLs are plain paths; ~20% carry a query, ~5% a fragment.
PATHS = (
    ["/", "", "/blog/post-1", "/a/b/c.html", "/search", "/page with space", "/profile/@user", "/p/ünï"],
    [0.2, 0.1, 0.3, 0.25, 0.08, 0.02, 0.03, 0.02],
)
QUERIES = (
    ["", "?id=7", "?utm_source=x&utm_medium=y&id=1", "?gclid=abc", "?a=1&fbclid=z&b=2"],
    [0.8, 0.1, 0.05, 0.03, 0.02],
)
FRAGMENTS = (["", "#top"], [0.95, 0.05])
SCHEMES = ["https://", "http://", "HTTPS://", "", "//"]
ODD = ["javascript:void(0)", "mailto:a@b.com", "xyz", "http://", "http://exa mple.com/"]


def synthetic_urls(rows: int, distinct_hosts: int, seed: int = 7) -> pl.Series:
    rng = np.random.default_rng(seed)
    table = (
        pl.Series(rng.choice(PREFIXES, distinct_hosts))
        + pl.Series([f"site{i}" for i in range(distinct_hosts)])
        + "."
        + pl.Series(rng.choice(SUFFIXES, distinct_hosts))
    )
    host_ids = rng.zipf(1.2, rows) % distinct_hosts  # a few big hosts, a long tail
    hosts = table.gather(host_ids)
    hosts = hosts.scatter(rng.integers(0, rows, rows // 1000), "пример.испытание")
    hosts = hosts.scatter(rng.integers(0, rows, rows // 1000), "192.168.1.20")
    urls = (
        pl.Series(rng.choice(SCHEMES, rows))
        + hosts
        + pl.Series(rng.choice(["", ":80", ":443", ":8080"], rows, p=[0.94, 0.02, 0.02, 0.02]))
        + pl.Series(rng.choice(PATHS[0], rows, p=PATHS[1]))
        + pl.Series(rng.choice(QUERIES[0], rows, p=QUERIES[1]))
        + pl.Series(rng.choice(FRAGMENTS[0], rows, p=FRAGMENTS[1]))
    )
    wrapped = "https://www.google.com/url?rct=j&sa=t&url=" + urls + "&ct=ga&cd=CAE"
    urls = pl.select(pl.when(pl.Series(rng.random(rows) < 0.01)).then(wrapped).otherwise(urls)).to_series()
    urls = urls.scatter(rng.integers(0, rows, rows // 200), pl.Series(rng.choice(ODD, rows // 200)))
    return urls.rename("url")


def run(frame: pl.DataFrame) -> tuple[float, pl.DataFrame]:
    start, cpu = time.perf_counter(), time.process_time()
    out = normalise_url_column(frame.lazy(), "url", "host", "domain", "error").collect()
    CPU_SECONDS.append(time.process_time() - cpu)
    return time.perf_counter() - start, out


CPU_SECONDS: list[float] = []  # process CPU time per run: a check on wall times on a busy machine


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    distinct_hosts = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    frame = synthetic_urls(rows, distinct_hosts).to_frame()
    raw_hosts = frame.select(pl.col("url").str.extract(r"^(?:[A-Za-z]+:)?/*([^/?#:]*)", 1).n_unique()).item()
    hosts_module._registrable.cache_clear()
    cold, out = run(frame)
    warm = sorted(run(frame)[0] for _ in range(5))
    print(f"{rows:,} URLs, ~{raw_hosts:,} distinct raw hosts, {os.cpu_count()} CPUs, polars {pl.__version__}")
    print(f"cold (empty PSL cache): {cold:.2f} s = {rows / cold:,.0f} rows/s")
    print(f"warm, best of 5: {warm[0]:.2f} s = {rows / warm[0]:,.0f} rows/s; median {rows / warm[2]:,.0f} rows/s")
    print(f"CPU seconds per run (all threads): cold {CPU_SECONDS[0]:.2f}, warm best {min(CPU_SECONDS[1:]):.2f}")
    print(f"errors: {out['error'].is_not_null().sum():,}; distinct domains: {out['domain'].n_unique():,}")


if __name__ == "__main__":
    main()
