"""The Drive case manager's journey by keyboard, signed in as the Drive user: Cases → n → a referral from
the panel (a duplicate of his existing service user first refused, then created anyway with ctrl+y) → the
case opens → y allocate → c contact attempt → u engaged → u intervention → a disruption action with the
police → g session → v behaviour review → x close with an exit snapshot; the stored records are checked
after each step."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.widgets import Input, Select

from caseload.domain.drive import (
    Agency,
    BehaviourReview,
    BehaviourType,
    DriveReferral,
    DriveSession,
    InterventionAction,
    ReferralRoute,
    ReviewStage,
    SessionOutcome,
    Strand,
)
from caseload.domain.enums import (
    CaseKind,
    Channel,
    ContactKind,
    ContactOutcome,
    DriveStatus,
    ReferralSource,
    RiskLevel,
)
from caseload.domain.model import Case, Contact, OutcomeSnapshot, Person
from caseload.screens.case_list import CaseListScreen
from caseload.screens.case_view import CaseScreen
from caseload.screens.drive_referral import AllocateModal, DriveReferralModal
from tests.app.tui import SIZE, TODAY, keys, new_app, screen_text, settle, unlock
from tests.unit.store.drive_helpers import DRIVE, DRIVE2, SU, SUPERVISOR, make_drive_world, open_as, passphrase

NAMES = {" ": "space", "-": "minus", ".": "full_stop", ",": "comma"}


async def type_into(pilot: Any, app: Any, selector: str, text: str) -> None:
    """Focus an input on the top screen, clear it and type ``text`` key by key."""
    box = app.screen.query_one(selector, Input)
    box.value = ""
    box.focus()
    await pilot.press(*[NAMES.get(ch, ch) for ch in text])


def stored_case(app: Any, case_id: str) -> Case:
    """The case as stored now."""
    case: Case | None = app.store.get(Case, case_id)
    assert case is not None
    return case


def mine(app: Any, record_type: type, case_id: str) -> list[Any]:
    """The stored records of one type on the case."""
    return [r for r in app.store.all(record_type) if r.case_id == case_id]


async def test_drive_journey_by_keyboard(tmp_path: Path) -> None:
    world = make_drive_world(tmp_path / "store")
    me = world["ids"][DRIVE]
    app = new_app(world["dir"])
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(DRIVE))
        assert app.store is not None and app.store.user_name == DRIVE
        before = {c.id for c in app.store.all(Case)}
        # Cases → n: the Drive referral form (not the victim one)
        await keys(pilot, app, "2")
        assert isinstance(app.screen, CaseListScreen)
        await keys(pilot, app, "n")
        modal = app.screen
        assert isinstance(modal, DriveReferralModal) and modal.loaded
        # the same name and date of birth as his existing service user → refused, nothing written
        await type_into(pilot, app, "#su-given", SU.given_name)
        await type_into(pilot, app, "#su-family", SU.family_name)
        assert SU.date_of_birth is not None
        await type_into(pilot, app, "#su-dob", SU.date_of_birth.isoformat())
        app.screen.query_one("#ref-route", Select).focus()
        await keys(pilot, app, "enter", "down", "enter")  # MARAC → panel, from the keyboard
        assert modal.query_one("#ref-route", Select).value is ReferralRoute.PANEL
        modal.query_one("#ref-disruption").focus()
        await keys(pilot, app, "space")
        await type_into(pilot, app, "#ref-referrer", "Panel chair")
        await type_into(pilot, app, "#ref-reason", "Repeat incidents")
        await type_into(pilot, app, "#ref-area", "Exampleshire")
        await keys(pilot, app, "ctrl+s")
        assert app.screen is modal
        assert "Possible duplicate: " + world["drive"].reference in screen_text(app)
        assert {c.id for c in app.store.all(Case)} == before
        await keys(pilot, app, "ctrl+y")  # create anyway
        # the new case opens, status referred, route panel with "disruption only"
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        (case_id,) = {c.id for c in app.store.all(Case)} - before
        assert screen.case_id == case_id
        case = stored_case(app, case_id)
        assert (case.kind, case.status, case.worker_id, case.referral_source, case.opened_on, case.area,
                case.risk_level) == (CaseKind.PERPETRATOR, DriveStatus.REFERRED, me, ReferralSource.OTHER, TODAY,
                                     "Exampleshire", RiskLevel.HIGH)
        person = app.store.get(Person, case.subject_id)
        assert person is not None and (person.given_name, person.family_name, person.date_of_birth) == (
            SU.given_name, SU.family_name, SU.date_of_birth)
        (route,) = mine(app, DriveReferral, case_id)
        assert (route.route, route.disruption_only, route.referrer, route.reason) == (
            ReferralRoute.PANEL, True, "Panel chair", "Repeat incidents")
        # y → allocate to himself (the case's worker may allocate, only to a Drive case manager)
        assert screen.check_action("allocate", ()) is True
        await keys(pilot, app, "y")
        assert isinstance(app.screen, AllocateModal)
        assert app.screen.query_one("#allocate-worker", Select).value == me
        await keys(pilot, app, "ctrl+s")
        assert app.screen is screen
        case = stored_case(app, case_id)
        assert (case.status, case.worker_id, case.version) == (DriveStatus.ALLOCATED, me, 2)
        assert screen.check_action("allocate", ()) is False  # no longer "referred"
        # c → a phone attempt, no answer: the case moves to "contact attempts"
        await keys(pilot, app, "c", "a", "p", "n", "ctrl+s")
        assert app.screen is screen, screen_text(app)
        (contact,) = mine(app, Contact, case_id)
        assert (contact.kind, contact.channel, contact.outcome) == (
            ContactKind.ATTEMPT, Channel.PHONE, ContactOutcome.NO_ANSWER)
        assert stored_case(app, case_id).status == DriveStatus.CONTACT_ATTEMPTS
        # u → engaged, u → intervention
        await keys(pilot, app, "u")
        assert "(1) Service user engaged" in screen_text(app)
        await keys(pilot, app, "1", "enter")
        assert stored_case(app, case_id).status == DriveStatus.ENGAGED
        await keys(pilot, app, "u")
        assert "(1) Start intervention" in screen_text(app)
        await keys(pilot, app, "1", "enter")
        assert stored_case(app, case_id).status == DriveStatus.INTERVENTION
        # a → a disruption action with the police (strand defaults to disruption)
        await keys(pilot, app, "a")
        app.screen.query_one("#action-agency", Select).value = Agency.POLICE
        await type_into(pilot, app, "#action-text", "Share bail conditions")
        await type_into(pilot, app, "#action-due", "2026-12-18")
        await keys(pilot, app, "ctrl+s")
        assert app.screen is screen, screen_text(app)
        (action,) = mine(app, InterventionAction, case_id)
        assert (action.strand, action.agency, action.action, action.created_on, action.due_on) == (
            Strand.DISRUPTION, Agency.POLICE, "Share bail conditions", TODAY, date(2026, 12, 18))
        # g → an attended session
        await keys(pilot, app, "g")
        await type_into(pilot, app, "#session-minutes", "60")
        await type_into(pilot, app, "#session-topic", "Jealousy")
        await keys(pilot, app, "ctrl+s")
        assert app.screen is screen, screen_text(app)
        (session,) = mine(app, DriveSession, case_id)
        assert (session.held_on, session.outcome, session.minutes, session.topic, session.worker_id) == (
            TODAY, SessionOutcome.ATTENDED, 60, "Jealousy", me)
        # v → the intake behaviour review
        await keys(pilot, app, "v")
        app.screen.query_one(f"#review-{BehaviourType.PHYSICAL.value}").focus()
        await keys(pilot, app, "space")
        await keys(pilot, app, "ctrl+s")
        assert app.screen is screen, screen_text(app)
        (review,) = mine(app, BehaviourReview, case_id)
        assert (review.stage, review.present, review.reviewed_on) == (
            ReviewStage.INTAKE, (BehaviourType.PHYSICAL,), TODAY)
        # x → close: risk reduced, today, medium risk at exit, abuse stopped yes, feels safer unknown
        await keys(pilot, app, "x", "r", "tab", "tab", "m", "tab", "y", "tab", "k", "ctrl+s")
        assert app.screen is screen, screen_text(app)
        case = stored_case(app, case_id)
        assert (case.status, case.closed_on) == ("closed", TODAY)
        exits = [o for o in mine(app, OutcomeSnapshot, case_id) if o.stage == "exit"]
        assert [(o.taken_on, o.risk_level, o.abuse_stopped, o.feels_safer) for o in exits] == [
            (TODAY, RiskLevel.MEDIUM, True, None)]
    # the supervisor reads the same records after the app locked
    with open_as(world["dir"], SUPERVISOR) as s:
        stored = s.get(Case, case_id)
        assert stored is not None and stored.status == "closed" and stored.worker_id == me
        events = {e.event for e in s.audit_entries(case_id, limit=50)}
        assert {"case.created", "case.allocated", "intervention.added", "session.recorded",
                "behaviour.reviewed"} <= events


async def test_supervisor_reallocates_to_another_drive_case_manager(tmp_path: Path) -> None:
    """Only active Drive case managers are offered; an allocated case keeps its status."""
    world = make_drive_world(tmp_path / "store")
    drive, ids = world["drive"], world["ids"]
    app = new_app(world["dir"])
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(SUPERVISOR))
        assert app.store is not None
        results: list[Any] = []
        app.push_screen(AllocateModal(app.store, drive.id, TODAY), results.append)
        await settle(pilot, app)
        box = app.screen.query_one("#allocate-worker", Select)
        assert {v for _, v in box._options if isinstance(v, str)} == {ids[DRIVE], ids[DRIVE2]}
        assert box.value == ids[DRIVE]  # the current worker first
        box.value = ids[DRIVE2]
        await keys(pilot, app, "ctrl+s")
        (saved,) = results
        case = stored_case(app, drive.id)
        assert (case.worker_id, case.status, case.version) == (ids[DRIVE2], DriveStatus.ALLOCATED, drive.version + 1)
        assert saved.worker_id == ids[DRIVE2]
