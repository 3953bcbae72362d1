"""Import files and JSON bundles: pure parsing, validation and serialisation (no SQL, Textual or store).

Every reader returns an :class:`ImportPlan`; the caller inserts ``plan.records`` in one transaction only when
``plan.ok``. See docs/import-format.md.
"""

from __future__ import annotations

from pathlib import Path

from caseload.importing.bundle import (
    FORMAT,
    MAX_BYTES,
    VERSION,
    bundle_schema,
    parse_bundle_bytes,
    read_bundle,
    write_bundle,
)
from caseload.importing.caserows import plan_from_rows
from caseload.importing.codec import SECTIONS, record_from_json, record_to_json
from caseload.importing.errors import BundleWriteError, CodecError, ImportPlan, RowError
from caseload.importing.spreadsheet import MAX_BYTES as SPREADSHEET_MAX_BYTES
from caseload.importing.spreadsheet import read_csv, read_spreadsheet, read_xlsx


def read_import_file(path: Path | str, *, max_bytes: int | None = None) -> ImportPlan:
    """Read ``.json`` as a bundle (limit 256 MB) and anything else as a caseload spreadsheet (CSV or XLSX,
    limit 50 MB)."""
    target = Path(path)
    if target.suffix.casefold() == ".json":
        return read_bundle(target, max_bytes=max_bytes or MAX_BYTES)
    return read_spreadsheet(target, max_bytes=max_bytes or SPREADSHEET_MAX_BYTES)


__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "SECTIONS",
    "VERSION",
    "BundleWriteError",
    "CodecError",
    "ImportPlan",
    "RowError",
    "bundle_schema",
    "parse_bundle_bytes",
    "plan_from_rows",
    "read_bundle",
    "read_csv",
    "read_import_file",
    "read_spreadsheet",
    "read_xlsx",
    "record_from_json",
    "record_to_json",
    "write_bundle",
]
