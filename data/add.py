"""Add a file of your own to the dataset, after seeing what it changes.

    python -m data.add FILE [--indicator ID] [--dry-run] [--meta META.json|.toml]
                       [--title …] [--unit …] [--theme …] [--definition …] [--source …]
                       [--licence …] [--aggregation …] [--higher-is-better yes|no]
                       [--prefer-user] [--threshold 1] [--report DIR]
    python -m data.remove ID_OR_FILE

FILE is a Data360 / ITU DataHub export (SDMX-style CSV) or a tidy CSV or Excel sheet with the
columns ``iso3`` (or ``country``), ``year`` and ``value``. The file is read and checked like the
build's own sources; every row it cannot use is listed with the reason, and a file with refused
rows changes nothing. ``--dry-run`` prints what the file would change and writes it as CSV and
HTML; without it the file is copied into the user-data folder, recorded in its manifest, and the
dataset is rebuilt and published (running servers load it within
``DIGITAL_DIVIDE_RELOAD_SECONDS``). See docs/adding-data.md.
"""

from __future__ import annotations

import argparse
import html
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from data import build, load, userdata, views
from data.userdata import UserDataError

KEYS = ["indicator", "iso3", "year"]


@dataclass
class Options:
    raw: Path
    out: Path
    user: Path
    threshold: float = 1.0
    aggregate_threshold: float = 1.0


# --------------------------------------------------------------------------- comparing


def _obs(ds: load.Dataset) -> pd.DataFrame:
    frame = ds.obs[["indicator", "iso3", "year", "value", "source"]].copy()
    for column in ("indicator", "iso3", "source"):
        frame[column] = frame[column].astype(str)
    frame["year"] = frame["year"].astype(int)
    return frame


def _group_table(ds: load.Dataset, indicator: str) -> pd.DataFrame:
    first, last = views.year_span(ds, indicator)
    table = views.group_values(ds, indicator, list(ds.groups), range(first, last + 1))
    return table[["group", "label", "year", "value"]]


def compare(before: load.Dataset | None, after: load.Dataset, opts: Options) -> dict:
    """What ``after`` changes against ``before`` (the dataset in service): new indicators,
    new country-years, revised values (largest first) and group aggregates that move."""
    new_obs = _obs(after)
    old_obs = _obs(before) if before is not None else new_obs.iloc[0:0]
    old_ids = set(before.catalog.index) if before is not None else set()
    new_ids = [i for i in after.catalog.index if i not in old_ids]
    indicators = pd.DataFrame(
        [
            {
                "indicator": i,
                "title": after.catalog.at[i, "title"],
                "unit": after.catalog.at[i, "unit"],
                "theme": after.catalog.at[i, "theme"],
                "source": after.catalog.at[i, "source"],
                "economies": int(new_obs.loc[new_obs["indicator"] == i, "iso3"].nunique()),
                "values": int((new_obs["indicator"] == i).sum()),
            }
            for i in new_ids
        ],
        columns=["indicator", "title", "unit", "theme", "source", "economies", "values"],
    )
    both = new_obs.merge(old_obs, on=KEYS, how="outer", suffixes=("", "_old"), indicator=True)
    added = both.loc[both["_merge"] == "left_only", [*KEYS, "value", "source"]]
    added = added.sort_values(KEYS, kind="stable").reset_index(drop=True)
    removed = both.loc[both["_merge"] == "right_only", [*KEYS, "value_old", "source_old"]]
    shared = both.loc[both["_merge"] == "both"].copy()
    shared["change"] = shared["value"] - shared["value_old"]
    moved = shared.loc[
        (shared["change"].abs() > opts.threshold) | (shared["source"] != shared["source_old"])
    ]
    revised = moved.assign(size=moved["change"].abs()).sort_values(
        ["size", "indicator", "iso3", "year"], ascending=[False, True, True, True]
    )
    revised = revised[[*KEYS, "value_old", "value", "change", "source_old", "source"]]
    touched = sorted(
        set(added["indicator"]) | set(revised["indicator"]) | set(removed["indicator"])
    )
    aggregates = []
    for indicator in touched:
        spec = after.catalog.loc[indicator]
        if str(spec.get("levels", "")) == "groups only":
            continue
        try:
            new = _group_table(after, indicator)
        except Exception as exc:
            aggregates.append({"indicator": indicator, "group": "", "note": str(exc)})
            continue
        if before is not None and indicator in before.catalog.index:
            old = _group_table(before, indicator)
        else:
            old = new.iloc[0:0]
        table = new.merge(old, on=["group", "year"], how="left", suffixes=("", "_old"))
        table["change"] = table["value"] - table["value_old"]
        fresh = table["value"].notna() & table["value_old"].isna()
        moves = table["change"].abs() > opts.aggregate_threshold
        for _, r in table.loc[fresh | moves].iterrows():
            aggregates.append(
                {
                    "indicator": indicator,
                    "group": r["group"],
                    "label": r["label"],
                    "year": int(r["year"]),
                    "value_old": r["value_old"],
                    "value": r["value"],
                    "change": r["change"],
                    "note": "new" if pd.isna(r["value_old"]) else "moved",
                }
            )
    columns = ["indicator", "group", "label", "year", "value_old", "value", "change", "note"]
    aggregates = pd.DataFrame(aggregates, columns=columns)
    if len(aggregates):
        aggregates = aggregates.assign(size=aggregates["change"].abs().fillna(-1)).sort_values(
            ["size", "indicator", "group", "year"], ascending=[False, True, True, True]
        )[columns]
    return {
        "indicators": indicators,
        "added": added,
        "revised": revised.reset_index(drop=True),
        "removed": removed.reset_index(drop=True),
        "aggregates": aggregates.reset_index(drop=True),
    }


# --------------------------------------------------------------------------- reports


def changes_frame(changes: dict, problems: list[dict]) -> pd.DataFrame:
    """Every change and every unusable row in one table (the CSV of the report)."""
    rows = []
    for _, r in changes["indicators"].iterrows():
        rows.append({"change": "new indicator", "indicator": r["indicator"], "note": r["title"]})
    for _, r in changes["added"].iterrows():
        rows.append({"change": "new value", **r[KEYS].to_dict(), "new": r["value"]})
        rows[-1]["source"] = r["source"]
    for _, r in changes["revised"].iterrows():
        rows.append(
            {
                "change": "revised value",
                **r[KEYS].to_dict(),
                "old": r["value_old"],
                "new": r["value"],
                "difference": r["change"],
                "source": r["source"],
                "note": f"was {r['source_old']}",
            }
        )
    for _, r in changes["removed"].iterrows():
        rows.append(
            {
                "change": "value taken out",
                **r[KEYS].to_dict(),
                "old": r["value_old"],
                "source": r["source_old"],
            }
        )
    for _, r in changes["aggregates"].iterrows():
        rows.append(
            {
                "change": "group aggregate " + str(r["note"]),
                "indicator": r["indicator"],
                "iso3": r["group"],
                "year": r["year"],
                "old": r["value_old"],
                "new": r["value"],
                "difference": r["change"],
                "note": r.get("label", ""),
            }
        )
    for p in problems:
        rows.append(
            {
                "change": "warning" if p["outcome"] == "warning" else f"row {p['outcome']}",
                "iso3": p["key"],
                "line": p["line"],
                "note": f"{p['reason']} ({p['n']} rows)" if p.get("n", 1) > 1 else p["reason"],
            }
        )
    columns = [
        "change",
        "indicator",
        "iso3",
        "year",
        "old",
        "new",
        "difference",
        "source",
        "line",
        "note",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("year", "line"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating):
        return f"{value:.6g}"
    return str(value)


def _table(frame: pd.DataFrame, limit: int = 200) -> str:
    if frame.empty:
        return "<p>None.</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
        for row in frame.head(limit).itertuples(index=False)
    )
    more = f"<p>… and {len(frame) - limit} more (see the CSV).</p>" if len(frame) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def html_report(title: str, summary: list[str], changes: dict, problems: list[dict]) -> str:
    style = (
        "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        "th{background:#f0f0f0}h2{margin-top:1.5em}"
    )
    problems_frame = pd.DataFrame(problems, columns=["outcome", "line", "key", "reason", "n"])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><ul>",
        *(f"<li>{html.escape(line)}</li>" for line in summary),
        "</ul><h2>Rows not used</h2>",
        _table(problems_frame),
        "<h2>New indicators</h2>",
        _table(changes["indicators"]),
        "<h2>Revised values (largest first)</h2>",
        _table(changes["revised"]),
        "<h2>Group aggregates new or moving</h2>",
        _table(changes["aggregates"]),
        "<h2>New country-years</h2>",
        _table(changes["added"]),
        "</body></html>\n",
    ]
    return "".join(parts)


def summary_lines(changes: dict, problems: list[dict], opts: Options) -> list[str]:
    refused = sum(p["n"] for p in problems if p["outcome"] == "refused")
    skipped = sum(p["n"] for p in problems if p["outcome"] == "skipped")
    warned = [p for p in problems if p["outcome"] == "warning"]
    moved = changes["aggregates"]
    return [
        f"{len(changes['indicators'])} new indicator(s): "
        + (", ".join(changes["indicators"]["indicator"]) or "none"),
        f"{len(changes['added'])} new country-year value(s)",
        f"{len(changes['revised'])} value(s) revised by more than {opts.threshold:g} "
        "or taken from another source",
        f"{len(changes['removed'])} value(s) taken out",
        f"{int((moved['note'] == 'new').sum())} new group aggregate(s), "
        f"{int((moved['note'] == 'moved').sum())} moving by more than "
        f"{opts.aggregate_threshold:g}",
        f"{skipped} row(s) left out with a reason, {refused} refused"
        + (f", {len(warned)} warning(s) to read" if warned else ""),
    ]


def print_plan(changes: dict, problems: list[dict], opts: Options, stream=None) -> None:
    stream = stream or sys.stdout
    for line in summary_lines(changes, problems, opts):
        print(f"  {line}", file=stream)
    for p in problems:
        line = f"line {p['line']}" if p["line"] not in (None, -1) else "file"
        count = f" ({p['n']} rows)" if p.get("n", 1) > 1 else ""
        print(f"  {p['outcome']}: {line} [{p['key']}] {p['reason']}{count}", file=stream)
    for _, r in changes["revised"].head(10).iterrows():
        print(
            f"  revised: {r['indicator']} {r['iso3']} {r['year']}: {_fmt(r['value_old'])} "
            f"({r['source_old']}) → {_fmt(r['value'])} ({r['source']})",
            file=stream,
        )
    for _, r in changes["aggregates"].head(10).iterrows():
        print(
            f"  aggregate {r['note']}: {r['indicator']} {r['label']} {r['year']}: "
            f"{_fmt(r['value_old']) or '—'} → {_fmt(r['value'])}",
            file=stream,
        )


def write_report(folder: Path, name: str, changes: dict, problems: list[dict], opts) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    changes_frame(changes, problems).to_csv(
        folder / f"{name}.csv", index=False, lineterminator="\n"
    )
    title = f"What adding {name} changes"
    (folder / f"{name}.html").write_text(
        html_report(title, summary_lines(changes, problems, opts), changes, problems),
        encoding="utf-8",
    )
    return folder


# --------------------------------------------------------------------------- commands


def new_entry(path: Path, args: argparse.Namespace, meta: dict) -> dict:
    digest = userdata.sha256_file(path)
    fmt = args.format or userdata.detect_format(path)
    indicator = args.indicator or meta.get("id") or meta.get("indicator")
    if not indicator and fmt == "data360":
        series = pd.read_csv(path, usecols=["INDICATOR"], dtype=str, nrows=1)["INDICATOR"]
        indicator = userdata.slug(series.iloc[0]) if len(series) else ""
    if not indicator:
        raise UserDataError("name the indicator: --indicator ID (or 'id' in the metadata file)")
    for option in userdata.META_FIELDS:
        value = getattr(args, option, None)
        if value is not None:
            meta[option] = value
    return {
        "id": f"{userdata.SOURCE_PREFIX}{userdata.slug(path.stem)[:40]}-{digest[:8]}",
        "name": path.name,
        "file": f"{digest[:12]}-{path.name}",
        "sha256": digest,
        "origin": str(path.resolve()),
        "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "format": fmt,
        "indicator": str(indicator),
        "meta": meta,
        "prefer_user": bool(args.prefer_user),
        **({"sheet": args.sheet} if getattr(args, "sheet", None) else {}),
    }


def check_file(path: Path, entry: dict, opts: Options) -> userdata.Reading:
    """Read and check the file alone, against the shipped catalog and the economies."""
    build.verify_inputs(opts.raw)
    key = build._inputs_key(opts.raw)
    shipped = build._SHIPPED.get(key) or build._assemble_shipped(opts.raw)
    build._SHIPPED[key] = shipped
    economies = userdata.Economies.from_codes(shipped["codes"])
    catalog = build.indicator_table(shipped["obs"])
    existing = userdata.read_manifest(opts.user)
    for other in existing:
        if other["sha256"] == entry["sha256"]:
            raise UserDataError(f"{path.name} was already added (as {other['id']})")
    return userdata.read_entry(path, entry, economies, catalog)


def plan(entries: list[tuple[dict, Path]], opts: Options) -> tuple[dict, load.Dataset]:
    """The dataset the user data ``entries`` make, and what it changes against the one in
    service. The new dataset is written to a temporary folder and read by the app's loader."""
    tables = build.checked_tables(opts.raw, entries)
    with tempfile.TemporaryDirectory(prefix="digital-divide-plan-") as tmp:
        build.write_dataset(tables, Path(tmp))
        after = load.read_dataset(Path(tmp))
    try:
        before = load.read_dataset(opts.out)
    except load.DatasetError:
        before = None
    return compare(before, after, opts), after


def add(path: Path, args: argparse.Namespace, opts: Options, stream=None) -> int:
    stream = stream or sys.stdout
    meta = userdata.read_meta(args.meta)
    entry = new_entry(path, args, meta)
    reading = check_file(path, entry, opts)
    problems = reading.problems()
    entries = userdata.stored_entries(opts.user)
    if reading.refused:
        print(
            f"{path.name}: refused, nothing changed. {len(reading.refused)} row(s) cannot be "
            "used; fix them and run the command again:",
            file=stream,
        )
        for p in problems:
            count = f" ({p['n']} rows)" if p.get("n", 1) > 1 else ""
            print(
                f"  {p['outcome']}: line {p['line']} [{p['key']}] {p['reason']}{count}", file=stream
            )
        return 1
    changes, _ = plan([*entries, (entry, path)], opts)
    name = f"{userdata.slug(path.stem)}-{entry['sha256'][:8]}"
    reports = args.report or (opts.user / "reports")
    folder = write_report(reports, name, changes, problems, opts)
    verb = "would change" if args.dry_run else "changes"
    print(f"{path.name} ({entry['format']}, indicator {entry['indicator']}) {verb}:", file=stream)
    print_plan(changes, problems, opts, stream)
    print(f"Report: {folder / (name + '.html')} and {name}.csv", file=stream)
    if args.dry_run:
        print("Dry run: nothing changed. Run the command without --dry-run to add it.", file=stream)
        return 0
    store(path, entry, opts)
    print(
        f"Added as {entry['id']}; the dataset in {opts.out} is rebuilt and published.", file=stream
    )
    return 0


def store(path: Path, entry: dict, opts: Options) -> None:
    """Copy the file in, record it, rebuild and publish; on any failure undo both."""
    files = opts.user / userdata.FILES
    files.mkdir(parents=True, exist_ok=True)
    target = files / entry["file"]
    before = userdata.read_manifest(opts.user)
    shutil.copyfile(path, target)
    try:
        userdata.write_manifest(opts.user, [*before, entry])
        build.build(opts.raw, opts.out, quiet=True, user=opts.user)
    except BaseException:
        userdata.write_manifest(opts.user, before)
        target.unlink(missing_ok=True)
        raise


def find_entry(entries: list[dict], what: str) -> dict:
    path = Path(what)
    digest = userdata.sha256_file(path) if path.is_file() else None
    found = [
        e
        for e in entries
        if what in (e["id"], e["indicator"], e["file"], e["name"], e["origin"])
        or (digest is not None and e["sha256"] == digest)
    ]
    if len(found) != 1:
        known = "; ".join(f"{e['id']} ({e['name']}, {e['indicator']})" for e in entries)
        raise UserDataError(f"{what!r} matches {len(found)} added files; added: {known or 'none'}")
    return found[0]


def remove(what: str, opts: Options, stream=None) -> int:
    stream = stream or sys.stdout
    entries = userdata.read_manifest(opts.user)
    entry = find_entry(entries, what)
    rest = [e for e in entries if e is not entry]
    userdata.write_manifest(opts.user, rest)
    try:
        build.build(opts.raw, opts.out, quiet=True, user=opts.user)
    except BaseException:
        userdata.write_manifest(opts.user, entries)
        raise
    (opts.user / userdata.FILES / entry["file"]).unlink(missing_ok=True)
    print(
        f"Removed {entry['id']} ({entry['name']}); the dataset in {opts.out} is rebuilt and "
        "published without it.",
        file=stream,
    )
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", type=Path, default=None, help="folder of raw source files")
    parser.add_argument(
        "--out", type=Path, default=None, help="dataset folder (default $DIGITAL_DIVIDE_DATA)"
    )
    parser.add_argument(
        "--user-data",
        type=Path,
        default=None,
        help="folder of added files (default $DIGITAL_DIVIDE_USER_DATA, else data/user)",
    )


def _options(args: argparse.Namespace) -> Options:
    return Options(
        raw=(args.raw or build.default_raw()).resolve(),
        out=(args.out or load.data_dir()).resolve(),
        user=(args.user_data or userdata.user_dir()).resolve(),
        threshold=getattr(args, "threshold", 1.0),
        aggregate_threshold=getattr(args, "aggregate_threshold", 1.0),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.add", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--indicator", help="indicator id (default: from the Data360 series)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, only")
    parser.add_argument("--meta", type=Path, help="catalog fields in a JSON or TOML file")
    parser.add_argument("--format", choices=userdata.FORMATS, help="default: detected")
    parser.add_argument("--sheet", help="the sheet to read, for a workbook of several sheets")
    parser.add_argument("--title")
    parser.add_argument("--short-title", dest="short_title")
    parser.add_argument("--unit", help="e.g. '%% of population', 'per 100 inhabitants'")
    parser.add_argument("--theme", choices=userdata.THEMES)
    parser.add_argument("--definition")
    parser.add_argument("--source", help="who publishes the values (credited as the source)")
    parser.add_argument("--licence")
    parser.add_argument("--aggregation", choices=userdata.AGGREGATIONS)
    parser.add_argument("--higher-is-better", dest="higher_is_better", choices=["yes", "no"])
    parser.add_argument("--decimals", type=int)
    parser.add_argument(
        "--prefer-user",
        action="store_true",
        help="where the file and a shipped source share an economy-year, use the file's value",
    )
    parser.add_argument("--threshold", type=float, default=1.0, help="revisions reported above")
    parser.add_argument(
        "--aggregate-threshold", type=float, default=1.0, help="aggregate moves reported above"
    )
    parser.add_argument("--report", type=Path, help="folder for the CSV and HTML report")
    _common(parser)
    args = parser.parse_args(argv)
    opts = _options(args)
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    try:
        return add(args.file, args, opts)
    except (UserDataError, build.BuildError, ValueError, load.DatasetError) as exc:
        print(f"{args.file.name}: not added: {exc}\nNothing changed.", file=sys.stderr)
        for p in getattr(exc, "problems", [])[:50]:
            print(f"  {p['outcome']}: line {p['line']} [{p['key']}] {p['reason']}", file=sys.stderr)
        return 1


def remove_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.remove",
        description="Take a file added with python -m data.add out of the dataset again.",
    )
    parser.add_argument("what", help="the entry's id, indicator, file name or the file itself")
    _common(parser)
    args = parser.parse_args(argv)
    try:
        return remove(args.what, _options(args))
    except (UserDataError, build.BuildError, ValueError, load.DatasetError) as exc:
        print(f"not removed: {exc}\nNothing changed.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
