"""The fast due-list read (:mod:`caseload.store.due_read`) cannot drift from the full read: on a generated
caseload, for every role, the due items, the review figures and the ``caseload due --json`` bytes are exactly
what the complete case files (``Store.casefiles()``) give, and the slim case files are the old ``for_due`` read's
with their unread level-3 fields blanked."""

from __future__ import annotations

import dataclasses
import gc
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from caseload.cli import main
from caseload.cli_due import dumps_rows
from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain.bulk import gc_paused
from caseload.domain.casefile import CaseFile
from caseload.domain.due import as_json, due_items
from caseload.domain.enums import ContactKind, ContactOutcome, PersonRole, Role
from caseload.domain.levels import L3, LF, fields_at
from caseload.domain.model import Case, Contact, Person
from caseload.domain.review import window_start, worker_figures
from caseload.store import due_read, keys, review
from caseload.store.store import Store
from tests.conftest import FLOOR
from tests.records import sample

BUILT_ON = date(2026, 12, 2)
DAYS = (BUILT_ON, BUILT_ON - timedelta(days=40), BUILT_ON + timedelta(days=9), date(2027, 1, 4))
SLIM_ATTRS = ("referrals", "incidents", "dash", "marac_referrals", "marac_listings", "plans", "orders", "breaches",
              "milestones", "contacts", "updates", "drive_info")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("dueread") / "store"
    build_demo(d, 240, 11, BUILT_ON, kdf=FLOOR)
    return d


def _open(d: Path, role: Role) -> Store:
    slot = next(s for s in keys.read_keys(d / "keys.json").slots if s.role == role.value)
    return Store.open(d, DEMO_PASSPHRASE, slot.user, verify=False)


@pytest.fixture(params=[Role.SUPERVISOR, Role.IDVA, Role.DRIVE], ids=lambda r: r.value)
def signed_in(demo: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    store = _open(demo, request.param)
    yield store
    store.lock()


def _slimmed(cf: CaseFile) -> CaseFile:
    slimmed: dict[str, Any] = {a: tuple(due_read.slim(r) for r in getattr(cf, a)) for a in SLIM_ATTRS}
    return dataclasses.replace(cf, **slimmed)


def test_slim_case_files_are_the_old_read_with_level3_blanked(signed_in: Store) -> None:
    fast = signed_in.due_casefiles()
    old = signed_in.casefiles(for_due=True)
    assert fast == [_slimmed(cf) for cf in old]
    assert fast, "every demo role holds some cases"
    for cf in fast:  # nothing level-3 was read for the records (the subject is read whole: Today shows the name)
        for attr in SLIM_ATTRS:
            for r in getattr(cf, attr):
                unread = set(fields_at(type(r), L3, LF)) - due_read.READ_LEVEL3.get(type(r), frozenset())
                assert all(getattr(r, f) in ("", (), None) for f in unread), r


@pytest.mark.parametrize("on", DAYS, ids=str)
def test_due_items_equal_those_from_full_case_files(signed_in: Store, on: date) -> None:
    full = signed_in.casefiles()
    fast = signed_in.due_casefiles()
    for horizon in (0, 7):
        assert due_items(fast, on, horizon_days=horizon) == due_items(full, on, horizon_days=horizon)
    workers = {cf.case.worker_id for cf in full}
    for wid in sorted(workers)[:3]:
        mine = signed_in.due_casefiles(worker_id=wid)
        assert {cf.case.worker_id for cf in mine} == {wid}
        assert due_items(mine, on, worker_id=wid) == due_items(full, on, worker_id=wid)


@pytest.mark.parametrize("on", DAYS[:2], ids=str)
def test_review_figures_equal_those_from_full_case_files(demo: Path, on: date) -> None:
    with _open(demo, Role.SUPERVISOR) as store:
        fast = review.review_casefiles(store, window_start(on))
        full = store.casefiles()
    assert worker_figures(fast, on) == worker_figures(full, on)
    assert len(fast) == len(full)


def test_due_json_is_the_full_reads_json_byte_for_byte(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with _open(demo, Role.SUPERVISOR) as store:
        user, full = store.user_name, store.casefiles()
    expected = json.dumps(as_json(due_items(full, BUILT_ON)), indent=1) + "\n"
    monkeypatch.setenv("CASELOAD_PASSPHRASE", DEMO_PASSPHRASE)
    code = main(["--store", str(demo), "--user", user, "due", "--json", "--as-of", BUILT_ON.isoformat()])
    assert code == 0
    assert capsys.readouterr().out == expected


def test_drive_user_gets_no_victim_level3_from_the_due_read(demo: Path) -> None:
    with _open(demo, Role.DRIVE) as store:
        files = store.due_casefiles()
    assert files and all(cf.case.kind.value == "perpetrator" for cf in files)
    for cf in files:
        assert cf.subject.role is not PersonRole.VICTIM
        assert all(getattr(cf.subject, f) in ("", None, ()) for f in fields_at(type(cf.subject), LF))


def test_contacts_at_the_same_time_all_come_back_in_order(supervisor_store: Store) -> None:
    """Ties on the first contact's time and on the last successful contact's time: every contact at either
    time, oldest first then by id — as from the full read."""
    s = supervisor_store
    person = s.insert(sample(Person))
    case = s.insert(sample(Case, subject_id=person.id, worker_id="w", closed_on=None, closure_reason=None))
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    t1 = t0 + timedelta(days=10, microseconds=5)
    rows = [
        (t0, ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),
        (t0, ContactKind.CONTACT, ContactOutcome.SPOKE),
        (t0 + timedelta(days=3), ContactKind.CONTACT, ContactOutcome.MET),
        (t1, ContactKind.CONTACT, ContactOutcome.SPOKE),
        (t1, ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),
        (t1 + timedelta(days=1), ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),
    ]
    for at, kind, outcome in rows:
        s.insert(sample(Contact, case_id=case.id, at=at, kind=kind, outcome=outcome))
    (fast,) = s.due_casefiles()
    (old,) = s.casefiles(for_due=True)
    assert fast == _slimmed(old)
    assert [c.at for c in fast.contacts] == [t0, t0, t1, t1]
    (full,) = s.casefiles()
    for on in (date(2026, 11, 20), date(2026, 12, 20)):
        assert due_items([fast], on) == due_items([full], on)


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "rows",
    [[], [{}], [{"a": 1}], [{"a": "é\n\"x\t", "b": True, "c": None, "d": 1.5, "e": -3}, {}], [{"k": [1, "x"]}]],
)
def test_dumps_rows_is_json_dumps_indent_1(rows: list[dict[str, Any]]) -> None:
    assert dumps_rows(rows) == json.dumps(rows, indent=1)
