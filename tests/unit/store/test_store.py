"""Store behaviour: slots, passphrase change, versions, transactions, migrations, levels on columns."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseload.domain.enums import Role
from caseload.domain.levels import LEVEL_KEY, Level
from caseload.domain.model import RECORD_KEYS, Case, Contact, Person
from caseload.store import migrations
from caseload.store.errors import (
    ConflictError,
    StoreError,
    StoreExists,
    StoreNotFound,
    StoreOpenElsewhere,
    StoreTooNew,
    WrongPassphrase,
)
from caseload.store.schema import metadata
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each, sample


def test_every_column_has_a_sensitivity_level() -> None:
    for table in metadata.tables.values():
        for col in table.columns:
            assert isinstance(col.info.get(LEVEL_KEY), Level), f"{table.name}.{col.name}"


def test_level3_columns_include_names_and_addresses() -> None:
    people = metadata.tables["people"]
    for name in ("given_name", "family_name", "address", "phone", "date_of_birth"):
        assert people.c[name].info[LEVEL_KEY] is Level.IDENTIFYING
    assert people.c.immigration_status.info[LEVEL_KEY] is Level.FIREWALL


def test_create_refuses_existing(store: Store, store_dir: Path) -> None:
    with pytest.raises(StoreExists):
        Store.create(store_dir, "B", Role.IDVA, PASSPHRASE, kdf=FLOOR)


def test_open_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        Store.open(tmp_path / "nothing", PASSPHRASE)


def test_same_process_second_open_refused(store: Store, store_dir: Path) -> None:
    with pytest.raises(StoreOpenElsewhere):
        Store.open(store_dir, PASSPHRASE)


def test_second_user_slot_opens_same_data(store: Store, store_dir: Path) -> None:
    records = one_of_each("X")
    store.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items()})
    store.add_user("S. Supervisor", Role.SUPERVISOR, "another long passphrase", kdf=FLOOR)
    store.lock()
    other = Store.open(store_dir, "another long passphrase", "S. Supervisor")
    assert other.role is Role.SUPERVISOR
    assert [c.id for c in other.cases()] == [records[Case].id]
    other.lock()
    Store.open(store_dir, PASSPHRASE, "A. Worker").lock()


def test_passphrase_change_rewraps_one_slot(store: Store, store_dir: Path) -> None:
    store.add_user("B. Advisor", Role.IDVA, "b advisor passphrase", kdf=FLOOR)
    before = json.loads((store_dir / "keys.json").read_text())["body"]["slots"]
    store.change_passphrase(PASSPHRASE, "a brand new passphrase")
    after = json.loads((store_dir / "keys.json").read_text())["body"]["slots"]
    assert before[1] == after[1]
    assert before[0]["wrapped"] != after[0]["wrapped"] and before[0]["salt"] != after[0]["salt"]
    store.lock()
    with pytest.raises(WrongPassphrase):
        Store.open(store_dir, PASSPHRASE, "A. Worker")
    Store.open(store_dir, "a brand new passphrase", "A. Worker").lock()
    Store.open(store_dir, "b advisor passphrase", "B. Advisor").lock()


def test_change_passphrase_needs_old(store: Store) -> None:
    with pytest.raises(WrongPassphrase):
        store.change_passphrase("not it at all", "a brand new passphrase")


def test_stale_write_refused(supervisor_store: Store) -> None:
    store = supervisor_store  # the person is on no case: only a supervisor sees it
    person = sample(Person, "x")
    store.insert(person)
    first = store.update(replace(person, given_name="First"))
    assert first.version == 2
    with pytest.raises(ConflictError):
        store.update(replace(person, given_name="Stale"))
    got = store.get(Person, person.id)
    assert got is not None and got.given_name == "First" and got.version == 2


def test_bulk_insert_is_all_or_nothing(supervisor_store: Store) -> None:
    store = supervisor_store  # sees every record, so "nothing written" is a real check
    records = one_of_each("X")
    good = {RECORD_KEYS[t]: [r] for t, r in records.items()}
    contact = records[Contact]
    good["contacts"] = [contact, contact]  # duplicate primary key → fails late in the transaction
    with pytest.raises(StoreError):
        store.bulk_insert(good)
    assert store.cases() == [] and store.all(Person) == []


def test_fault_mid_bulk_insert_rolls_back(supervisor_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store = supervisor_store
    records = one_of_each("X")
    calls = {"n": 0}

    def progress(done: int, total: int) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        store.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items()}, progress=progress)
    assert store.cases() == [] and store.all(Person) == []
    assert store.check().ok


def test_casefile_roundtrip(supervisor_store: Store) -> None:
    store = supervisor_store  # the case's worker is another user: only a supervisor sees it
    records = one_of_each("X")
    store.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items()})
    cf = store.casefile(records[Case].id)
    assert cf is not None
    assert cf.case == records[Case]
    assert cf.subject == records[Person]
    assert cf.contacts == (records[Contact],)
    assert cf.safe_contact is not None


def test_store_too_new_refused(store: Store, store_dir: Path) -> None:
    with store.transaction() as conn:
        conn.exec_driver_sql("PRAGMA user_version = 99")
    store.lock()
    with pytest.raises(StoreTooNew, match="schema version 99"):
        Store.open(store_dir, PASSPHRASE)


def test_migrations_apply_in_order_once(store: Store) -> None:
    seen: list[int] = []

    def v2(conn: sa.Connection) -> None:
        seen.append(2)
        conn.exec_driver_sql("CREATE TABLE extra_v2 (id TEXT)")

    nxt = migrations.LATEST + 1
    steps = (*migrations.MIGRATIONS, (nxt, v2))
    assert migrations.migrate(store.engine, steps) == [nxt]
    assert migrations.migrate(store.engine, steps) == []
    assert seen == [2]


def test_locked_store_refuses_use_and_drops_key(store: Store) -> None:
    store.lock()
    assert not store.is_open
    assert store._data_key is None
    with pytest.raises(StoreError, match="locked"):
        store.cases()


def test_check_reports_clean_store(store: Store) -> None:
    report = store.check()
    assert report.ok and report.integrity == ("ok",) and report.audit_entries >= 1
