"""Pilot tests of the Drive modals against a temp store with four key slots (supervisor, IDVA, two Drive
case managers), asserting on what was stored; the Drive → IDVA flow from the Drive user's modal to the
IDVA's Today screen and case data; and the pure Drive tab renderers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Select

from caseload.domain.drive import (
    Agency,
    BehaviourReview,
    BehaviourType,
    DriveSession,
    InterventionAction,
    ReviewStage,
    SessionOutcome,
    Strand,
)
from caseload.domain.due import DueKind
from caseload.domain.enums import DriveInfoKind, IncidentKind, ItemStatus, LinkKind
from caseload.domain.model import DriveInfo, VictimUpdate
from caseload.screens import drive_tabs
from caseload.screens.case_view import load_case
from caseload.screens.drive_form_base import DriveFormModal
from caseload.screens.drive_forms import (
    BehaviourReviewModal,
    DriveInfoModal,
    InterventionActionModal,
    LinkVictimModal,
    SessionModal,
)
from caseload.screens.today import TodayScreen, load_today
from tests.app.tui import SIZE, TODAY, new_app, screen_text, settle, unlock
from tests.unit.store.drive_helpers import CANARY, DRIVE, IDVA, SUPERVISOR, make_drive_world, open_as, passphrase


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    return make_drive_world(tmp_path / "store")


async def push(pilot: Any, app: Any, modal: DriveFormModal[Any]) -> list[Any]:
    """Push a modal, wait for its load; the list receives what it dismisses with."""
    results: list[Any] = []
    app.push_screen(modal, results.append)
    await settle(pilot, app)
    assert app.screen is modal and modal.loaded
    return results


async def type_into(pilot: Any, app: Any, selector: str, text: str) -> None:
    """Focus an input, clear it and type ``text`` key by key."""
    box = app.screen.query_one(selector, Input)
    box.value = ""
    box.focus()
    names = {" ": "space", ",": "comma", ".": "full_stop", "-": "minus"}
    await pilot.press(*[names.get(ch, ch) for ch in text])


async def test_drive_to_idva_in_the_tui(world: dict[str, Any]) -> None:
    """Drive user links the victim and records a release date → lock → the IDVA unlocks → her Today screen
    shows the update owed, and her case view's data includes it."""
    victim, drive = world["victim"], world["drive"]
    app = new_app(world["dir"])
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(DRIVE))
        assert app.store is not None and app.store.user_name == DRIVE
        results = await push(pilot, app, LinkVictimModal(app.store, drive.id, TODAY))
        await type_into(pilot, app, "#link-reference", victim.reference)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (seen,) = results
        assert (seen.reference, seen.idva_name, seen.victim_case_id) == (victim.reference, IDVA, victim.id)
        revision = app.data_revision
        results = await push(pilot, app, DriveInfoModal(app.store, drive.id, TODAY))
        modal = app.screen
        assert modal.query_one("#info-victim", Select).value == victim.id  # the only linked victim
        await type_into(pilot, app, "#info-date", "2026-12-03")
        await settle(pilot, app)
        text = screen_text(app)
        assert f"The IDVA {IDVA} ({victim.reference}) will see this as an update owed within 1 working day." in text
        assert "It falls due on Fri 4 Dec 2026." in text
        assert CANARY not in text
        await type_into(pilot, app, "#info-note", "Release on 10 Dec confirmed")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (info,) = results
        assert isinstance(info, DriveInfo) and app.data_revision > revision
        assert (info.kind, info.learned_on, info.victim_case_id) == (DriveInfoKind.RELEASE_DATE, date(2026, 12, 3),
                                                                     victim.id)
        await pilot.press("ctrl+l")
        await settle(pilot, app)
        await unlock(pilot, app, passphrase(IDVA))
        assert app.store.user_name == IDVA and isinstance(app.screen, TodayScreen)
        text = screen_text(app)
        assert "Drive update owed to the IDVA: release date learned on 3 Dec 2026" in text
        assert victim.reference in text
        today = load_today(app.store, TODAY)
        (row,) = [i for i in today.items if i.kind is DueKind.DRIVE_INFO]
        assert (row.case_id, row.due_on, row.days_overdue) == (victim.id, date(2026, 12, 4), 0)
        ctx = load_case(app.store, victim.id, TODAY)
        assert ctx is not None
        assert [(i.id, i.note) for i in ctx.casefile.drive_info] == [(info.id, "Release on 10 Dec confirmed")]
        assert [u.event for u in ctx.casefile.updates if u.source_id == info.id] == ["Drive: release date"]
        assert any(d.kind is DueKind.DRIVE_INFO for d in ctx.due)
    with open_as(world["dir"], SUPERVISOR) as s:
        (stored,) = [u for u in s.all(VictimUpdate) if u.source_id == info.id]
        assert stored.case_id == victim.id and stored.told_on is None


async def test_plan_session_and_review_modals_store_what_they_show(world: dict[str, Any]) -> None:
    drive = world["drive"]
    app = new_app(world["dir"])
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(DRIVE))
        store = app.store
        # disruption action with probation; switching the strand changes who it can be with
        results = await push(pilot, app, InterventionActionModal(store, drive.id, TODAY))
        modal = app.screen
        modal.query_one("#action-strand", Select).value = Strand.SUPPORT
        await settle(pilot, app)
        agency = modal.query_one("#action-agency", Select)
        assert {v for _, v in agency._options if v is not Select.BLANK} == {
            Agency.HOUSING, Agency.SUBSTANCE_USE, Agency.MENTAL_HEALTH}
        modal.query_one("#action-strand", Select).value = Strand.DISRUPTION
        await settle(pilot, app)
        modal.query_one("#action-agency", Select).value = Agency.PROBATION
        await type_into(pilot, app, "#action-text", "Licence condition")
        await type_into(pilot, app, "#action-due", "2026-12-18")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (action,) = results
        assert isinstance(action, InterventionAction)
        # edit: mark it done (the version read goes with it)
        results = await push(pilot, app, InterventionActionModal(store, drive.id, TODAY, action))
        assert app.screen.query_one("#action-text", Input).value == "Licence condition"
        app.screen.query_one("#action-status", Select).value = ItemStatus.DONE
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (done,) = results
        assert (done.status, done.version) == (ItemStatus.DONE, 2)
        # a missed session
        results = await push(pilot, app, SessionModal(store, drive.id, TODAY))
        app.screen.query_one("#session-outcome", Select).value = SessionOutcome.MISSED
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (session,) = results
        assert isinstance(session, DriveSession) and session.outcome is SessionOutcome.MISSED
        # intake review, then a review that starts from the intake's answers
        results = await push(pilot, app, BehaviourReviewModal(store, drive.id, TODAY))
        assert "Behaviour review · P-2026-0001 · intake" in screen_text(app)
        for kind in (BehaviourType.PHYSICAL, BehaviourType.JEALOUS_CONTROLLING):
            app.screen.query_one(f"#review-{kind.value}", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        results = await push(pilot, app, BehaviourReviewModal(store, drive.id, TODAY))
        assert "· review" in screen_text(app)
        assert app.screen.query_one(f"#review-{BehaviourType.PHYSICAL.value}", Checkbox).value
        app.screen.query_one(f"#review-{BehaviourType.PHYSICAL.value}", Checkbox).value = False
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (later,) = results
        assert isinstance(later, BehaviourReview) and later.stage is ReviewStage.REVIEW
        cf = store.casefile(drive.id)
        assert cf is not None
        assert [(a.agency, a.action, a.due_on, a.status) for a in cf.interventions] == [
            (Agency.PROBATION, "Licence condition", date(2026, 12, 18), ItemStatus.DONE)]
        assert [s.outcome for s in cf.sessions] == [SessionOutcome.MISSED]
        assert [r.present for r in cf.behaviour_reviews] == [
            (BehaviourType.PHYSICAL, BehaviourType.JEALOUS_CONTROLLING), (BehaviourType.JEALOUS_CONTROLLING,)]


async def test_refusals_cancel_and_privacy(world: dict[str, Any]) -> None:
    drive = world["drive"]
    app = new_app(world["dir"])
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(DRIVE))
        store = app.store
        results = await push(pilot, app, LinkVictimModal(store, drive.id, TODAY))
        await type_into(pilot, app, "#link-reference", "C-2099-9999")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert results == [] and isinstance(app.screen, LinkVictimModal)
        assert "Cannot link the victim: no victim case has that reference." in screen_text(app)
        app.screen.query_one("#link-kind", Select).value = LinkKind.HIDDEN_VICTIM
        await settle(pilot, app)
        assert app.screen.query_one("#link-reference", Input).disabled
        assert "you will not see it again" in screen_text(app)
        await type_into(pilot, app, "#link-given", "Newpartner")
        await pilot.press("f9")  # privacy mode: level-3 inputs are masked
        await settle(pilot, app)
        assert app.screen.query_one("#link-given", Input).password
        assert "Newpartner" not in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        (hidden,) = results
        assert hidden.hidden and hidden.reference == ""
        results = await push(pilot, app, SessionModal(store, drive.id, TODAY))
        await type_into(pilot, app, "#session-date", "next week")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Cannot save yet: the session date must be a date written YYYY-MM-DD." in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert results == [None]
        results = await push(pilot, app, DriveInfoModal(store, drive.id, TODAY))
        assert "No linked victim has a victim case: link her first." in screen_text(app)
        assert not app.screen.check_action("save", ())
        app.screen.action_cancel()  # not Esc again: two quick Esc presses already count as quick exit
        await settle(pilot, app)
        cf = store.casefile(drive.id)
        assert cf is not None and cf.sessions == () and cf.drive_info == ()


def test_drive_tab_renderers(world: dict[str, Any]) -> None:
    victim, drive = world["victim"], world["drive"]
    with open_as(world["dir"], DRIVE) as d:
        d.link_victim(drive.id, kind=LinkKind.EX_PARTNER, recorded_on=date(2026, 11, 5),
                      victim_reference=victim.reference)
        d.link_victim(drive.id, kind=LinkKind.HIDDEN_VICTIM, recorded_on=date(2026, 11, 30))
        d.add_intervention_action(drive.id, strand=Strand.DISRUPTION, agency=Agency.POLICE,
                                  action="[bold]Share\x1b[31m intel", created_on=date(2026, 11, 5),
                                  due_on=date(2026, 11, 20))
        d.add_intervention_action(drive.id, strand=Strand.SUPPORT, agency=Agency.HOUSING, action="Move-on flat",
                                  created_on=date(2026, 11, 5))
        d.record_session(drive.id, held_on=date(2026, 11, 26), outcome=SessionOutcome.ATTENDED, topic="Jealousy")
        d.record_incident(drive.id, occurred_on=date(2026, 10, 20), kind=IncidentKind.STRANGULATION, gravity=5)
        d.record_behaviour_review(drive.id, reviewed_on=date(2026, 11, 6), present=[BehaviourType.PHYSICAL])
        d.record_behaviour_review(drive.id, reviewed_on=date(2026, 12, 2), present=[BehaviourType.SEXUAL])
        d.record_drive_info(drive.id, victim_case_id=victim.id, kind=DriveInfoKind.BREACH,
                            learned_on=date(2026, 12, 3), note="Texted her")
        cf = d.casefile(drive.id)
        assert cf is not None
        ctx = drive_tabs.DriveContext(cf, TODAY, d.linked_victims(drive.id), {u.id: u.name for u in d.users()})
    plan = [tuple(c.plain for c in row) for row in drive_tabs.plan_rows(ctx, privacy=False)]
    assert plan == [
        ("Disruption", "police", "[bold]Share intel", "20 Nov 2026", "OVERDUE"),
        ("Behaviour change", "session", "Jealousy", "26 Nov 2026", "attended"),
        ("Support", "housing", "Move-on flat", "", "open"),
    ]
    masked = drive_tabs.plan_rows(ctx, privacy=True)
    assert "Jealousy" not in repr(masked) and "Move-on" not in repr(masked)
    summary = drive_tabs.plan_text(ctx, privacy=False).plain
    assert "Referred by MARAC on 2 Nov 2026" in summary and "1 open action of 1 · 1 overdue" in summary
    assert "1 session · 1 attended · 0 missed" in summary
    assert drive_tabs.behaviour_columns(ctx) == ("Behaviour", "Intake 6 Nov 2026", "Latest 2 Dec 2026", "Change")
    rows = {r[0].plain: r[3].plain for r in drive_tabs.behaviour_rows(ctx)}
    assert rows == {"physical": "stopped", "sexual": "started", "jealous / controlling": "not present",
                    "harassment / stalking": "not present"}
    assert "1 of 1 behaviour types present at intake have stopped" in drive_tabs.behaviour_text(ctx).plain
    rfg = drive_tabs.rfg_text(ctx).plain
    assert "R 4 (last incident 45 days ago) × F 1 (1 incident in 12 months) × G 5 (strangulation) = 20" in rfg
    assert "Serial flag: YES" in rfg and "2 victims linked in 5 years" in rfg
    assert "from incidents in the last 12 months: 1: 1, 2: 2, 3–4: 3, 5–9: 4, 10+: 5" in rfg
    victims = [tuple(c.plain for c in r) for r in drive_tabs.victim_rows(ctx)]
    assert victims == [(victim.reference, "ex partner", "HIGH", IDVA, "5 Nov 2026"),
                       ("hidden victim (no victim case)", "hidden victim", "", "", "30 Nov 2026")]
    shared = [tuple(c.plain for c in r) for r in drive_tabs.shared_rows(ctx, privacy=False)]
    assert shared == [("3 Dec 2026", "breach", victim.reference, IDVA, "4 Dec 2026", "Texted her")]
    assert "1 item shared with 1 IDVA" in drive_tabs.shared_text(ctx).plain
    everything = repr([plan, summary, rows, rfg, victims, shared])
    assert CANARY not in everything and "\x1b" not in everything
