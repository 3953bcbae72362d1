"""The printable meeting pack: one self-contained HTML file (inline CSS, inline SVG charts, no scripts).

Charts are drawn only from published (rounded) figures; a withheld figure gets no bar, only its ``<10`` or
``*`` label. Every text is HTML-escaped; nothing is loaded from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from caseload.export.summary import Summary
from caseload.export.tables import Cell, SafeTable

CSS = """
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: #1d2433; margin: 0 auto; max-width: 1100px;
       padding: 24px 28px; font-size: 13px; line-height: 1.4; background: #fff; }
header { border-bottom: 4px solid #2b4c7e; padding-bottom: 10px; margin-bottom: 18px; }
header h1 { font-size: 24px; margin: 0 0 4px; color: #2b4c7e; }
header p { margin: 2px 0; color: #4a5568; }
.badge { display: inline-block; background: #edf2f7; border-radius: 3px; padding: 1px 7px; font-size: 11px;
         color: #2d3748; margin-right: 6px; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 0 0 22px; }
.figure { border: 1px solid #cbd5e0; border-left: 5px solid #2b4c7e; padding: 8px 10px; border-radius: 3px; }
.figure b { display: block; font-size: 22px; color: #2b4c7e; }
.figure span { color: #4a5568; font-size: 12px; }
section { margin: 0 0 26px; page-break-inside: avoid; }
section h2 { font-size: 16px; margin: 0 0 2px; color: #1a365d; }
.unit { color: #718096; font-size: 11.5px; margin: 0 0 8px; }
svg { display: block; margin: 4px 0 10px; }
table { border-collapse: collapse; width: 100%; font-size: 11.5px; }
th, td { border: 1px solid #e2e8f0; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #edf2f7; font-weight: 600; white-space: normal; vertical-align: bottom; }
td.label, th.label { text-align: left; white-space: normal; }
tr.all td { font-weight: 700; background: #f7fafc; }
tr.dim td { background: #fff; text-align: left; font-weight: 600; color: #2b4c7e; border-top: 2px solid #cbd5e0; }
td.withheld { color: #9b2c2c; }
.note { color: #718096; font-style: italic; font-size: 11.5px; margin: 4px 0; }
footer { border-top: 2px solid #cbd5e0; margin-top: 26px; padding-top: 8px; color: #4a5568; font-size: 11.5px; }
footer p { margin: 3px 0; }
"""

BAR = "#2b4c7e"
BAR2 = "#dd6b20"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _value(cell: Cell) -> int:
    return 0 if cell.withheld else int(cell.text)


def bar_chart(labels: Sequence[str], cells: Sequence[Cell], title: str) -> str:
    """Horizontal bars, one per category, longest = widest; withheld categories show their mark only."""
    width, label_w, row_h = 760, 230, 22
    top = max((_value(c) for c in cells), default=0) or 1
    height = row_h * len(labels) + 8
    parts = [f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
             'font-family="Segoe UI, Arial, sans-serif">']
    for i, (label, cell) in enumerate(zip(labels, cells, strict=True)):
        y = 4 + i * row_h
        w = round((width - label_w - 70) * _value(cell) / top)
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="#2d3748">{_e(label)}</text>')
        if w:
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 6}" fill="{BAR}" rx="2"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 15}" fill="#2d3748">{_e(cell.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def paired_chart(labels: Sequence[str], first: Sequence[Cell], second: Sequence[Cell], names: tuple[str, str],
                 title: str) -> str:
    """Two bars per category (e.g. risk at intake vs at exit), with a legend."""
    width, label_w, row_h = 760, 230, 40
    top = max((_value(c) for c in (*first, *second)), default=0) or 1
    height = row_h * len(labels) + 30
    parts = [f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
             'font-family="Segoe UI, Arial, sans-serif">',
             f'<rect x="{label_w}" y="4" width="12" height="12" fill="{BAR}"/>'
             f'<text x="{label_w + 18}" y="14">{_e(names[0])}</text>'
             f'<rect x="{label_w + 150}" y="4" width="12" height="12" fill="{BAR2}"/>'
             f'<text x="{label_w + 168}" y="14">{_e(names[1])}</text>']
    for i, label in enumerate(labels):
        y = 26 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 21}" text-anchor="end" fill="#2d3748">{_e(label)}</text>')
        for j, (cell, colour) in enumerate(((first[i], BAR), (second[i], BAR2))):
            w = round((width - label_w - 70) * _value(cell) / top)
            yy = y + 2 + j * 17
            if w:
                parts.append(f'<rect x="{label_w}" y="{yy}" width="{w}" height="14" fill="{colour}" rx="2"/>')
            parts.append(f'<text x="{label_w + w + 6}" y="{yy + 12}" fill="#2d3748">{_e(cell.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table_html(table: SafeTable) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in (*table.columns, *table.extra_columns))
    rows = [f'<table><thead><tr><th class="label">Group</th>{head}</tr></thead><tbody>']
    width = 1 + len(table.columns) + len(table.extra_columns)
    current = "All"
    for dimension, row in table.rows():
        if dimension != current:
            rows.append(f'<tr class="dim"><td colspan="{width}">{_e(dimension)}</td></tr>')
            current = dimension
        cells = "".join(
            f'<td class="withheld">{_e(c.text)}</td>' if c.withheld else f"<td>{_e(c.text)}</td>" for c in row.cells
        )
        extras = "".join(f"<td>{_e(x)}</td>" for x in row.extras)
        cls = ' class="all"' if dimension == "All" else ""
        rows.append(f'<tr{cls}><td class="label">{_e(row.label)}</td>{cells}{extras}</tr>')
    rows.append("</tbody></table>")
    for note in table.notes:
        rows.append(f'<p class="note">{_e(note)}</p>')
    return "".join(rows)


def _interior(table: SafeTable) -> tuple[list[str], list[Cell]]:
    cols = [c for c in table.columns if c != "Total"]
    return cols, list(table.all_row.cells[: len(cols)])


def _figures(summary: Summary) -> str:
    by_key = {t.key: t for t in summary.tables}
    picks = [("cases", -1, "victim cases worked"), ("referrals_by_source", -1, "new referrals"),
             ("marac", -1, "cases referred to MARAC"), ("drive_service_users", -1, "Drive service users")]
    out = []
    for key, idx, words in picks:
        t = by_key.get(key)
        if t is not None:
            out.append(f'<div class="figure"><b>{_e(t.all_row.cells[idx].text)}</b><span>{_e(words)}</span></div>')
    for key, words in (("marac", "repeat MARAC rate"), ("dash", "DASH completed (new cases)"),
                       ("updates", "victim updates on time")):
        t = by_key.get(key)
        if t is not None and t.all_row.extras:
            out.append(f'<div class="figure"><b>{_e(t.all_row.extras[0])}</b><span>{_e(words)}</span></div>')
    t = by_key.get("first_attempt")
    if t is not None and t.all_row.extras:
        out.append(f'<div class="figure"><b>{_e(t.all_row.extras[0])}</b>'
                   '<span>median days, referral to first attempt</span></div>')
    return '<div class="figures">' + "".join(out) + "</div>"


def to_html(summary: Summary, base: str) -> dict[str, bytes]:
    """The meeting pack."""
    by_key = {t.key: t for t in summary.tables}
    body: list[str] = []
    for n, table in enumerate(summary.tables, 1):
        chart = ""
        if table.chart == "bar":
            cols, cells = _interior(table)
            chart = bar_chart(cols, cells, table.title)
        elif table.key in ("risk_intake", "drive_behaviour_intake"):
            other = by_key.get("risk_exit" if table.key == "risk_intake" else "drive_behaviour_review")
            if other is not None:
                cols, first = _interior(table)
                _, second = _interior(other)
                names = ("At intake", "At exit") if table.key == "risk_intake" else ("At intake", "Latest review")
                skip = 1 if table.key == "drive_behaviour_intake" else 0
                chart = paired_chart(cols[skip:], first[skip:], second[skip:], names, table.title)
        body.append(f'<section><h2>{n}. {_e(table.title)}</h2><p class="unit">Counting: {_e(table.unit)}</p>'
                    f"{chart}{_table_html(table)}</section>")
    foot = "".join(f"<p>{_e(line)}</p>" for line in summary.footnote)
    doc = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Partnership summary {_e(summary.period.label)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Domestic abuse partnership summary</h1>"
        f'<p><span class="badge">ANONYMISED</span><span class="badge">{_e(summary.period.describe())}</span>'
        f'<span class="badge">Area: {_e(summary.area)}</span></p>'
        f"<p>IDVA and Drive casework for the period. Figures are rounded and small numbers withheld; see the "
        f"notes at the end.</p></header>{_figures(summary)}{''.join(body)}<footer>{foot}</footer></body></html>"
    )
    return {f"{base}.html": doc.encode("utf-8")}
