"""R9: would this export, together with an earlier one, let someone work out a number between 1 and 9?

Two exports whose populations nest (a quarter inside a year to date; one area inside all areas; the same
scope again after data changed) can be subtracted cell by cell. Where both exports publish a cell that counts
people (or events) who belong to the wider scope whenever they belong to the narrower one, the difference
counts the people in the wider scope only; if that difference is 1–9, publishing both would reveal a small
number that primary suppression exists to hide. Such an export is refused, cell by cell, in words. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from caseload.export.anonymise import Rules
from caseload.export.tables import SafeTable
from caseload.store.ledger import CellRecord, LedgerEntry

SEP = "|"


@dataclass(frozen=True, slots=True)
class Conflict:
    """One cell that differencing against an earlier export would narrow into 1–9."""

    table: str
    breakdown: str
    group: str
    column: str
    earlier_period: str
    earlier_area: str
    earlier_at: str
    new_is_wider: bool

    def explain(self) -> str:
        """The refusal in words (no counts: the explanation itself must not leak the difference)."""
        where = "" if self.breakdown == "All" else f" ({self.breakdown}: {self.group})"
        earlier = f"the {self.earlier_period} export of {self.earlier_at[:10]}"
        if self.earlier_area:
            earlier += f" for {self.earlier_area}"
        wider, narrower = ("this export", earlier) if self.new_is_wider else (earlier, "this export")
        return (
            f"{self.table}{where}, column \"{self.column}\": {wider} and {narrower} both publish this figure, "
            f"and subtracting one from the other would give a number between 1 and 9."
        )


def ledger_cells(tables: Sequence[SafeTable]) -> dict[str, CellRecord]:
    """Unrounded cells of an export for the ledger, keyed ``table|breakdown|group|column``."""
    out: dict[str, CellRecord] = {}
    for t in tables:
        for dimension, group, column, cell in t.cells():
            out[SEP.join((t.key, dimension, group, column))] = (cell.raw, cell.withheld, t.additive)
    return out


def conflicts(
    new: LedgerEntry, earlier: Sequence[LedgerEntry], titles: Mapping[str, str], rules: Rules
) -> list[Conflict]:
    """Every cell of ``new`` that an earlier, nested export would let someone narrow into 1–9."""
    found: list[Conflict] = []
    seen: set[str] = set()
    for old in earlier:
        same = new.contains(old) and old.contains(new)
        if new.contains(old):
            new_wider = True
        elif old.contains(new):
            new_wider = False
        else:
            continue
        for key, (value, withheld, additive) in new.cells.items():
            before = old.cells.get(key)
            if before is None or not additive or withheld or before[1]:
                continue
            gap = value - before[0] if new_wider else before[0] - value
            if same:  # the same scope again after the data changed: either direction reveals the change
                gap = abs(gap)
            if 0 < gap < rules.threshold and key not in seen:
                seen.add(key)
                table, breakdown, group, column = [*key.split(SEP), "", "", ""][:4]
                found.append(Conflict(titles.get(table, table), breakdown, group, column, old.period, old.area,
                                      old.at, new_wider))
    return found
