"""The anonymiser: primary suppression, rounding, secondary suppression, dominance, percentages and medians.

Rules R4–R8 and R10 of security.md, applied to one table of counts at a time. A table is an "All" row (the
column totals) plus blocks, one per disaggregation (age band, sex, …); each block's groups partition the same
people, so every block shares the All row as its column totals. The published form of a count is:

* ``0`` for zero; ``<10`` for 1–9 (primary suppression; the threshold can only be raised);
* ``*`` for a cell withheld so that a ``<10`` cell cannot be worked out from a row or column total (secondary
  suppression) or because one category dominates a small group (R10);
* otherwise the count rounded to the nearest 5 (totals from unrounded data, then rounded).

No line (row or column, its total included) is ever left with exactly one withheld cell, so no withheld cell
can be recovered from its row and column totals. Pure: no I/O.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

Pos = tuple[int, int]


class Mark(enum.Enum):
    """Why a cell is withheld (or not)."""

    SHOWN = "shown"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DOMINANCE = "dominance"


@dataclass(frozen=True, slots=True)
class Rules:
    """The disclosure-control parameters (threshold may only be raised above 10)."""

    threshold: int = 10
    base: int = 5
    dominance_share: float = 0.9
    dominance_group: int = 50

    def __post_init__(self) -> None:
        if self.threshold < 10:
            raise ValueError("the suppression threshold cannot be lowered below 10")
        if self.base != 5:
            raise ValueError("counts are rounded to the nearest 5")


def round_to(value: int, base: int = 5) -> int:
    """Round a non-negative count to the nearest multiple of ``base`` (halves up)."""
    return ((value + base // 2) // base) * base


def primary(value: int, rules: Rules) -> bool:
    """True for counts that must be shown as ``<threshold``."""
    return 0 < value < rules.threshold


def cell_text(value: int, mark: Mark, rules: Rules) -> str:
    """The published form of a count."""
    if mark is Mark.PRIMARY:
        return f"<{rules.threshold}"
    if mark is not Mark.SHOWN:
        return "*"
    return str(round_to(value, rules.base))


def published(value: int, mark: Mark, rules: Rules) -> int | None:
    """The rounded count when shown, else None."""
    return round_to(value, rules.base) if mark is Mark.SHOWN else None


def percent_text(num: int, num_mark: Mark, den: int, den_mark: Mark, rules: Rules) -> str:
    """R7: from rounded numerator and denominator; not shown if either is withheld or the denominator < 10."""
    if num_mark is not Mark.SHOWN or den_mark is not Mark.SHOWN or den < rules.threshold:
        return "n/a"
    n, d = round_to(num, rules.base), round_to(den, rules.base)
    if d == 0:
        return "n/a"
    return f"{round(100 * n / d)}%"


def median_text(values: Sequence[int], n_mark: Mark, rules: Rules) -> str:
    """R8: a median only from at least ``threshold`` people whose count is itself shown; never min or max."""
    if len(values) < rules.threshold or n_mark is not Mark.SHOWN:
        return "n/a"
    return f"{statistics.median(values):g}"


def grid_lines(rows: int, cols: int, row_totals: bool) -> list[list[Pos]]:
    """Lines of a grid whose last row is the column totals and (if ``row_totals``) last column the row totals.

    Every line holds its own total, so "exactly one withheld cell in a line" is the recoverable case."""
    width = cols + 1 if row_totals else cols
    lines: list[list[Pos]] = []
    if row_totals:
        lines += [[(r, c) for c in range(width)] for r in range(rows + 1)]
    if rows > 0:
        lines += [[(r, c) for r in range(rows + 1)] for c in range(width)]
    return lines


def protect(values: list[list[int]], marks: list[list[Mark]], lines: list[list[Pos]]) -> list[list[Mark]]:
    """Secondary suppression: until no line has exactly one withheld cell, withhold a complement in it.

    The complement is the unwithheld cell that (1) is not zero, (2) is not a total, (3) sits on a crossing
    line that already has a withheld cell, and (4) is smallest — the usual least-information heuristic."""
    out = [list(row) for row in marks]
    by_cell: dict[Pos, list[int]] = {}
    for i, line in enumerate(lines):
        for pos in line:
            by_cell.setdefault(pos, []).append(i)
    totals = {line[-1] for line in lines}
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            held = [p for p in line if out[p[0]][p[1]] is not Mark.SHOWN]
            if len(held) != 1:
                continue
            free = [p for p in line if out[p[0]][p[1]] is Mark.SHOWN]
            if not free:
                continue

            def cost(p: Pos, line_no: int = i) -> tuple[bool, bool, bool, int, Pos]:
                crossing = [j for j in by_cell[p] if j != line_no]
                lonely = not any(
                    any(out[q[0]][q[1]] is not Mark.SHOWN for q in lines[j]) for j in crossing
                )
                return (values[p[0]][p[1]] == 0, p in totals, lonely, values[p[0]][p[1]], p)

            pick = min(free, key=cost)
            out[pick[0]][pick[1]] = Mark.SECONDARY
            changed = True
    return out


def primary_marks(values: list[list[int]], rules: Rules) -> list[list[Mark]]:
    """PRIMARY for every 1–9 count, SHOWN otherwise."""
    return [[Mark.PRIMARY if primary(v, rules) else Mark.SHOWN for v in row] for row in values]


def dominance(values: list[list[int]], marks: list[list[Mark]], rules: Rules, row_totals: bool) -> None:
    """R10: a group (row) of fewer than 50 where one category holds ≥ 90% is withheld whole (in place).

    The last row (the All row) is the whole scope, not a group, and is left alone."""
    if not row_totals:
        return
    for r in range(len(values) - 1):
        total = values[r][-1]
        interior = values[r][:-1]
        if rules.threshold <= total < rules.dominance_group and max(interior, default=0) >= (
            rules.dominance_share * total
        ):
            for c in range(len(values[r])):
                if marks[r][c] is Mark.SHOWN:
                    marks[r][c] = Mark.DOMINANCE


def withheld_lines_ok(marks: list[list[Mark]], lines: list[list[Pos]]) -> bool:
    """True when no line has exactly one withheld cell (the R6 property tests check)."""
    return all(sum(marks[r][c] is not Mark.SHOWN for r, c in line) != 1 for line in lines)
