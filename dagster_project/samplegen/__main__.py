"""`python -m dagster_project.samplegen --out DIR [--scale N] [--seed S]`: write a simulated inbox."""

from __future__ import annotations

import argparse
from pathlib import Path

from dagster_project.samplegen import generate_inbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.samplegen", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="inbox folder to write (created if missing)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every population of the world (default 1)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed -> same bytes)")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be > 0")
    files = generate_inbox(args.out, scale=args.scale, seed=args.seed)
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files ({total / 1e6:.2f} MB) under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
