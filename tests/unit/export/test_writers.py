"""Writers and files: formula neutralisation, XLSX metadata, generated names, folder safety, atomic writes."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from caseload.export.anonymise import Rules, round_to
from caseload.export.files import ExportPathError, neutralise, output_folder, staging, target
from caseload.export.html_pack import to_html
from caseload.export.periods import PeriodError, parse_period
from caseload.export.summary import build_summary
from caseload.export.writers import to_csv, to_markdown, to_xlsx
from caseload.store.reporting import CaseFacts, Population

PERIOD = parse_period("2026-Q3", date(2026, 12, 31))
HOSTILE = "=HYPERLINK(\"http://x\",\"y\")"


def _facts(area: str, n: int) -> list[CaseFacts]:
    return [CaseFacts("victim", "active_support", area, "25-34", "female", "white", False, False,
                      "ex_partner", "police", True, False, contacts=3) for _ in range(n)]


def _summary() -> object:
    facts = _facts(HOSTILE, 30) + _facts("-2+3", 25) + _facts("@SUM(A1)", 12) + _facts("Eastvale", 4)
    return build_summary(Population(PERIOD.start, PERIOD.end, None, tuple(facts)), PERIOD, Rules(),
                         date(2026, 12, 31), "All areas")


def test_neutralise() -> None:
    for bad in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("Police") == "Police" and neutralise("<10") == "<10"


def test_rounding_and_threshold() -> None:
    assert [round_to(v) for v in (0, 10, 12, 13, 17, 18, 22)] == [0, 10, 10, 15, 15, 20, 20]
    with pytest.raises(ValueError):
        Rules(threshold=5)
    assert Rules(threshold=20).threshold == 20


def test_periods() -> None:
    q = parse_period("2026-Q4", date(2026, 12, 4))
    assert (q.start, q.end, q.full_end, q.to_date) == (date(2026, 10, 1), date(2026, 12, 4), date(2026, 12, 31), True)
    y = parse_period("2025", date(2026, 12, 4))
    assert (y.start, y.end, y.to_date) == (date(2025, 1, 1), date(2025, 12, 31), False)
    for bad in ("2026-Q5", "26", "2026-07", "../2026", "2027"):
        with pytest.raises(PeriodError):
            parse_period(bad, date(2026, 12, 4))


def test_csv_cells_are_neutralised() -> None:
    files = to_csv(_summary(), "partnership-2026-Q3-all-areas")  # type: ignore[arg-type]
    assert len(files) == 17
    for name, data in files.items():
        assert name.startswith("partnership-2026-Q3-all-areas-") and name.endswith(".csv")
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    text = b"".join(files.values()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-2+3" in text and "'@SUM(A1)" in text


def test_xlsx_has_no_formula_and_no_person_in_metadata() -> None:
    (name, data), = to_xlsx(_summary(), "partnership-2026-Q3-all-areas").items()  # type: ignore[arg-type]
    assert name == "partnership-2026-Q3-all-areas.xlsx"
    wb = load_workbook(io.BytesIO(data))
    assert wb.properties.creator in (None, "") and wb.properties.lastModifiedBy in (None, "")
    assert len(wb.sheetnames) == 18
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, int):
                    assert cell.value % 5 == 0 and not 1 <= cell.value <= 9
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
    assert "creator>" not in core.replace("<dc:creator></dc:creator>", "").replace("<dc:creator/>", "")
    assert "lastModifiedBy>" not in core.replace("<cp:lastModifiedBy></cp:lastModifiedBy>", "")
    assert os.environ.get("USER", "nobody-xyz") not in core


def test_html_and_markdown_escape_everything() -> None:
    summary = _summary()
    html = to_html(summary, "b")["b.html"].decode()  # type: ignore[arg-type]
    assert "<script" not in html and "href=" not in html and "src=" not in html and "@import" not in html
    assert "&lt;10" in html and "=HYPERLINK(&quot;" in html
    md = to_markdown(summary, "b")["b.md"].decode()  # type: ignore[arg-type]
    assert "&lt;10" in md and "\\|" not in md.split("Area")[0]
    assert "Counts of 1 to 9 are shown as &lt;10" in md or "shown as &lt;10" in md


def test_folder_safety(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ExportPathError):
        output_folder(link)
    with pytest.raises(ExportPathError):
        output_folder(link / "sub")
    with pytest.raises(ExportPathError):
        output_folder(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportPathError):
        output_folder(tmp_path / "file")
    folder = output_folder(real)
    for bad in ("../x.csv", "a/b.csv", ".hidden", "", "x" * 300):
        with pytest.raises(ExportPathError):
            target(folder, bad)
    (real / "taken.csv").symlink_to(tmp_path / "file")
    with pytest.raises(ExportPathError):
        target(folder, "taken.csv")


def test_staged_files_are_all_or_nothing_and_private(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), staging(tmp_path) as staged:
        staged.add("a.csv", b"1")
        staged.add("b.csv", b"2")
        raise RuntimeError("fault part way")
    assert list(tmp_path.iterdir()) == []
    with staging(tmp_path) as staged:
        staged.add("a.csv", b"1")
        done = staged.commit()
    assert [p.name for p in done] == ["a.csv"] and (tmp_path / "a.csv").read_bytes() == b"1"
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
