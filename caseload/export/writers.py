"""Writers for the analysts' formats: CSV (one file per table), XLSX (one sheet per table), Markdown.

Every writer takes a :class:`Summary` and returns ``{generated file name: bytes}``; nothing here touches the
disk. Only published text is written (never ``Cell.raw``); every file ends with the rules footnote (R13).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time

from caseload.export.files import neutralise
from caseload.export.summary import Summary
from caseload.export.tables import SafeTable

FORMATS = ("csv", "xlsx", "html", "md")


def slug(text: str) -> str:
    """A file-name fragment from a *generated* title (never from user text)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def base_name(summary: Summary, scope: str) -> str:
    """``partnership-2026-Q3-all-areas``; ``scope`` is "all-areas" or "one-area" (never the area's name)."""
    return f"partnership-{summary.period.label}-{scope}"


def table_rows(table: SafeTable) -> list[list[str]]:
    """Header and rows of one table as text: breakdown, group, columns…, extras…"""
    rows = [["Breakdown", "Group", *table.columns, *table.extra_columns]]
    for dimension, row in table.rows():
        rows.append([dimension, row.label, *(c.text for c in row.cells), *row.extras])
    return rows


def to_csv(summary: Summary, base: str) -> dict[str, bytes]:
    """One CSV per table, each with the title, the table, and the footnote rows."""
    out: dict[str, bytes] = {}
    for n, table in enumerate(summary.tables, 1):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([neutralise(table.title), neutralise(f"Unit: {table.unit}")])
        for row in table_rows(table):
            w.writerow([neutralise(x) for x in row])
        w.writerow([])
        for line in (*table.notes, *summary.footnote):
            w.writerow([neutralise(line)])
        out[f"{base}-{n:02d}-{slug(table.key)}.csv"] = buf.getvalue().encode("utf-8-sig")
    return out


def to_xlsx(summary: Summary, base: str) -> dict[str, bytes]:
    """One workbook, one sheet per table plus a Notes sheet; document properties carry no person's name."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = wb.active
    wb.remove(first)
    bold = Font(bold=True)
    for n, table in enumerate(summary.tables, 1):
        ws = wb.create_sheet(f"{n:02d} {table.key[:27]}")
        ws.append([_text(table.title)])
        ws["A1"].font = bold
        ws.append([_text(f"Unit: {table.unit}")])
        for i, row in enumerate(table_rows(table)):
            ws.append([_value(x) if j >= 2 and i > 0 else _text(x) for j, x in enumerate(row)])
            if i == 0:
                for cell in ws[ws.max_row]:
                    cell.font = bold
        ws.append([])
        for line in (*table.notes, *summary.footnote):
            ws.append([_text(line)])
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 34
    notes = wb.create_sheet("Notes")
    for line in summary.footnote:
        notes.append([_text(line)])
    stamp = datetime.combine(summary.generated, time(0, 0))
    props = wb.properties
    props.creator = ""
    props.lastModifiedBy = ""
    props.title = "Anonymised partnership summary"
    props.created = stamp
    props.modified = stamp
    props.lastPrinted = None
    buf = io.BytesIO()
    wb.save(buf)
    return {f"{base}.xlsx": buf.getvalue()}


def _text(value: str) -> str:
    """A string cell that can never be read as a formula (openpyxl treats a leading ``=`` as one)."""
    return neutralise(value)


def _value(text: str) -> object:
    """Plain published counts become numbers (analysts sort them); everything else stays text."""
    return int(text) if text.isdigit() else _text(text)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*")


def to_markdown(summary: Summary, base: str) -> dict[str, bytes]:
    """The meeting pack as Markdown: a heading, each table, the footnote."""
    lines = [f"# Partnership summary: {_md(summary.period.describe())}", "", f"Area: {_md(summary.area)}", ""]
    for n, table in enumerate(summary.tables, 1):
        lines += [f"## {n}. {_md(table.title)}", "", f"Unit: {_md(table.unit)}", ""]
        header = ["Group", *table.columns, *table.extra_columns]
        lines.append("| " + " | ".join(_md(h) for h in header) + " |")
        lines.append("|" + "---|" * len(header))
        for dimension, row in table.rows():
            label = row.label if dimension == "All" else f"{dimension}: {row.label}"
            lines.append("| " + " | ".join(_md(x) for x in (label, *(c.text for c in row.cells), *row.extras))
                         + " |")
        lines.append("")
        for note in table.notes:
            lines += [_md(note), ""]
    lines += ["---", "", *(f"{_md(x)}  " for x in summary.footnote), ""]
    return {f"{base}.md": "\n".join(lines).encode("utf-8")}
