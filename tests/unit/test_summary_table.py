"""The summary table component: sorting, missing values, accessible headers."""

from __future__ import annotations

from components.summary_table import MISSING, sort_rows, summary_table

ROWS = [
    {"label": "World", "a": 50.0, "n": "180 of 236"},
    {"label": "LDCs", "a": None, "n": "3 of 44"},
    {"label": "Europe", "a": 90.0, "n": "45 of 46"},
    {"label": "Africa", "a": 30.0, "n": "40 of 44"},
]
GROUPS = [
    {
        "title": "Internet use (%)",
        "columns": [
            {"field": "a", "label": "value"},
            {"field": "n", "label": "with data", "sortable": False, "numeric": False},
        ],
    }
]


def labels(rows):
    return [r["label"] for r in rows]


def test_sorting_keeps_missing_values_last_both_ways():
    assert labels(sort_rows(ROWS, "a", descending=True)) == ["Europe", "World", "Africa", "LDCs"]
    assert labels(sort_rows(ROWS, "a", descending=False)) == ["Africa", "World", "Europe", "LDCs"]
    assert labels(sort_rows(ROWS, None, descending=False)) == labels(ROWS)


def test_table_shows_missing_as_a_dash_and_marks_the_sorted_column():
    table = summary_table(ROWS, GROUPS, sort_field="a", descending=True)
    head, body = table.children
    sub_header = head.children[1].children
    assert sub_header[0].to_plotly_json()["props"]["aria-sort"] == "descending"
    assert sub_header[0].children.id == {"type": "summary-sort", "field": "a"}
    assert sub_header[1].children == "with data"  # not sortable: plain text
    first_cells = [row.children[0].children for row in body.children]
    assert first_cells == ["Europe", "World", "Africa", "LDCs"]
    assert body.children[-1].children[1].children == MISSING


def test_no_rows_says_so():
    assert "No groups" in summary_table([], GROUPS).children
