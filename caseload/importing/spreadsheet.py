"""Caseload spreadsheets (CSV or XLSX, one row per victim case) → records, with per-row errors.

Row numbers are the spreadsheet's (the header is row 1). Nothing here raises for a bad file: every problem is
a :class:`RowError` in the returned :class:`ImportPlan`. See docs/import-format.md for the columns.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from caseload.domain.ids import new_id
from caseload.importing.caserows import COLUMNS, DASH_NOTE, UnreadableFile, plan_from_rows
from caseload.importing.errors import (
    FILE_LEVEL,
    ImportPlan,
    RowError,
    megabytes,
    read_limited,
    too_large,
)

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 512 * 1024 * 1024


def _size_error(path: Path, max_bytes: int) -> RowError | None:
    try:
        info = os.stat(path)
    except OSError as exc:
        return RowError(FILE_LEVEL, "", f"cannot read the file ({exc.strerror or 'I/O error'})")
    if not stat.S_ISREG(info.st_mode):
        return RowError(FILE_LEVEL, "", "not a regular file")
    if info.st_size > max_bytes:
        return RowError(FILE_LEVEL, "", too_large(info.st_size, max_bytes))
    return None


def read_spreadsheet(
    path: Path | str, *, max_bytes: int = MAX_BYTES, id_factory: Callable[[], str] = new_id
) -> ImportPlan:
    """Read a ``.csv`` or ``.xlsx`` caseload spreadsheet (chosen by suffix, else by content)."""
    target = Path(path)
    suffix = target.suffix.casefold()
    if suffix == ".xls":
        return ImportPlan.failed(
            RowError(
                FILE_LEVEL,
                "",
                "old Excel .xls files are not supported; save the sheet as .xlsx or as 'CSV UTF-8'",
            )
        )
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(target, max_bytes=max_bytes, id_factory=id_factory)
    if suffix not in (".csv", ".txt") and zipfile.is_zipfile(target):
        return read_xlsx(target, max_bytes=max_bytes, id_factory=id_factory)
    return read_csv(target, max_bytes=max_bytes, id_factory=id_factory)


def read_csv(
    path: Path | str, *, max_bytes: int = MAX_BYTES, id_factory: Callable[[], str] = new_id
) -> ImportPlan:
    """Read a CSV file: UTF-8 (with or without BOM), else Windows-1252 with a warning; `,` `;` or tab."""
    data = read_limited(Path(path), max_bytes)
    if isinstance(data, RowError):
        return ImportPlan.failed(data)
    return parse_csv_bytes(data, id_factory=id_factory)


def parse_csv_bytes(data: bytes, *, id_factory: Callable[[], str] = new_id) -> ImportPlan:
    """Parse CSV bytes (see :func:`read_csv`); never raises for bad input."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ImportPlan.failed(
            RowError(
                FILE_LEVEL,
                "",
                "the file is UTF-16 (Excel 'Unicode Text'); save it as 'CSV UTF-8' and import that",
            )
        )
    try:
        text = data.decode("utf-8-sig")
        if data.startswith(b"\xef\xbb\xbf"):
            warnings.append(
                "read as UTF-8 (the file starts with a byte order mark, as Excel 'CSV UTF-8' writes)"
            )
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return ImportPlan.failed(
                RowError(
                    FILE_LEVEL, "", "the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"
                )
            )
        warnings.append(
            "the file is not UTF-8, so it was read as Windows-1252 (cp1252): check that accented "
            "letters and symbols such as £ and € look right, or save it as 'CSV UTF-8'"
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","
    if delimiter != ",":
        warnings.append(f"columns are separated by {'semicolons' if delimiter == ';' else 'tabs'}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterable[Sequence[object]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise UnreadableFile(f"the CSV cannot be read past line {reader.line_num}: {exc}") from None

    return plan_from_rows(rows(), id_factory=id_factory, warnings=warnings)


def read_xlsx(
    path: Path | str, *, max_bytes: int = MAX_BYTES, id_factory: Callable[[], str] = new_id
) -> ImportPlan:
    """Read the first worksheet of an .xlsx workbook (cached values, never formulas)."""
    import openpyxl

    target = Path(path)
    refused = _size_error(target, max_bytes)
    if refused:
        return ImportPlan.failed(refused)
    try:
        with zipfile.ZipFile(target) as zf:
            unzipped = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ImportPlan.failed(
            RowError(
                FILE_LEVEL, "", "not a valid .xlsx workbook (save it again from Excel, or as 'CSV UTF-8')"
            )
        )
    if unzipped > MAX_UNZIPPED:
        return ImportPlan.failed(
            RowError(
                FILE_LEVEL,
                "",
                f"the workbook expands to {megabytes(unzipped)}, more than {megabytes(MAX_UNZIPPED)}; "
                "it was not read",
            )
        )
    try:
        wb = openpyxl.load_workbook(target, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged workbook; none is shown to the user
        return ImportPlan.failed(
            RowError(
                FILE_LEVEL, "", "not a valid .xlsx workbook (save it again from Excel, or as 'CSV UTF-8')"
            )
        )
    try:
        warnings = []
        if len(wb.worksheets) > 1:
            warnings.append(f"only the first sheet was read; the workbook has {len(wb.worksheets)}")

        def rows() -> Iterable[Sequence[object]]:
            try:
                yield from wb.worksheets[0].iter_rows(values_only=True)
            except Exception:  # damaged sheet XML; reported as a file error, never as a traceback
                raise UnreadableFile("the worksheet is damaged and could not be read to the end") from None

        return plan_from_rows(rows(), id_factory=id_factory, warnings=warnings)
    finally:
        wb.close()


__all__ = [
    "COLUMNS",
    "DASH_NOTE",
    "MAX_BYTES",
    "parse_csv_bytes",
    "plan_from_rows",
    "read_csv",
    "read_spreadsheet",
    "read_xlsx",
]
