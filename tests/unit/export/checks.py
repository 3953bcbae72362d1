"""Independent checks of the published form (R4–R8, R10, R12) used by the property and canary tests."""

from __future__ import annotations

import re

from caseload.export.anonymise import Mark
from caseload.export.summary import Summary
from caseload.export.tables import SafeTable

SENSITIVE = {"risk_intake", "risk_exit", "marac", "cjs_outcomes", "cjs_stage", "children"}
FIREWALL = re.compile(r"immigra|nrpf|recourse|visa", re.IGNORECASE)


def _r5(v: int) -> int:
    return ((v + 2) // 5) * 5


def _lines(n_rows: int, n_cols: int, total: bool) -> list[list[tuple[int, int]]]:
    """Rows (with their total) and columns (with the All row); the All row is the last row."""
    width = n_cols + (1 if total else 0)
    out = [[(r, c) for r in range(n_rows + 1)] for c in range(width)] if n_rows else []
    if total:
        out += [[(r, c) for c in range(width)] for r in range(n_rows + 1)]
    return out


def check_table(t: SafeTable) -> None:
    """Assert every rule on one published table."""
    total = t.columns[-1] == "Total"
    n_cols = len(t.columns) - (1 if total else 0)
    for _dim, row in t.rows():
        assert len(row.cells) == len(t.columns)
        for c in row.cells:
            if c.text == "<10":
                assert 1 <= c.raw <= 9 and c.mark is Mark.PRIMARY
            elif c.text == "*":
                assert c.mark in (Mark.SECONDARY, Mark.DOMINANCE)
            else:
                value = int(c.text)
                assert value % 5 == 0 and not 1 <= value <= 9, (t.key, c)
                assert value == _r5(c.raw)
                assert not 1 <= c.raw <= 9
        if total:
            assert row.cells[-1].raw == sum(c.raw for c in row.cells[:-1])
    # R6: no line (row or column, its total included) with exactly one withheld cell
    grids = [[list(t.all_row.cells)]] + [
        [*(list(r.cells) for r in b.rows), list(t.all_row.cells)] for b in t.blocks if b.rows
    ]
    for grid in grids:
        n_rows = len(grid) - 1
        for line in _lines(n_rows, n_cols, total):
            held = sum(grid[r][c].withheld for r, c in line)
            assert held != 1, (t.key, line, [[c.text for c in row] for row in grid])
        for c in range(len(t.columns)):
            if n_rows:
                assert sum(grid[r][c].raw for r in range(n_rows)) == grid[-1][c].raw
    # R7 / R8
    for _dim, row in t.rows():
        for name, text in zip(t.extra_columns, row.extras, strict=True):
            if name == "Median days":
                if text != "n/a":
                    assert row.cells[0].raw >= 10 and not row.cells[0].withheld
            else:
                num = row.cells[{"% completed": 0, "Repeat rate": 1, "% on time": 0}[name]]
                den = row.cells[-1]
                if text != "n/a":
                    assert not num.withheld and not den.withheld and den.raw >= 10
                    assert text == f"{round(100 * int(num.text) / int(den.text))}%"
                else:
                    assert num.withheld or den.withheld or den.raw < 10 or den.text == "0"
    # R10
    if t.key in SENSITIVE and total:
        for block in t.blocks:
            for row in block.rows:
                tot = row.cells[-1].raw
                if 10 <= tot < 50 and max(c.raw for c in row.cells[:-1]) >= 0.9 * tot:
                    assert all(c.withheld for c in row.cells), (t.key, row)
    # R12
    labels = [t.title, t.unit, *t.columns, *t.extra_columns, *(r.label for _, r in t.rows())]
    assert not any(FIREWALL.search(x) for x in labels)


def check_summary(summary: Summary) -> None:
    """Assert every rule on every table, and on the footnote."""
    for t in summary.tables:
        check_table(t)
    assert not any(FIREWALL.search(x) for x in summary.footnote)
