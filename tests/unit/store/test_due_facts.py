"""Kept due facts (caseload.store.due_facts): the due list read from one row per case is the list worked out
from the case files, whatever changed since the facts were kept and whoever kept them.

- every record type the due list reads has triggers that forget the case's facts on insert, update and
  delete, in the writing transaction — checked table by table against the trigger list's own source;
- a change made through the casework API shows in the next due list;
- facts kept under another stamp (code version, settings, bank-holiday data) are worked out again;
- keeping facts is one transaction: a failure part-way keeps nothing and the next read still works;
- a store made before migration 7 gains the table and the triggers when opened.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain.due import DueKind, due_items, due_items_from_facts
from caseload.domain.due_rules import facts_stamp
from caseload.domain.enums import Channel, ContactKind, ContactOutcome, Role
from caseload.domain.model import Case, OrderBreach, ProtectiveOrder
from caseload.store import due_facts, keys, migrations
from caseload.store.due_read import DUE_SOURCES
from caseload.store.schema import due_facts_table, table_for
from caseload.store.store import Store
from tests.conftest import FLOOR
from tests.records import sample

BUILT_ON = date(2026, 12, 2)
DAYS = (BUILT_ON, BUILT_ON - timedelta(days=200), BUILT_ON + timedelta(days=30))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("duefacts") / "store"
    build_demo(d, 200, 3, BUILT_ON, kdf=FLOOR)
    return d


@pytest.fixture
def copy(demo: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (for tests that write)."""
    target = tmp_path / "store"
    shutil.copytree(demo, target)
    for lock in target.glob("*.lock"):
        lock.unlink()
    return target


def _open(d: Path, role: Role) -> Store:
    slot = next(s for s in keys.read_keys(d / "keys.json").slots if s.role == role.value)
    return Store.open(d, DEMO_PASSPHRASE, slot.user, verify=False)


@pytest.fixture
def supervisor(copy: Path) -> Iterator[Store]:
    store = _open(copy, Role.SUPERVISOR)
    yield store
    store.lock()


def _kept(store: Store) -> dict[str, str]:
    with store.reading() as conn:
        return dict(conn.execute(sa.select(due_facts_table.c.case_id, due_facts_table.c.facts)).all())


def _same_as_case_files(store: Store, on: date = BUILT_ON) -> None:
    assert due_items_from_facts(store.due_facts(), on) == due_items(store.casefiles(), on)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.IDVA, Role.DRIVE], ids=lambda r: r.value)
def test_kept_facts_give_the_case_files_list_for_every_role(copy: Path, role: Role) -> None:
    with _open(copy, role) as store:
        cold = store.due_facts()  # works every in-scope case out and keeps it
        warm = store.due_facts()  # read back from the store
        assert sorted(cold, key=lambda f: f.case_id) == sorted(warm, key=lambda f: f.case_id)
        files = store.casefiles()
        assert {f.case_id for f in warm} == {cf.case.id for cf in files}
        for on in DAYS:
            for horizon in (0, 7):
                assert due_items_from_facts(warm, on, horizon_days=horizon) == due_items(
                    files, on, horizon_days=horizon
                )
        worker = files[0].case.worker_id
        mine = store.due_facts(worker_id=worker)
        assert {f.worker_id for f in mine} == {worker}


def test_facts_are_the_same_whoever_kept_them(copy: Path) -> None:
    with _open(copy, Role.IDVA) as idva:
        idva.due_facts()
        by_idva = _kept(idva)
    with _open(copy, Role.SUPERVISOR) as sup:
        with sup.transaction() as conn:
            conn.execute(due_facts_table.delete())
        sup.due_facts()
        by_supervisor = _kept(sup)
    assert by_idva and all(by_supervisor[k] == v for k, v in by_idva.items())


def _one_row(store: Store, table: str, col: str) -> tuple[Any, str]:
    """(rowid, case id) of a row of ``table`` bearing on a case (through its order for breaches)."""
    with store.reading() as conn:
        if table == table_for(OrderBreach).table.name:
            orders = table_for(ProtectiveOrder).table.name
            sql = f"SELECT b.rowid, o.case_id FROM {table} b JOIN {orders} o ON o.id = b.order_id LIMIT 1"
        else:
            sql = f"SELECT rowid, {col} FROM {table} WHERE {col} IS NOT NULL LIMIT 1"
        row = conn.exec_driver_sql(sql).first()
    assert row is not None, f"the demo store has no {table} row"
    return row[0], row[1]


SOURCES = [(table_for(t).table.name, col) for t, col in DUE_SOURCES] + [(table_for(OrderBreach).table.name, "")]


@pytest.mark.parametrize(("table", "col"), SOURCES, ids=[t for t, _ in SOURCES])
def test_every_write_to_a_due_source_forgets_that_cases_facts(supervisor: Store, table: str, col: str) -> None:
    store = supervisor
    if table == table_for(OrderBreach).table.name:
        with store.reading() as conn:
            order_id = conn.exec_driver_sql(f"SELECT id FROM {table_for(ProtectiveOrder).table.name} LIMIT 1").scalar()
        store.insert(sample(OrderBreach, order_id=order_id))
    store.due_facts()
    rowid, case_id = _one_row(store, table, col)
    everyone = set(_kept(store))
    assert case_id in everyone
    # update (a change that changes nothing still forgets: the trigger does not look at values)
    with store.transaction() as conn:
        conn.exec_driver_sql(f"UPDATE {table} SET rowid = rowid WHERE rowid = ?", (rowid,))
    assert set(_kept(store)) == everyone - {case_id}
    _same_as_case_files(store)
    # delete (a case row itself is not deleted here: erasing a case is the retention test's business)
    if table != table_for(Case).table.name:
        with store.transaction() as conn:
            saved = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).first()
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
        assert set(_kept(store)) == everyone - {case_id}
        _same_as_case_files(store)
        # insert (the same row back)
        assert saved is not None
        with store.transaction() as conn:
            marks = ", ".join("?" for _ in saved)
            conn.exec_driver_sql(f"INSERT INTO {table} VALUES ({marks})", tuple(saved))
        assert set(_kept(store)) == everyone - {case_id}
        _same_as_case_files(store)


def test_every_due_source_has_its_three_triggers(supervisor: Store) -> None:
    with supervisor.reading() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table, _ in SOURCES:
        assert {f"due_facts_{table}_{op}" for op in ("ins", "upd", "del")} <= names


def test_a_contact_logged_through_casework_shows_in_the_next_due_list(copy: Path) -> None:
    with _open(copy, Role.IDVA) as store:
        on = BUILT_ON
        before = due_items_from_facts(store.due_facts(), on)
        late = next(i for i in before if i.kind is DueKind.CONTACT and i.days_overdue > 0)
        at = datetime(on.year, on.month, on.day, 11, 0, tzinfo=UTC)
        store.log_contact(late.case_id, at=at, kind=ContactKind.CONTACT, channel=Channel.PHONE,
                          outcome=ContactOutcome.SPOKE, minutes=10)
        after = due_items_from_facts(store.due_facts(), on)
        assert not [i for i in after if i.case_id == late.case_id and i.kind is DueKind.CONTACT and i.days_overdue > 0]
        assert after == due_items(store.casefiles(), on)


def test_facts_kept_under_another_stamp_are_worked_out_again(supervisor: Store) -> None:
    store = supervisor
    expected = due_items_from_facts(store.due_facts(), BUILT_ON)
    with store.transaction() as conn:
        conn.execute(due_facts_table.update().values(stamp="older code", facts='["wrong"]'))
    assert due_items_from_facts(store.due_facts(), BUILT_ON) == expected
    with store.reading() as conn:
        stamps = {r[0] for r in conn.execute(sa.select(due_facts_table.c.stamp).distinct())}
    assert stamps == {facts_stamp()}


def test_keeping_facts_is_all_or_nothing(supervisor: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the rows were written (here: right after the insert) keeps none of them."""
    store = supervisor
    real = due_facts.rebuild

    def failing(*args: Any, **kw: Any) -> Any:
        real(*args, **kw)
        raise OSError("disk full")

    monkeypatch.setattr(due_facts, "rebuild", failing)
    with pytest.raises(OSError, match="disk full"):
        store.due_facts()
    assert _kept(store) == {}
    monkeypatch.setattr(due_facts, "rebuild", real)
    _same_as_case_files(store)
    assert len(_kept(store)) == len(store.cases())


def test_store_made_before_migration_7_gains_kept_facts(copy: Path) -> None:
    with _open(copy, Role.SUPERVISOR) as store, store.transaction() as conn:
        for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").all():
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql(f"DROP TABLE {due_facts_table.name}")
        conn.exec_driver_sql("PRAGMA user_version = 6")
    with _open(copy, Role.SUPERVISOR) as store:
        with store.reading() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == migrations.LATEST >= 7
            triggers = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar()
        assert triggers == 3 * len(SOURCES)
        _same_as_case_files(store)
