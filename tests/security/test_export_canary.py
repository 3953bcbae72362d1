"""Canaries planted in every identifying field never reach an export file, in any format; firewall fields
(immigration status, NRPF, visa dependence) never appear, not even as a label."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from caseload.domain.model import RECORD_KEYS, Case, Person
from caseload.export.service import ExportRequest, prepare, write
from caseload.store.store import Store
from tests.records import one_of_each
from tests.unit.export.checks import check_summary
from tests.unit.export.popstore import add_cases, load_synthetic, supervisor_store

CANARY = "QZXEXPORTCANARY"
AS_OF = date(2026, 12, 31)
FIREWALL = (b"immigra", b"nrpf", b"no recourse", b"visa", b"IMMIGRATION", b"NRPF", b"Visa")


def _planted(tmp_path: Path) -> Store:
    store = supervisor_store(tmp_path / "s")
    load_synthetic(store, 150, today=date(2026, 12, 2))
    records = one_of_each(CANARY)
    records[Person] = replace(records[Person], immigration_status=f"{CANARY}-spouse visa", nrpf=True,
                              visa_dependent=True, postcode=f"ZZ99 {CANARY}")
    records[Case] = replace(records[Case], reference=f"C-2026-{CANARY}", opened_on=date(2026, 8, 1),
                            closed_on=None, area="Northshire")
    store.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items()})
    cases = add_cases(store, 12, date(2026, 8, 5), canary=CANARY)   # canary names, notes, referrers …
    assert cases
    return store


def _all_bytes(folder: Path) -> bytes:
    out = b""
    for p in sorted(folder.iterdir()):
        data = p.read_bytes()
        out += data
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out += b"".join(z.read(n) for n in z.namelist())
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "md"])
def test_no_canary_and_no_firewall_label_in_any_format(tmp_path: Path, fmt: str) -> None:
    store = _planted(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    prepared = prepare(store, ExportRequest("2026-Q3", None, fmt, as_of=AS_OF))
    check_summary(prepared.summary)
    files = write(store, prepared, out)
    assert files and all(p.parent == out for p in files)
    data = _all_bytes(out)
    assert len(data) > 2000
    assert CANARY.encode() not in data and CANARY.lower().encode() not in data
    assert CANARY.encode("utf-16-le") not in data
    for word in FIREWALL:
        assert word not in data, word
    for p in files:
        assert p.stat().st_mode & 0o777 == 0o600
        assert not p.name.startswith(".")
    # the store's audit entry holds counts, not values
    entry = next(e for e in store.audit_entries() if e.event == "export.partnership")
    assert CANARY not in repr(entry.detail)
    store.lock()


def test_reporting_reads_no_identifying_or_firewall_column() -> None:
    from caseload.domain.levels import Level
    from caseload.store.reporting import READ_COLUMNS
    from caseload.store.schema import metadata

    for table, cols in READ_COLUMNS.items():
        for col in cols:
            level = metadata.tables[table].c[col].info["level"]
            assert level in (Level.CATEGORICAL, Level.OPERATIONAL), (table, col)


def test_reporting_sql_names_only_allowed_columns() -> None:
    import re

    from caseload.store import reporting
    from caseload.store.reporting import READ_COLUMNS

    source = Path(reporting.__file__).read_text(encoding="utf-8")
    for forbidden in ("immigration_status", "nrpf", "visa_dependent", "given_name", "family_name", "postcode",
                      "note", "reference", "address", "detail", "conditions", "reason"):
        assert not re.search(rf"\b{forbidden}\b", source.split("class _Reading")[1]), forbidden
    assert "people" in READ_COLUMNS
