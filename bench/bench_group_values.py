"""Group values for every group in one year: computed afresh against sliced from the table.

    python bench/bench_group_values.py [--repeat N]

``data.views.group_values`` computes each (indicator, method, window) over every group and
year once per loaded dataset and answers requests by slicing that table; before, every request
ran the aggregate queries itself (``_compute_group_values``, still used for years outside the
table). Both are timed here in one run, per method, for the /api/v1/aggregates request that asks
for all groups: median and worst of N calls, plus the one-off cost of building the table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import views
from data.load import load_dataset

INDICATOR, YEAR = "internet_users_pct", 2022


def timed(call, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    ds = load_dataset()
    views.warm_estimates(ds)  # estimates are made before the workers fork, in both cases
    groups = list(ds.groups)
    print(f"{INDICATOR}, {YEAR}, all {len(groups)} groups, {args.repeat} calls each (ms)")
    print(
        f"{'method':10} {'afresh median':>14} {'afresh max':>11} {'table build':>12} "
        f"{'sliced median':>14} {'sliced max':>11}"
    )
    for method in ("estimated", "reported", "official"):
        tolerance = None if method == "official" else views.indicator_tolerance(ds, INDICATOR)

        def afresh(method=method, tolerance=tolerance):
            views._compute_group_values(
                ds, INDICATOR, groups, [YEAR], method=method, tolerance=tolerance
            )

        def sliced(method=method):
            views.group_values(ds, INDICATOR, groups, [YEAR], method=method)

        fresh_median, fresh_max = timed(afresh, args.repeat)
        ds.cache.pop("group_values", None)
        started = time.perf_counter()
        sliced()
        build = (time.perf_counter() - started) * 1000
        slice_median, slice_max = timed(sliced, args.repeat)
        print(
            f"{method:10} {fresh_median:14.1f} {fresh_max:11.1f} {build:12.1f} "
            f"{slice_median:14.1f} {slice_max:11.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
