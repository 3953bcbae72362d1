"""Import through the store: bundle round-trip, all-or-nothing, spreadsheet with bad rows, dry run."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from caseload.cli_bundle import export_bundle, store_records
from caseload.cli_import import run_import
from caseload.demo import DEMO_PASSPHRASE, build_demo, slot_user
from caseload.domain.enums import Role
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE

TODAY = date(2026, 12, 2)


def _args(file: Path, dry_run: bool = False, worker: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(file=file, dry_run=dry_run, worker=worker)


def _consoles() -> tuple[Console, Console]:
    return Console(record=True, width=200), Console(record=True, width=200)


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[object]]]:
    base = tmp_path_factory.mktemp("demo")
    build_demo(base / "store", 60, 3, TODAY, kdf=FLOOR)
    # The demo supervisor sees the whole caseload (the demo IDVA only her own cases).
    with Store.open(base / "store", DEMO_PASSPHRASE, slot_user(base / "store", Role.SUPERVISOR)) as store:
        bundle = base / "caseload-bundle.json"
        export_bundle(store, bundle)
        records = store_records(store)
    return bundle, records


def test_bundle_round_trip_gives_same_records(
    demo_bundle: tuple[Path, dict[str, list[object]]], tmp_path: Path
) -> None:
    bundle, original = demo_bundle
    store = Store.create(tmp_path / "empty", "Import Admin", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    try:
        out, err = _consoles()
        assert run_import(store, _args(bundle), out, err) == 0, err.export_text()
        imported = store_records(store)
    finally:
        store.lock()
    for key, records in original.items():
        got = imported[key]
        if key == "users":
            got = [u for u in got if u.name != "Import Admin"]  # type: ignore[attr-defined]
        assert sorted(got, key=lambda r: r.id) == sorted(records, key=lambda r: r.id), key  # type: ignore[attr-defined]
    assert len(original["cases"]) == 60 and len(original["contacts"]) > 500


def test_second_import_refused_whole_and_writes_nothing(
    demo_bundle: tuple[Path, dict[str, list[object]]], tmp_path: Path
) -> None:
    bundle, _ = demo_bundle
    store = Store.create(tmp_path / "s", "Import Admin", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    try:
        out, err = _consoles()
        assert run_import(store, _args(bundle), out, err) == 0
        before = {k: len(v) for k, v in store_records(store).items()}
        out, err = _consoles()
        assert run_import(store, _args(bundle), out, err) == 1
        text = err.export_text()
        assert "already in the store" in text and "Nothing was imported" in text
        assert {k: len(v) for k, v in store_records(store).items()} == before
    finally:
        store.lock()


def test_dry_run_writes_nothing(demo_bundle: tuple[Path, dict[str, list[object]]], tmp_path: Path) -> None:
    bundle, _ = demo_bundle
    store = Store.create(tmp_path / "s", "Import Admin", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    try:
        out, err = _consoles()
        assert run_import(store, _args(bundle, dry_run=True), out, err) == 0
        assert "Dry run" in out.export_text()
        assert store.cases() == []
    finally:
        store.lock()


SHEET = (
    "Reference,First name,Last name,Date of birth,Referral date,Referral source,Worker,Risk level,Postcode\n"
    "C-2026-9001,Testina,Fictional,01/02/1990,10/03/2026,police,A. Worker,high,ZZ99 1AA\n"
    "C-2026-9002,Sampla,Example,not a date,10/03/2026,police,A. Worker,high,ZZ99 1AB\n"
    "C-2026-9003,=HYPERLINK(1),Madeup,01/02/1990,10/03/2026,police,A. Worker,medium,ZZ99 1AC\n"
    "C-2026-9001,Placeholda,Specimen,01/02/1991,11/03/2026,health,A. Worker,standard,ZZ99 1AD\n"
)


def test_spreadsheet_with_bad_rows_imports_nothing(tmp_path: Path) -> None:
    sheet = tmp_path / "caseload.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    store = Store.create(tmp_path / "s", "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    try:
        out, err = _consoles()
        assert run_import(store, _args(sheet), out, err) == 1
        text = err.export_text()
        assert "row 3" in text and "row 4" in text and "row 5" in text
        assert "row 2," not in text
        assert store.cases() == []
    finally:
        store.lock()


def test_spreadsheet_good_rows_import_with_worker_resolved(tmp_path: Path) -> None:
    sheet = tmp_path / "caseload.csv"
    sheet.write_text("\n".join(SHEET.splitlines()[:2]) + "\n", encoding="utf-8")
    store = Store.create(tmp_path / "s", "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    try:
        out, err = _consoles()
        assert run_import(store, _args(sheet), out, err) == 0, err.export_text()
        (case,) = store.cases()
        me = store.me()
        assert me is not None and case.worker_id == me.id and case.reference == "C-2026-9001"
    finally:
        store.lock()


def test_spreadsheet_unknown_worker_reported(tmp_path: Path) -> None:
    sheet = tmp_path / "caseload.csv"
    sheet.write_text("\n".join(SHEET.splitlines()[:2]).replace("A. Worker", "Nobody Known") + "\n")
    store = Store.create(tmp_path / "s", "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    try:
        out, err = _consoles()
        assert run_import(store, _args(sheet), out, err) == 1
        assert "not a user of this store" in err.export_text()
        out, err = _consoles()
        assert run_import(store, _args(sheet, worker="A. Worker"), out, err) == 0
        assert len(store.cases()) == 1
    finally:
        store.lock()
