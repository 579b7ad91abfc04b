"""Our group estimates against ITU's official series: how far apart, group by group.

    python bench/validate_estimates.py [--markdown] [--params max_age=5,damping=0.8,...]

For Internet use 2015–2023 and 4G coverage 2015–2022 it prints, for the world, the six ITU
regions, the four income groups, LDCs, LLDCs and SIDS, the mean and the largest absolute
difference (percentage points) between ITU's published value and our two methods: reported
values only (the default window) and the estimate. The same function backs a test, so a
regression of the method fails CI.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import estimate as est
from data import views
from data.load import load_dataset

GROUPS = [
    "world",
    "itu-africa",
    "itu-americas",
    "itu-arab-states",
    "itu-asia-pacific",
    "itu-cis",
    "itu-europe",
    "income-low",
    "income-lower-middle",
    "income-upper-middle",
    "income-high",
    "ldc",
    "lldc",
    "sids",
]
CHECKS = {
    "internet_users_pct": range(2015, 2024),
    "coverage_4g_pct": range(2015, 2023),
}


def comparison(ds, indicator: str, years, params: est.Params | None = None) -> pd.DataFrame:
    """One row per group × year: ITU's value, ours reported-only and estimated, differences."""
    if params is not None:
        spec = views.indicator_spec(ds, indicator)
        ds.cache[("estimate", indicator)] = views.estimate_with(
            ds, indicator, replace(params, bounded=bool(spec["bounded"]))
        )
    frames = {
        method: views.group_values(ds, indicator, GROUPS, years, method=method).set_index(
            ["group", "year"]
        )
        for method in ("official", "reported", "estimated")
    }
    out = pd.DataFrame(
        {
            "itu": frames["official"]["value"],
            "reported": frames["reported"]["value"],
            "estimated": frames["estimated"]["value"],
            "reported_share": frames["estimated"]["reported_share"],
        }
    ).reset_index()
    out["error_reported"] = (out["reported"] - out["itu"]).abs()
    out["error_estimated"] = (out["estimated"] - out["itu"]).abs()
    out.insert(0, "indicator", indicator)
    return out


def errors(ds, params: est.Params | None = None) -> pd.DataFrame:
    """Mean and largest absolute error per indicator and group, for both methods."""
    frames = [comparison(ds, ind, years, params) for ind, years in CHECKS.items()]
    rows = pd.concat(frames, ignore_index=True).dropna(subset=["itu"])
    return (
        rows.groupby(["indicator", "group"], sort=False)
        .agg(
            years=("year", lambda y: f"{int(y.min())}–{int(y.max())}"),
            mean_reported=("error_reported", "mean"),
            max_reported=("error_reported", "max"),
            mean_estimated=("error_estimated", "mean"),
            max_estimated=("error_estimated", "max"),
            worst_year=("error_estimated", lambda e: int(rows.loc[e.idxmax(), "year"])),
        )
        .reset_index()
    )


def _params(text: str | None) -> est.Params | None:
    if not text:
        return None
    values = {}
    for part in text.split(","):
        key, value = part.split("=")
        values[key.strip()] = float(value) if "." in value else int(value)
    return est.Params(**values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--params", help="estimation parameters, e.g. max_age=4,damping=0.7")
    parser.add_argument("--detail", help="print every year for this group")
    args = parser.parse_args(argv)
    ds = load_dataset()
    params = _params(args.params)
    table = errors(ds, params)
    if args.detail:
        for ind, years in CHECKS.items():
            frame = comparison(ds, ind, years, params)
            print(frame.loc[frame["group"] == args.detail].round(2).to_string(index=False))
        return 0
    if args.markdown:
        print("| indicator | group | years | reported only: mean / max | estimate: mean / max |")
        print("|---|---|---|---|---|")
        for _, r in table.iterrows():
            print(
                f"| {r['indicator']} | {r['group']} | {r['years']} | "
                f"{r['mean_reported']:.1f} / {r['max_reported']:.1f} | "
                f"{r['mean_estimated']:.1f} / {r['max_estimated']:.1f} |"
            )
    else:
        print(table.round(2).to_string(index=False))
    worst = table.groupby("indicator")[["max_reported", "max_estimated"]].max()
    print("\nLargest absolute difference from ITU (points):")
    print(worst.round(2).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
