"""Role matrix: every store query × every role. A Drive user never gets a victim's level-3 or firewall values.

Canaries are planted in every level-3/F text field of two victim cases (one held by the signed-in IDVA, one by
another IDVA) and of a Drive case's subject's firewall fields; each query's every returned object is repr'd
and scanned.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from caseload.domain.enums import CaseKind, PersonRole, Role
from caseload.domain.ids import new_id
from caseload.domain.levels import L3, LF, fields_at
from caseload.domain.model import (
    RECORD_KEYS,
    RECORD_TYPES,
    Case,
    CaseLink,
    Child,
    Contact,
    DriveInfo,
    OrderBreach,
    Person,
    ProtectiveOrder,
    SafeContact,
    SafetyPlan,
    SafetyPlanItem,
    User,
)
from caseload.store import admin, migrations
from caseload.store.errors import NotPermitted
from caseload.store.queries import PER_CASE, Queries
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import sample

MINE = "QZMINEVICTIM"  # victim case of the signed-in IDVA
OTHER = "QZOTHERVICTIM"  # victim case of another IDVA (linked to the Drive case)
PERP = "QZPERPSECRET"  # Drive case: firewall fields of the perpetrator
USERS = {"A. Advisor": Role.IDVA, "B. Advisor": Role.IDVA, "D. Manager": Role.DRIVE, "S. Lead": Role.SUPERVISOR}


def _case_records(canary: str, kind: CaseKind, worker: str) -> dict[type, list[Any]]:
    person = sample(
        Person, canary, role=PersonRole.VICTIM if kind is CaseKind.VICTIM else PersonRole.PERPETRATOR
    )
    case = sample(
        Case, canary, kind=kind, subject_id=person.id, worker_id=worker, closed_on=None, legal_hold=False,
        reference=f"C-{new_id()[-8:]}",
    )
    out: dict[type, list[Any]] = {Person: [person], Case: [case]}
    ids = {"case_id": case.id, "worker_id": worker, "assessor_id": worker, "perpetrator_id": None,
           "person_id": person.id, "dash_id": None, "referral_id": None, "source_id": None, "supersedes": None}
    for rtype, _ in PER_CASE:
        names = {f.name for f in dataclasses.fields(rtype)}
        out[rtype] = [sample(rtype, canary, **{k: v for k, v in ids.items() if k in names})]
    out[SafeContact] = [sample(SafeContact, canary, case_id=case.id)]
    plan, order = out[SafetyPlan][0], out[ProtectiveOrder][0]
    out[SafetyPlanItem] = [sample(SafetyPlanItem, canary, plan_id=plan.id, listing_id=None)]
    out[OrderBreach] = [sample(OrderBreach, canary, order_id=order.id)]
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("roles") / "store"
    users = {name: User(id=new_id(), name=name, role=role) for name, role in USERS.items()}
    s = Store.create(d, "S. Lead", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR, first_user=users["S. Lead"])
    mine = _case_records(MINE, CaseKind.VICTIM, users["A. Advisor"].id)
    other = _case_records(OTHER, CaseKind.VICTIM, users["B. Advisor"].id)
    perp = _case_records("", CaseKind.PERPETRATOR, users["D. Manager"].id)
    p = perp[Person][0]
    perp[Person] = [dataclasses.replace(p, immigration_status=PERP, nrpf=True)]
    perp[Child] = []  # children are recorded on victim cases
    vcase, pcase = other[Case][0], perp[Case][0]
    link = CaseLink(new_id(), pcase.id, other[Person][0].id, vcase.id, recorded_on=date(2026, 1, 1))
    info = sample(
        DriveInfo, None, perpetrator_case_id=pcase.id, victim_case_id=vcase.id, author_id=users["D. Manager"].id
    )
    records: dict[str, list[Any]] = {"users": [u for n, u in users.items() if n != "S. Lead"]}
    for group in (mine, other, perp):
        for rtype, items in group.items():
            records.setdefault(RECORD_KEYS[rtype], []).extend(items)
    records["links"] = [link]
    records["drive_info"] = [info]
    s.bulk_insert(records)
    for name, role in USERS.items():
        if name != "S. Lead":
            admin.add_user(s, name, role, PASSPHRASE + name, kdf=FLOOR)
    s.lock()
    return {"dir": d, "users": users, "mine": mine, "other": other, "perp": perp, "link": link, "info": info}


@pytest.fixture
def as_user(world: dict[str, Any]) -> Iterator[Any]:
    opened: list[Store] = []

    def _open(name: str) -> Store:
        pp = PASSPHRASE if name == "S. Lead" else PASSPHRASE + name
        st = Store.open(world["dir"], pp, name)
        opened.append(st)
        return st

    yield _open
    for st in opened:
        st.lock()


def everything(store: Store, world: dict[str, Any]) -> dict[str, list[Any]]:
    """Every query path with every argument worth trying; values are lists of returned objects."""
    ids = [r.id for g in ("mine", "other", "perp") for items in world[g].values() for r in items]
    ids += [world["link"].id, world["info"].id, *(u.id for u in world["users"].values())]
    case_ids = [world[g][Case][0].id for g in ("mine", "other", "perp")]
    workers = [None, *(u.id for u in world["users"].values())]
    out: dict[str, list[Any]] = {
        "get": [store.get(rt, i) for rt in RECORD_TYPES for i in ids],
        "all": [x for rt in RECORD_TYPES for x in store.all(rt)],
        "users": list(store.users()),
        "cases": [x for w in workers for o in (False, True) for x in store.cases(w, o)],
        "case_rows": [x for w in workers for o in (False, True) for x in store.case_rows(w, o)],
        "casefile": [store.casefile(c) for c in case_ids],
        "casefiles": [x for w in workers for x in store.casefiles(w)] + store.casefiles(case_ids=case_ids),
        "due_casefiles": [x for w in workers for x in store.due_casefiles(w)],
        "due_facts": [x for w in workers for x in store.due_facts(w)],
        "people_by_id": list(store.people_by_id(ids).values()),
        "last_contacts": [store.last_contacts(w) for w in workers],
        "open_updates_due": store.open_updates_due(date(2100, 1, 1)),
        "audit_entries": store.audit_entries() + [x for c in case_ids for x in store.audit_entries(c)],
        "shares": [x for c in case_ids for x in store.shares(c)],
        "me": [store.me()],
    }
    return out


QUERY_METHODS = {"get", "all", "users", "cases", "case_rows", "casefile", "casefiles", "due_casefiles",
                 "due_facts", "last_contacts", "open_updates_due"}


def test_matrix_covers_every_query_method() -> None:
    public = {n for n, _ in inspect.getmembers(Queries, inspect.isfunction) if not n.startswith("_")}
    assert public - {"reading", "transaction"} <= QUERY_METHODS, "a new query needs a row in the role matrix"


def _hits(results: dict[str, list[Any]], needle: str) -> list[str]:
    return [path for path, values in results.items() if needle in repr(values)]


@pytest.mark.parametrize("name", list(USERS))
def test_role_matrix(world: dict[str, Any], as_user: Any, name: str) -> None:
    store = as_user(name)
    store.audit_event("case.viewed", world["mine"][Case][0].id)
    results = everything(store, world)
    role = USERS[name]
    # the due list's kept facts cover exactly the cases the role may see (whoever kept them first)
    assert {f.case_id for f in store.due_facts()} == {c.id for c in store.cases()}
    if role is Role.SUPERVISOR:
        for canary in (MINE, OTHER, PERP):
            assert _hits(results, canary), canary
        return
    if role is Role.DRIVE:
        assert _hits(results, MINE) == [] and _hits(results, OTHER) == [] and _hits(results, PERP) == []
        (cf,) = results["casefile"][2:3]
        assert cf is not None and cf.case.id == world["perp"][Case][0].id
        assert results["casefile"][:2] == [None, None]
        victim = next(p for p in cf.people if p.id == world["link"].victim_person_id)
        assert victim.given_name == "" and victim.address == "" and victim.immigration_status == ""
        linked = store.get(Case, world["link"].victim_case_id)
        assert linked is not None and linked.reference == world["other"][Case][0].reference
        assert linked.risk_level == world["other"][Case][0].risk_level
        assert linked.worker_id == world["users"]["B. Advisor"].id  # → users() gives the IDVA's name
        assert store.get(Case, world["mine"][Case][0].id) is None  # not linked: nothing at all
        assert {c.kind for c in results["cases"]} == {CaseKind.PERPETRATOR}
        return
    own, foreign = (MINE, OTHER) if name == "A. Advisor" else (OTHER, MINE)
    assert _hits(results, foreign) == [] and _hits(results, PERP) == []
    assert set(_hits(results, own)) >= {"get", "all", "casefile", "casefiles", "case_rows", "people_by_id"}
    assert {c.kind for c in results["cases"]} == {CaseKind.VICTIM}


def test_drive_sees_no_victim_level3_in_any_field(world: dict[str, Any], as_user: Any) -> None:
    store = as_user("D. Manager")
    for values in everything(store, world).values():
        for obj in _walk(values):
            if isinstance(obj, Person) and obj.role is PersonRole.VICTIM:
                assert all(getattr(obj, f) in ("", None, ()) for f in fields_at(Person, L3, LF))
            if isinstance(obj, Child):
                pytest.fail("a child record reached a Drive user")


def _walk(value: Any) -> Iterator[Any]:
    if dataclasses.is_dataclass(value):
        yield value
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)


def test_share_gives_an_idva_the_case_and_unshare_takes_it_back(world: dict[str, Any], tmp_path: Path) -> None:
    other_case = world["other"][Case][0]
    a_id = world["users"]["A. Advisor"].id
    with Store.open(world["dir"], PASSPHRASE + "B. Advisor", "B. Advisor") as b:
        b.share_case(other_case.id, a_id)
        with pytest.raises(NotPermitted):
            b.share_case(other_case.id, world["users"]["D. Manager"].id)
    with Store.open(world["dir"], PASSPHRASE + "A. Advisor", "A. Advisor") as a:
        cf = a.casefile(other_case.id)
        assert cf is not None and OTHER in cf.subject.given_name
        with pytest.raises(NotPermitted):  # only the worker or a supervisor can change sharing
            a.unshare_case(other_case.id, a_id)
    with Store.open(world["dir"], PASSPHRASE, "S. Lead") as s:
        assert s.unshare_case(other_case.id, a_id)
    with Store.open(world["dir"], PASSPHRASE + "A. Advisor", "A. Advisor") as a:
        assert a.casefile(other_case.id) is None


def test_audit_queries_are_for_supervisors(world: dict[str, Any], as_user: Any) -> None:
    case_id = world["mine"][Case][0].id
    a = as_user("A. Advisor")
    a.audit_event("case.viewed", case_id)
    with pytest.raises(NotPermitted):
        a.who_viewed(case_id)
    with pytest.raises(NotPermitted):
        a.opened_by("A. Advisor")
    a.lock()
    s = as_user("S. Lead")
    viewers = s.who_viewed(case_id)
    assert viewers and {e.actor for e in viewers} >= {"A. Advisor"} and all(e.case_id == case_id for e in viewers)
    opened = s.opened_by("a. advisor")
    assert opened and {e.case_id for e in opened} >= {case_id} and {e.actor for e in opened} == {"A. Advisor"}


def test_slot_without_user_record_sees_nothing(tmp_path: Path) -> None:
    s = Store.create(tmp_path / "s", "Lone", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    with s.transaction() as conn:
        conn.exec_driver_sql("DELETE FROM users")
    recs = _case_records("QZLONE", CaseKind.VICTIM, new_id())
    s.bulk_insert({RECORD_KEYS[t]: v for t, v in recs.items()})
    s._access_cache = None
    assert s.cases() == [] and s.all(Contact) == [] and s.casefiles() == []
    s.lock()


def test_store_before_migration_4_gains_shares_table(tmp_path: Path) -> None:
    early = tuple(m for m in migrations.MIGRATIONS if m[0] < 4)
    s = Store.create(tmp_path / "s", "A", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    with s.transaction() as conn:
        conn.exec_driver_sql("DROP TABLE case_shares")
        conn.exec_driver_sql(f"PRAGMA user_version = {early[-1][0]}")
    s.lock()
    with Store.open(tmp_path / "s", PASSPHRASE) as s2, s2.reading() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "case_shares" in names
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() >= 4
    with Store.open(tmp_path / "s", PASSPHRASE) as s3:
        assert s3.check().ok  # the pre-anchor chain was adopted and still verifies
