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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import estimate as est
from data.load import load_dataset
from data.validation import CHECKS, comparison, errors, without


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
    parser.add_argument(
        "--without",
        help="leave out one economy's values from a year on, e.g. CHN:internet_users_pct:2023",
    )
    args = parser.parse_args(argv)
    ds = load_dataset()
    if args.without:
        iso3, indicator, since = args.without.split(":")
        ds = without(ds, iso3, indicator, int(since))
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
