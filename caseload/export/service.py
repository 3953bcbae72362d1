"""Run an anonymised partnership export: read, anonymise, check the ledger, write, record — in that order.

:func:`prepare` only reads (the TUI preview uses it); :func:`write` renders every file into hidden temp files,
records the ledger entry and the audit event in one transaction, and only then renames the files into place.
A refusal (R9) is audited too. The store is used only through its query API; no passphrase is seen here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from caseload.domain.enums import Role
from caseload.domain.ids import new_id
from caseload.domain.sanitise import one_line
from caseload.export.anonymise import Mark, Rules
from caseload.export.differencing import Conflict, conflicts, ledger_cells
from caseload.export.files import staging
from caseload.export.html_pack import to_html
from caseload.export.periods import parse_period
from caseload.export.summary import Summary, build_summary
from caseload.export.writers import FORMATS, base_name, to_csv, to_markdown, to_xlsx
from caseload.store import ledger, reporting
from caseload.store.fileio import make_private_dir
from caseload.store.store import Store

Renderer = Callable[[Summary, str], dict[str, bytes]]
RENDERERS: dict[str, Renderer] = {"csv": to_csv, "xlsx": to_xlsx, "html": to_html, "md": to_markdown}


class ExportError(ValueError):
    """A request that cannot be run (bad period, unknown area, bad format)."""


class ExportRefused(Exception):
    """R9: the export would allow differencing against an earlier one."""

    def __init__(self, found: list[Conflict]) -> None:
        super().__init__(f"Refused: {len(found)} figure(s) could be narrowed to 1–9 against an earlier export.")
        self.conflicts = found


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export."""

    period: str
    area: str | None = None
    fmt: str = "html"
    threshold: int = 10
    as_of: date | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """An anonymised summary with its would-be ledger entry and any R9 conflicts."""

    request: ExportRequest
    summary: Summary
    entry: ledger.LedgerEntry
    conflicts: tuple[Conflict, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Cells, and withheld cells by reason (for the audit entry and the preview)."""
        marks = [c.mark for t in self.summary.tables for _, _, _, c in t.cells()]
        return {
            "tables": len(self.summary.tables),
            "cells": len(marks),
            "withheld_primary": sum(m is Mark.PRIMARY for m in marks),
            "withheld_secondary": sum(m is Mark.SECONDARY for m in marks),
            "withheld_dominance": sum(m is Mark.DOMINANCE for m in marks),
        }


def default_folder(store: Store) -> Path:
    """``<store>/exports`` (created private on first use)."""
    return Path(store.store_dir) / "exports"


def prepare(store: Store, request: ExportRequest) -> Prepared:
    """Read and anonymise; check the ledger. Writes nothing. Supervisors only (domain.md: they run
    partnership exports; an IDVA or Drive user may read only their own cases)."""
    if store.role is not Role.SUPERVISOR:
        raise ExportError(
            f"Partnership summaries are run by a supervisor; you are signed in as {store.role.value}."
        )
    if request.fmt not in FORMATS:
        raise ExportError(f"Format must be one of {', '.join(FORMATS)}.")
    try:
        rules = Rules(threshold=request.threshold)
    except ValueError as exc:
        raise ExportError(str(exc).capitalize() + ".") from None
    as_of = request.as_of or date.today()  # noqa: DTZ011 - the user's calendar day
    try:
        period = parse_period(request.period, as_of)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    area_name: str | None = None
    if request.area is not None:
        known = {a.casefold(): a for a in reporting.known_areas(store)}
        area_name = known.get(request.area.strip().casefold())
        if area_name is None:
            names = ", ".join(one_line(a, 40) for a in sorted(known.values())) or "none recorded"
            raise ExportError(f"No cases are recorded in that area. Known areas: {names}.")
    pop = reporting.population(store, period.start, period.end, area_name)
    label = "All areas" if area_name is None else area_name
    summary = build_summary(pop, period, rules, as_of, label)
    entry = ledger.LedgerEntry(
        id=new_id(), at=datetime.now(UTC).isoformat(), period=period.label, start=period.start, end=period.end,
        area=area_name or "", fmt=request.fmt, cells=ledger_cells(summary.tables),
    )
    titles = {t.key: t.title for t in summary.tables}
    found = conflicts(entry, ledger.entries(store), titles, rules)
    return Prepared(request, summary, entry, tuple(found))


def render(prepared: Prepared, serial: int = 1) -> dict[str, bytes]:
    """File name → bytes for the requested format (names generated, never from user text)."""
    scope = "all-areas" if not prepared.entry.area else "one-area"
    stamp = prepared.entry.at[:19].replace("-", "").replace(":", "")
    base = f"{base_name(prepared.summary, scope)}-{stamp}" + (f"-{serial}" if serial > 1 else "")
    return RENDERERS[prepared.request.fmt](prepared.summary, base)


def write(store: Store, prepared: Prepared, folder: Path | None = None) -> list[Path]:
    """Write the files into ``folder`` (default ``<store>/exports``) and record the export; or refuse."""
    detail: dict[str, Any] = {
        "period": prepared.entry.period,
        "area": prepared.entry.area or "all",
        "format": prepared.request.fmt,
        "threshold": prepared.summary.rules.threshold,
        **prepared.counts,
    }
    if prepared.conflicts:
        store.audit_event("export.refused", **detail, conflicting_cells=len(prepared.conflicts))
        raise ExportRefused(list(prepared.conflicts))
    if folder is None:
        folder = default_folder(store)
        make_private_dir(folder)
    files = render(prepared)
    serial = 1
    while any((folder / name).exists() or (folder / name).is_symlink() for name in files):
        serial += 1
        files = render(prepared, serial)
    with staging(folder) as staged:
        for name, data in files.items():
            staged.add(name, data)
        ledger.record(store, prepared.entry, {**detail, "files": len(files)})
        return staged.commit()
