"""R9 ledger: a quarter then a year to date built to leak is refused; unrelated exports pass; R14 audit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseload.export.service import ExportRefused, ExportRequest, prepare, write
from caseload.store import audit, ledger
from caseload.store.migrations import MIGRATIONS, migrate, schema_version
from caseload.store.store import Store
from tests.conftest import PASSPHRASE
from tests.unit.export.popstore import add_cases, supervisor_store

AS_OF = date(2026, 12, 31)


def _export(store: Store, period: str, out: Path, area: str | None = None) -> list[Path]:
    return write(store, prepare(store, ExportRequest(period, area, "csv", as_of=AS_OF)), out)


def test_quarter_then_year_to_date_built_to_leak_is_refused(tmp_path: Path) -> None:
    store = supervisor_store(tmp_path / "s")
    add_cases(store, 20, date(2026, 8, 3))   # Q3: 20 police referrals → published as 20
    add_cases(store, 4, date(2026, 2, 9))    # Q1: 4 more → the year shows 24 → 25; 25 - 20 reveals "4"
    out = tmp_path / "out"
    out.mkdir()
    assert len(_export(store, "2026-Q3", out)) == 17
    before = sorted(out.iterdir())
    with pytest.raises(ExportRefused) as refused:
        _export(store, "2026", out)
    words = " ".join(c.explain() for c in refused.value.conflicts)
    assert "Referrals by source" in words and "Police" in words and "between 1 and 9" in words
    assert "2026-Q3 export" in words
    assert sorted(out.iterdir()) == before                       # nothing written
    assert len(ledger.entries(store)) == 1                       # nothing recorded
    events = [e.event for e in store.audit_entries()]
    assert events[0] == "export.refused" and "export.partnership" in events
    store.lock()


def test_year_first_then_quarter_is_refused_too(tmp_path: Path) -> None:
    store = supervisor_store(tmp_path / "s")
    add_cases(store, 20, date(2026, 8, 3))
    add_cases(store, 4, date(2026, 2, 9))
    out = tmp_path / "out"
    out.mkdir()
    _export(store, "2026", out)
    with pytest.raises(ExportRefused):
        _export(store, "2026-Q3", out)
    store.lock()


def test_unrelated_and_identical_exports_pass(tmp_path: Path) -> None:
    store = supervisor_store(tmp_path / "s")
    add_cases(store, 20, date(2026, 8, 3))
    add_cases(store, 4, date(2026, 2, 9))
    add_cases(store, 30, date(2026, 8, 3), area="Eastvale")
    out = tmp_path / "out"
    out.mkdir()
    _export(store, "2026-Q3", out)
    _export(store, "2026-Q1", out)                 # disjoint quarter
    _export(store, "2025", out)                    # disjoint year (nothing in it)
    _export(store, "2026-Q3", out)                 # the same scope, same data: nothing new to learn
    assert write(store, prepare(store, ExportRequest("2026-Q3", None, "html", as_of=AS_OF)), out)
    assert len(ledger.entries(store)) == 5
    store.lock()


def test_area_inside_all_areas_is_checked(tmp_path: Path) -> None:
    store = supervisor_store(tmp_path / "s")
    add_cases(store, 20, date(2026, 8, 3), area="Northshire")
    add_cases(store, 3, date(2026, 8, 4), area="Eastvale")
    out = tmp_path / "out"
    out.mkdir()
    _export(store, "2026-Q3", out, area="northshire")
    with pytest.raises(ExportRefused):
        _export(store, "2026-Q3", out)
    store.lock()


def test_export_is_audited_with_parameters_and_counts_never_values(tmp_path: Path) -> None:
    store = supervisor_store(tmp_path / "s")
    add_cases(store, 23, date(2026, 8, 3))
    out = tmp_path / "out"
    out.mkdir()
    _export(store, "2026-Q3", out)
    entry = next(e for e in store.audit_entries() if e.event == "export.partnership")
    assert entry.actor == "S. Supervisor"
    assert entry.detail["period"] == "2026-Q3" and entry.detail["format"] == "csv"
    assert entry.detail["files"] == 17 and entry.detail["cells"] > 0
    assert {"withheld_primary", "withheld_secondary", "withheld_dominance", "threshold"} <= set(entry.detail)
    assert all(isinstance(v, (int, str)) for v in entry.detail.values())
    assert store.check().audit_first_broken is None
    store.lock()


def test_ledger_write_fault_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = supervisor_store(tmp_path / "s")
    add_cases(store, 23, date(2026, 8, 3))
    out = tmp_path / "out"
    out.mkdir()
    n_audit = len(store.audit_entries())

    def boom(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit, "append", boom)           # fails after the ledger row, inside the transaction
    with pytest.raises(OSError):
        _export(store, "2026-Q3", out)
    monkeypatch.undo()
    assert ledger.entries(store) == []
    assert len(store.audit_entries()) == n_audit
    assert list(out.iterdir()) == []                     # no file, no temp file
    store.lock()


def test_store_made_before_the_ledger_gains_it(tmp_path: Path) -> None:
    store = supervisor_store(tmp_path / "s")
    with store.transaction() as conn:
        conn.exec_driver_sql("DROP TABLE export_ledger")
        conn.exec_driver_sql("PRAGMA user_version = 1")
    store.lock()
    store = Store.open(tmp_path / "s", PASSPHRASE)
    with store.reading() as conn:
        assert schema_version(conn) == MIGRATIONS[-1][0]
        assert "export_ledger" in sa.inspect(conn).get_table_names()
    assert migrate(store.engine) == []
    store.lock()
