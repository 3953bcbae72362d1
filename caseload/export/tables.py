"""Safe tables: raw counts of one summary table in, published cells out (R4–R8, R10 via the anonymiser).

A :class:`RawTable` holds unrounded counts and never leaves the export package; a :class:`SafeTable` holds
only published text (``raw`` is kept on each cell for the R9 ledger, never written to a file).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from caseload.export.anonymise import (
    Mark,
    Rules,
    cell_text,
    dominance,
    grid_lines,
    median_text,
    percent_text,
    primary_marks,
    protect,
)

MAX_WITHHELD_SHARE = 0.5
"""A breakdown is left out when more than half of its non-zero cells would be withheld."""


@dataclass(frozen=True, slots=True)
class RawBlock:
    """One disaggregation: groups (rows) × the table's columns, unrounded; ``samples`` for a median column."""

    dimension: str
    groups: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    samples: tuple[tuple[int, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class RawTable:
    """Unrounded counts of one table: the All row plus blocks. ``partition``: columns add up to a row total."""

    key: str
    title: str
    unit: str
    columns: tuple[str, ...]
    all_counts: tuple[int, ...]
    blocks: tuple[RawBlock, ...] = ()
    partition: bool = True
    sensitive: bool = False
    additive: bool = True
    percent: tuple[int, str] | None = None
    median: tuple[tuple[int, ...], str] | None = None
    chart: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """A published cell: ``text`` is what is written; ``raw`` (unrounded) is only for the R9 ledger."""

    text: str
    mark: Mark
    raw: int = field(repr=False)

    @property
    def withheld(self) -> bool:
        """True for ``<10`` and ``*`` cells."""
        return self.mark is not Mark.SHOWN


@dataclass(frozen=True, slots=True)
class Row:
    """One published row: a label, its cells (the total last when the table has one), extra text columns."""

    label: str
    cells: tuple[Cell, ...]
    extras: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A published breakdown (one disaggregation)."""

    dimension: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class SafeTable:
    """A table ready for the writers: nothing in it is finer than the rules allow."""

    key: str
    title: str
    unit: str
    columns: tuple[str, ...]
    extra_columns: tuple[str, ...]
    all_row: Row
    blocks: tuple[Block, ...]
    additive: bool
    chart: str = ""
    notes: tuple[str, ...] = ()

    def rows(self) -> Iterator[tuple[str, Row]]:
        """Every published row with its breakdown name ("All" for the first)."""
        yield "All", self.all_row
        for block in self.blocks:
            for row in block.rows:
                yield block.dimension, row

    def cells(self) -> Iterator[tuple[str, str, str, Cell]]:
        """(breakdown, group, column, cell) for every published count."""
        for dimension, row in self.rows():
            for column, cell in zip(self.columns, row.cells, strict=True):
                yield dimension, row.label, column, cell


def _union(a: list[Mark], b: list[Mark]) -> list[Mark]:
    return [x if x is not Mark.SHOWN else y for x, y in zip(a, b, strict=True)]


def build_table(raw: RawTable, rules: Rules) -> SafeTable:
    """Apply primary, dominance and secondary suppression and rounding; drop breakdowns that are not safe."""
    total = raw.partition
    all_vals = [*raw.all_counts, *([sum(raw.all_counts)] if total else [])]
    all_marks = primary_marks([all_vals], rules)[0]
    if total:
        all_marks = protect([all_vals], [all_marks], grid_lines(0, len(raw.columns), True))[0]

    def run(block: RawBlock, top: list[Mark]) -> tuple[list[list[int]], list[list[Mark]]]:
        vals = [[*row, *([sum(row)] if total else [])] for row in block.counts] + [all_vals]
        marks = [*primary_marks(vals[:-1], rules), list(top)]
        if raw.sensitive:
            dominance(vals, marks, rules, total)
        return vals, protect(vals, marks, grid_lines(len(block.groups), len(raw.columns), total))

    def safe(block: RawBlock) -> bool:
        if len(block.groups) < 2:
            return False
        vals, marks = run(block, all_marks)
        inner = [(v, m) for vr, mr in zip(vals[:-1], marks[:-1], strict=True) for v, m in zip(vr, mr, strict=True)]
        nonzero = [m for v, m in inner if v]
        return bool(nonzero) and sum(m is not Mark.SHOWN for m in nonzero) <= MAX_WITHHELD_SHARE * len(nonzero)

    shown = [b for b in raw.blocks if safe(b)]
    changed = True
    while changed:
        changed = False
        for block in shown:
            _, marks = run(block, all_marks)
            merged = _union(all_marks, marks[-1])
            if merged != all_marks:
                all_marks, changed = merged, True

    columns = (*raw.columns, *(("Total",) if total else ()))
    extra_cols = tuple(x for x in ((raw.percent or (0, ""))[1], (raw.median or ((), ""))[1]) if x)

    def make_row(label: str, vals: Sequence[int], marks: Sequence[Mark], sample: Sequence[int] | None) -> Row:
        cells = tuple(Cell(cell_text(v, m, rules), m, v) for v, m in zip(vals, marks, strict=True))
        extras: list[str] = []
        if raw.percent is not None and total:
            c = raw.percent[0]
            extras.append(percent_text(vals[c], marks[c], vals[-1], marks[-1], rules))
        if raw.median is not None:
            extras.append(median_text(sample or (), marks[0], rules))
        return Row(label, cells, tuple(extras))

    shown_keys = {id(b) for b in shown}
    blocks: list[Block] = []
    left_out = [b.dimension for b in raw.blocks if id(b) not in shown_keys and len(b.groups) >= 2]
    for block in raw.blocks:
        if id(block) not in shown_keys:
            continue
        vals, marks = run(block, all_marks)
        samples = block.samples or tuple(() for _ in block.groups)
        rows = tuple(
            make_row(g, vals[i], marks[i], samples[i]) for i, g in enumerate(block.groups)
        )
        blocks.append(Block(block.dimension, rows))
    all_row = make_row("All", all_vals, all_marks, raw.median[0] if raw.median else None)
    notes = raw.notes
    if left_out:
        names = ", ".join(d if d == "LGBT+" else d.lower() for d in left_out)
        notes = (*notes, f"Not broken down by {names}: too few people in some groups to show safely.")
    return SafeTable(raw.key, raw.title, raw.unit, columns, extra_cols, all_row, tuple(blocks), raw.additive,
                     raw.chart, notes)
