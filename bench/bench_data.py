"""Benchmark the data layer: build time, adding a file, and loading the dataset.

    python bench/bench_data.py [--raw DIR] [--runs N] [--baseline DIR]

Every figure comes from fresh subprocesses, so nothing is cached between runs:
- ``python -m data.build`` into a temporary folder (wall time of the whole command);
- ``python -m data.add`` of a three-country sheet to that dataset, dry run and then applied
  (each one command: read, check, compare with the dataset in service, rebuild);
- loading the dataset: wall time, the resident memory the load adds to an interpreter that has
  already imported pandas and pyarrow, and the process's peak resident memory.

With ``--baseline DIR`` (another checkout of this project, e.g. ``git worktree add /tmp/base
HEAD~3``), the build and add commands also run there, alternately with this tree, and both are
printed side by side: the machine is shared, so compare within one run only.
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


SHEET = "iso3,year,value\nKEN,2023,61.5\nGHA,2023,70.25\nBOL,2022,33.0\n"


def _timed(tree: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", *args], cwd=tree, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - start


def data_commands(tree: Path, raw: Path) -> dict[str, float]:
    """Wall times of one build and one add (dry run, then applied) with ``tree``'s code."""
    with tempfile.TemporaryDirectory() as tmp:
        out, user, sheet = Path(tmp) / "built", Path(tmp) / "user", Path(tmp) / "office.csv"
        sheet.write_text(SHEET, encoding="utf-8")
        where = ["--raw", str(raw), "--out", str(out), "--user-data", str(user)]
        add = [str(sheet), "--indicator", "internet_users_pct", "--source", "An office"]
        return {
            "build": _timed(tree, "data.build", *where, "--quiet"),
            "add, dry run": _timed(tree, "data.add", *add, *where, "--dry-run"),
            "add, applied": _timed(tree, "data.add", *add, *where, "--prefer-user"),
        }


def main() -> None:
    from data import build

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    raw = (args.raw or build.default_raw()).resolve()

    trees = {"this tree": PROJECT}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    timings: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            timings[name].append(data_commands(tree, raw))
    print(f"commands (wall time, fresh process each, median of {args.runs} runs):")
    print(f"  {'':14}" + "".join(f"{name:>12}" for name in trees))
    for step in timings["this tree"][0]:
        cells = "".join(
            f"{statistics.median(t[step] for t in timings[name]):>11.2f}s" for name in trees
        )
        print(f"  {step:14}{cells}")

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
    print(f"load (data.load.load_dataset, fresh process), {args.runs} runs:")

    def median_of(key: str) -> float:
        return statistics.median(run[key] for run in loads)

    print(f"  median {median_of('seconds'):.3f} s")
    print(f"  memory added by the data: {median_of('rss_added_mb'):.0f} MB")
    print(f"  process peak RSS: {median_of('rss_total_mb'):.0f} MB")
    print(f"  observations: {loads[0]['rows']:,}; built dataset on disk: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
