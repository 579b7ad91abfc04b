"""The regional summary as a plain HTML table: light to load, readable, sortable by any column.

Pure: rows and column groups in, a component tree out. Sorting is done here (missing values
always last), so the table reads the same whichever way it is sorted.
"""

from __future__ import annotations

from dash import html

from data import i18n
from data.i18n import _

MISSING = "—"


def sort_rows(rows: list[dict], field: str | None, descending: bool) -> list[dict]:
    """Rows sorted by ``field``; rows without a value stay at the bottom either way."""
    if not field:
        return list(rows)
    present = [r for r in rows if r.get(field) is not None]
    absent = [r for r in rows if r.get(field) is None]
    return sorted(present, key=lambda r: r[field], reverse=descending) + absent


def _cell_text(value, column: dict) -> str:
    """A cell's value as the page's language writes numbers, with the column's decimals (so a
    column never mixes 0.9 and 0.92); shares given in percent read "97%"."""
    if value is None:
        return MISSING
    lang = i18n.current_language()
    if column.get("suffix") == "%" and isinstance(value, (int, float)):
        return i18n.format_percent(value, 0, lang)
    if "decimals" in column and isinstance(value, (int, float)):
        return i18n.format_number(value, column["decimals"], lang)
    return f"{value}{column.get('suffix', '')}"


def summary_table(
    rows: list[dict],
    groups: list[dict],
    *,
    sort_field: str | None = None,
    descending: bool = False,
    caption: str = "",
) -> html.Table | html.P:
    """``groups``: [{"title": "Internet use (% of population)", "columns": [column, …]}], where a
    column is {"field", "label", "sortable", "suffix", "flag"}. The first group is the row
    label. A column's ``flag`` names a row field whose text (e.g. "partial") is shown beside
    the value, so that it is read, not only hovered; its ``note`` names a row field (e.g.
    "182 of 236") written small under the value; ``decimals`` fixes the decimals shown."""
    if not rows:
        return html.P(_("No groups to show."), className="note")
    top = [html.Th(_("Group"), rowSpan=2, scope="col", className="group-col")]
    sub = []
    columns = []
    for group in groups:
        top.append(html.Th(group["title"], colSpan=len(group["columns"]), scope="colgroup"))
        for column in group["columns"]:
            columns.append(column)
            label = column["label"]
            if column.get("sortable", True):
                sorted_here = sort_field == column["field"]
                arrow = (" ▼" if descending else " ▲") if sorted_here else ""
                header = html.Button(
                    label + arrow,
                    id={"type": "summary-sort", "field": column["field"]},
                    className="sort",
                    title=_("Sort by %(column)s") % {"column": label},
                    n_clicks=0,
                )
                aria = ("descending" if descending else "ascending") if sorted_here else "none"
                sub.append(html.Th(header, scope="col", **{"aria-sort": aria}))
            else:
                sub.append(html.Th(label, scope="col"))
    body = []
    for row in sort_rows(rows, sort_field, descending):
        cells = [html.Th(row["label"], scope="row", **{"data-field": "label"})]
        for column in columns:
            value = row.get(column["field"])
            text = _cell_text(value, column)
            flag = row.get(column["flag"]) if column.get("flag") else None
            note = row.get(column["note"]) if column.get("note") else None
            title = row.get(column["title_field"]) if column.get("title_field") else None
            content = [text]
            if flag:
                content.append(html.Span(f" {flag}", className="flag"))
            if note:
                content.append(html.Span(f" {note}", className="count"))
            content = content if len(content) > 1 else text
            extra = {"title": title} if title else {}
            cells.append(
                html.Td(
                    content,
                    className="num" if column.get("numeric", True) else "",
                    **{"data-field": column["field"]},
                    **extra,
                )
            )
        body.append(html.Tr(cells))
    parts = [html.Caption(caption)] if caption else []
    return html.Table(
        [*parts, html.Thead([html.Tr(top), html.Tr(sub)]), html.Tbody(body)],
        className="summary",
    )
