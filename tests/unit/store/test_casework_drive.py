"""Drive casework in the store: each journey step stores what it should, Drive → IDVA reaches the IDVA's
case and due list, only the case manager or a supervisor may share, and no new query path gives a Drive user
a victim's level-3 field (canaries planted in every one of them)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from caseload.domain.drive import (
    Agency,
    BehaviourType,
    DriveReferral,
    DriveReferralForm,
    DriveSession,
    InterventionAction,
    ReferralRoute,
    ReviewStage,
    SessionOutcome,
    Strand,
)
from caseload.domain.due import DueKind, due_items
from caseload.domain.enums import (
    Channel,
    ClosureReason,
    ContactKind,
    ContactOutcome,
    DriveInfoKind,
    DriveStatus,
    IncidentKind,
    ItemStatus,
    LinkKind,
    PersonRole,
    ReferralSource,
    RiskLevel,
    Role,
)
from caseload.domain.forms import PersonDetails
from caseload.domain.model import Case, CaseLink, DriveInfo, OutcomeSnapshot, Person, Referral, VictimUpdate
from caseload.store import migrations
from caseload.store.casework_io import CaseworkError
from caseload.store.errors import ConflictError, NotPermitted
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.drive_helpers import (
    CANARY,
    DRIVE,
    DRIVE2,
    IDVA,
    SU,
    SUPERVISOR,
    level3_free,
    make_drive_world,
    open_as,
)

LEARNED = date(2026, 12, 3)  # Thursday → the IDVA's update is due Friday 4 Dec


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    return make_drive_world(tmp_path / "store")


def test_drive_journey_stores_each_step(world: dict[str, Any]) -> None:
    ids, victim = world["ids"], world["victim"]
    with open_as(world["dir"], DRIVE) as d:
        case = d.create_perpetrator_case(
            DriveReferralForm(PersonDetails("Second", "Example"), date(2026, 11, 20), ReferralRoute.PANEL,
                              disruption_only=True, referrer="Panel chair", reason="Serial pattern")
        )
        assert (case.reference, case.status, case.worker_id) == ("P-2026-0002", DriveStatus.REFERRED, ids[DRIVE])
        case = d.allocate(case, ids[DRIVE])
        assert (case.status, case.version) == (DriveStatus.ALLOCATED, 2)
        d.log_contact(case.id, at=datetime(2026, 11, 23, 10, tzinfo=UTC), kind=ContactKind.ATTEMPT,
                      channel=Channel.PHONE, outcome=ContactOutcome.NO_ANSWER)
        case = d.casefile_for(case).case
        assert case.status == DriveStatus.CONTACT_ATTEMPTS
        case = d.change_status(case, DriveStatus.ENGAGED)
        review = d.record_behaviour_review(case.id, reviewed_on=date(2026, 11, 24),
                                           present=[BehaviourType.JEALOUS_CONTROLLING, BehaviourType.PHYSICAL])
        case = d.change_status(case, DriveStatus.INTERVENTION)
        plan = [
            (Strand.DISRUPTION, Agency.POLICE, "Share intelligence on contact attempts"),
            (Strand.DISRUPTION, Agency.PROBATION, "Add licence condition"),
            (Strand.DISRUPTION, Agency.HOUSING, "Tenancy enforcement warning"),
            (Strand.DISRUPTION, Agency.CHILDRENS_SERVICES, "Strategy meeting"),
            (Strand.SUPPORT, Agency.HOUSING, "Move-on accommodation"),
            (Strand.SUPPORT, Agency.SUBSTANCE_USE, "Alcohol service referral"),
            (Strand.SUPPORT, Agency.MENTAL_HEALTH, "GP appointment"),
        ]
        for strand, agency, text in plan:
            d.add_intervention_action(case.id, strand=strand, agency=agency, action=text,
                                      created_on=date(2026, 11, 25), due_on=date(2026, 12, 9))
        d.record_session(case.id, held_on=date(2026, 11, 26), outcome=SessionOutcome.ATTENDED,
                         topic="Jealousy and checking phones", minutes=60)
        d.record_session(case.id, held_on=date(2026, 12, 3), outcome=SessionOutcome.MISSED)
        d.record_incident(case.id, occurred_on=date(2026, 10, 20), kind=IncidentKind.STRANGULATION, gravity=5)
        link = d.link_victim(case.id, kind=LinkKind.EX_PARTNER, recorded_on=date(2026, 11, 25),
                             victim_reference=victim.reference.lower())
        hidden = d.link_victim(case.id, kind=LinkKind.HIDDEN_VICTIM, recorded_on=date(2026, 11, 30),
                               hidden=PersonDetails("New", "Partner"))
        later = d.record_behaviour_review(case.id, reviewed_on=date(2027, 2, 24),
                                          present=[BehaviourType.JEALOUS_CONTROLLING])
        case = d.close_case(d.casefile_for(case).case, on=date(2027, 3, 1), reason=ClosureReason.RISK_REDUCED,
                            abuse_stopped=None, feels_safer=None)
        assert case.status == "closed"
    with open_as(world["dir"], SUPERVISOR) as s:
        cf = s.casefile(case.id)
        assert cf is not None
        assert cf.case.status == "closed" and cf.case.worker_id == ids[DRIVE]
        (route,) = cf.drive_referrals
        assert isinstance(route, DriveReferral)
        assert (route.route, route.disruption_only, route.referrer) == (ReferralRoute.PANEL, True, "Panel chair")
        assert [r.source for r in cf.referrals] == [ReferralSource.OTHER]
        assert [(a.strand, a.agency, a.action) for a in cf.interventions] == plan
        assert all(isinstance(a, InterventionAction) and a.status is ItemStatus.OPEN for a in cf.interventions)
        assert [(x.outcome, x.minutes, x.worker_id) for x in cf.sessions] == [
            (SessionOutcome.ATTENDED, 60, ids[DRIVE]), (SessionOutcome.MISSED, 0, ids[DRIVE])]
        assert all(isinstance(x, DriveSession) for x in cf.sessions)
        assert [(r.stage, r.present) for r in cf.behaviour_reviews] == [
            (ReviewStage.INTAKE, (BehaviourType.PHYSICAL, BehaviourType.JEALOUS_CONTROLLING)),
            (ReviewStage.REVIEW, (BehaviourType.JEALOUS_CONTROLLING,)),
        ]
        assert (review.id, later.id) == tuple(r.id for r in cf.behaviour_reviews)
        assert [(i.kind, i.gravity, i.perpetrator_id) for i in cf.incidents] == [
            (IncidentKind.STRANGULATION, 5, cf.case.subject_id)]
        links = {x.id: x for x in cf.links}
        assert links[link.link_id].victim_case_id == victim.id and links[link.link_id].kind is LinkKind.EX_PARTNER
        assert links[hidden.link_id].victim_case_id is None and links[hidden.link_id].kind is LinkKind.HIDDEN_VICTIM
        person = s.get(Person, links[hidden.link_id].victim_person_id)
        assert person is not None and (person.given_name, person.role) == ("New", PersonRole.VICTIM)
        assert [o.stage for o in cf.outcomes] == ["exit"]
        events = [e.event for e in s.audit_entries(case.id)]
        for event in ("case.created", "case.allocated", "contact.logged", "case.status_changed", "intervention.added",
                      "session.recorded", "behaviour.reviewed", "victim.linked", "case.closed"):
            assert event in events


def test_drive_to_idva_end_to_end(world: dict[str, Any]) -> None:
    ids, victim, drive = world["ids"], world["victim"], world["drive"]
    with open_as(world["dir"], DRIVE) as d:
        (seen,) = [d.link_victim(drive.id, kind=LinkKind.CURRENT_PARTNER, recorded_on=date(2026, 11, 5),
                                 victim_reference=victim.reference)]
        assert (seen.reference, seen.risk_level, seen.idva_name) == (victim.reference, RiskLevel.HIGH, IDVA)
        info, update = d.record_drive_info(drive.id, victim_case_id=victim.id, kind=DriveInfoKind.RELEASE_DATE,
                                           learned_on=LEARNED, note="Release confirmed by probation for 10 Dec")
        assert (update.case_id, update.due_on, update.source_id) == (victim.id, date(2026, 12, 4), info.id)
        mine = d.casefile(drive.id)
        assert mine is not None and [i.id for i in mine.drive_info] == [info.id]
        assert d.all(VictimUpdate) == []  # the update lives on the victim case, which a Drive user cannot read
    with open_as(world["dir"], IDVA) as a:
        cf = a.casefile(victim.id)
        assert cf is not None
        assert [(i.kind, i.note) for i in cf.drive_info] == [
            (DriveInfoKind.RELEASE_DATE, "Release confirmed by probation for 10 Dec")]
        (stored,) = [u for u in cf.updates if u.source_id == info.id]
        assert stored == update and stored.event == "Drive: release date" and stored.told_on is None
        me = a.me()
        assert me is not None and me.id == ids[IDVA]
        due = due_items(a.due_casefiles(worker_id=me.id), date(2026, 12, 4), worker_id=me.id, horizon_days=7)
        (item,) = [x for x in due if x.kind is DueKind.DRIVE_INFO]
        assert (item.case_id, item.due_on, item.tab) == (victim.id, date(2026, 12, 4), "updates")
        assert "release date learned on" in item.reason
        assert "drive_info.received" in [e.event for e in a.audit_entries(victim.id)]
        told = a.mark_update_told(stored, told_on=date(2026, 12, 4), channel=Channel.PHONE)
        assert not told.late
        due = due_items(a.due_casefiles(worker_id=me.id), date(2026, 12, 4), worker_id=me.id, horizon_days=7)
        assert not [x for x in due if x.kind is DueKind.DRIVE_INFO]


def test_only_the_case_manager_or_a_supervisor_shares(world: dict[str, Any]) -> None:
    ids, victim, drive = world["ids"], world["victim"], world["drive"]
    kwargs: dict[str, Any] = {"victim_case_id": victim.id, "kind": DriveInfoKind.BREACH, "learned_on": LEARNED}
    with open_as(world["dir"], DRIVE) as d:
        with pytest.raises(CaseworkError, match="not linked"):
            d.record_drive_info(drive.id, **kwargs)
        d.link_victim(drive.id, kind=LinkKind.EX_PARTNER, recorded_on=LEARNED, victim_reference=victim.reference)
        d.share_case(drive.id, ids[DRIVE2])
        with pytest.raises(CaseworkError, match="say what it is"):
            d.record_drive_info(drive.id, **{**kwargs, "kind": DriveInfoKind.OTHER})
    with open_as(world["dir"], DRIVE2) as e:
        assert e.casefile(drive.id) is not None  # shared with him: he works on it …
        with pytest.raises(NotPermitted):  # … but only the case manager shares with the IDVA
            e.record_drive_info(drive.id, **kwargs)
    with open_as(world["dir"], IDVA) as a, pytest.raises(NotPermitted):
        a.record_drive_info(drive.id, **kwargs)
    with open_as(world["dir"], SUPERVISOR) as s:
        info, _ = s.record_drive_info(drive.id, **kwargs)
        assert info.author_id == ids[SUPERVISOR]
        assert [i.id for i in s.all(DriveInfo)] == [info.id]


def test_refusals_and_conflicts(world: dict[str, Any]) -> None:
    ids, victim, drive = world["ids"], world["victim"], world["drive"]
    with open_as(world["dir"], IDVA) as a:
        with pytest.raises(NotPermitted):
            a.create_perpetrator_case(DriveReferralForm(PersonDetails("X", "Y"), LEARNED, ReferralRoute.POLICE))
        with pytest.raises(NotPermitted):
            a.add_intervention_action(drive.id, strand=Strand.SUPPORT, agency=Agency.HOUSING, action="x",
                                      created_on=LEARNED)
    with open_as(world["dir"], DRIVE) as d:
        with pytest.raises(CaseworkError, match="Possible duplicate"):
            d.create_perpetrator_case(DriveReferralForm(SU, LEARNED, ReferralRoute.POLICE))
        with pytest.raises(CaseworkError, match="active Drive case manager"):
            d.allocate(drive, ids[IDVA])
        with pytest.raises(CaseworkError, match="sessions, not actions"):
            d.add_intervention_action(drive.id, strand=Strand.BEHAVIOUR_CHANGE, agency=Agency.DRIVE, action="x",
                                      created_on=LEARNED)
        act = d.add_intervention_action(drive.id, strand=Strand.DISRUPTION, agency=Agency.POLICE,
                                        action="Warning letter", created_on=LEARNED)
        done = d.update_intervention_action(dataclasses.replace(act, status=ItemStatus.DONE))
        assert done.version == 2
        with pytest.raises(ConflictError):
            d.update_intervention_action(dataclasses.replace(act, status=ItemStatus.NOT_NEEDED))
        with pytest.raises(CaseworkError, match="no victim case has that reference"):
            d.link_victim(drive.id, kind=LinkKind.EX_PARTNER, recorded_on=LEARNED, victim_reference="C-2099-9999")
        with pytest.raises(CaseworkError, match="hidden victim"):
            d.link_victim(drive.id, kind=LinkKind.EX_PARTNER, recorded_on=LEARNED)
        d.link_victim(drive.id, kind=LinkKind.EX_PARTNER, recorded_on=LEARNED, victim_reference=victim.reference)
        with pytest.raises(CaseworkError, match="already linked"):
            d.link_victim(drive.id, kind=LinkKind.EX_PARTNER, recorded_on=LEARNED, victim_reference=victim.reference)
        d.record_behaviour_review(drive.id, reviewed_on=LEARNED, present=())
        with pytest.raises(CaseworkError, match="already has an intake"):
            d.record_behaviour_review(drive.id, reviewed_on=LEARNED, present=(), stage=ReviewStage.INTAKE)
        with pytest.raises(CaseworkError, match="minutes"):
            d.record_session(drive.id, held_on=LEARNED, outcome=SessionOutcome.ATTENDED, minutes=900)
        with pytest.raises(CaseworkError, match="before the case opened"):
            d.record_session(drive.id, held_on=date(2020, 1, 1), outcome=SessionOutcome.ATTENDED)
        with pytest.raises(CaseworkError, match="gravity"):
            d.record_incident(drive.id, occurred_on=LEARNED, kind=IncidentKind.THREATS, gravity=6)
        with pytest.raises(NotPermitted):  # a victim case is never a Drive user's
            d.record_session(victim.id, held_on=LEARNED, outcome=SessionOutcome.ATTENDED)
        again = d.allocate(drive, ids[DRIVE])  # re-allocation keeps the status
        assert (again.status, again.version) == (DriveStatus.ALLOCATED, drive.version + 1)
        with pytest.raises(ConflictError):
            d.allocate(drive, ids[DRIVE2])
        moved = d.allocate(again, ids[DRIVE2])
        assert moved.worker_id == ids[DRIVE2]
        with pytest.raises(NotPermitted):  # no longer his
            d.allocate(moved, ids[DRIVE])


def test_drive_user_never_reads_a_victim_level3_field(world: dict[str, Any]) -> None:
    victim, drive = world["victim"], world["drive"]
    with open_as(world["dir"], SUPERVISOR) as s:
        cf = s.casefile(victim.id)
        assert cf is not None and CANARY in repr(cf)  # the canaries are there to be found
    results: list[Any] = []
    with open_as(world["dir"], DRIVE) as d:
        results.append(d.link_victim(drive.id, kind=LinkKind.CURRENT_PARTNER, recorded_on=LEARNED,
                                     victim_reference=victim.reference))
        results.append(d.link_victim(drive.id, kind=LinkKind.HIDDEN_VICTIM, recorded_on=LEARNED,
                                     hidden=PersonDetails(f"{CANARY}hidden", f"{CANARY}hiddenfamily",
                                                          address=f"{CANARY}hiddenaddress")))
        results.append(d.record_drive_info(drive.id, victim_case_id=victim.id, kind=DriveInfoKind.STATED_INTENT,
                                           learned_on=LEARNED, note="Said he will go to her area"))
        results.append(d.linked_victims(drive.id))
        results.append(d.casefile(drive.id))
        results.append(d.casework_file(drive.id))
        results.append(d.casefiles())
        results.append(d.due_casefiles())
        results.append(d.get(Case, victim.id))
        results += [d.all(t) for t in (Person, Case, CaseLink, DriveInfo, VictimUpdate, Referral, OutcomeSnapshot)]
        results.append(d.audit_entries())
        with pytest.raises(NotPermitted):
            d.linked_victims(victim.id)
        with pytest.raises(NotPermitted):
            d.casework_file(victim.id)
        linked = d.get(Case, victim.id)
        assert linked is not None and linked.reference == victim.reference and linked.risk_level is RiskLevel.HIGH
    for value in results:
        assert level3_free(value), value
    (shown, hidden) = results[3]
    assert (shown.reference, shown.idva_name, hidden.hidden, hidden.reference) == (victim.reference, IDVA, True, "")


def test_store_before_migration_6_gains_the_drive_tables(tmp_path: Path) -> None:
    early = max(v for v, _ in migrations.MIGRATIONS if v < 6)
    s = Store.create(tmp_path / "s", "A", Role.DRIVE, PASSPHRASE, kdf=FLOOR)
    with s.transaction() as conn:
        for table in ("drive_referrals", "interventions", "sessions", "behaviour_reviews"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.exec_driver_sql(f"PRAGMA user_version = {early}")
    s.lock()
    with Store.open(tmp_path / "s", PASSPHRASE) as s2, s2.reading() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert {"drive_referrals", "interventions", "sessions", "behaviour_reviews", "ix_sessions_case"} <= names
        assert migrations.schema_version(conn) == migrations.LATEST >= 6
