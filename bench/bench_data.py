"""Benchmark the data layer: build time, and the time and memory to load the dataset.

    python bench/bench_data.py [--raw DIR] [--runs N]

Loading is measured in fresh subprocesses (so nothing is cached) and reports wall time, the
resident memory the load adds to an interpreter that has already imported pandas and pyarrow,
and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

LOAD_PROBE = """
import json, resource, time
import pandas, pyarrow.parquet  # imported before measuring: the cost of the data alone

def rss_kb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))

before = rss_kb()
start = time.perf_counter()
from data.load import load_dataset
ds = load_dataset()
elapsed = time.perf_counter() - start
after = rss_kb()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "rss_added_mb": (after - before) / 1024,
                  "rss_total_mb": peak / 1024, "rows": len(ds.obs)}))
"""


def main() -> None:
    from data import build

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw = args.raw or build.default_raw()

    build_times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            build.build(raw, Path(tmp) / "built", quiet=True)
            build_times.append(time.perf_counter() - start)

    loads = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_PROBE],
            cwd=PROJECT,
            check=True,
            capture_output=True,
            text=True,
        )
        loads.append(json.loads(out.stdout.strip().splitlines()[-1]))

    size = sum(p.stat().st_size for p in build.DEFAULT_OUT.iterdir())
    print(f"build (python -m data.build), {args.runs} runs:")
    print(f"  median {statistics.median(build_times):.2f} s, max {max(build_times):.2f} s")
    print(f"load (data.load.load_dataset, fresh process), {args.runs} runs:")

    def median_of(key: str) -> float:
        return statistics.median(run[key] for run in loads)

    print(f"  median {median_of('seconds'):.3f} s")
    print(f"  memory added by the data: {median_of('rss_added_mb'):.0f} MB")
    print(f"  process peak RSS: {median_of('rss_total_mb'):.0f} MB")
    print(f"  observations: {loads[0]['rows']:,}; built dataset on disk: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
