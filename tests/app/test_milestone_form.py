"""Pilot tests of MilestoneModal: the victim-update obligation shown with its due date in working days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from caseload.domain.enums import MilestoneKind
from caseload.domain.model import CjsMilestone, VictimUpdate
from caseload.screens.milestone_form import MilestoneModal
from tests.app.form_helpers import new_store, run_modal, snapshot

CHRISTMAS_EVE = date(2026, 12, 24)  # a Thursday; Fri 25 and Mon 28 Dec are bank holidays
LINE = ("charged on Thu 24 Dec 2026 → police / CPS must tell the victim by Tue 29 Dec 2026 "
        "(1 working day, enhanced rights)")


async def test_charged_before_christmas_shows_and_stores_update_due_tuesday(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, MilestoneModal(store, case_id, CHRISTMAS_EVE), today=CHRISTMAS_EVE) as run:
        await run.press("c")  # charged; the date defaults to today (Thu 24 Dec 2026)
        assert run.shown("#owed") == "Will owe: " + LINE
        await run.fill("#detail", "Charged with ABH")
        await run.press("ctrl+s")
        assert not run.dismissed  # the obligation is shown before closing
        assert run.shown("#result") == "Saved. " + LINE
        assert "Tue 29 Dec 2026" in run.text()
        stored = run.store.all(VictimUpdate)
        milestones = run.store.all(CjsMilestone)
        await run.press("enter")
        assert run.dismissed
        milestone, updates = run.results[0]
    assert [(m.kind, m.occurred_on, m.detail) for m in milestones] == [
        (MilestoneKind.CHARGED, CHRISTMAS_EVE, "Charged with ABH")]
    assert [(u.event, u.event_on, u.due_on, u.who_tells, u.source_id) for u in stored] == [
        ("charge decision", CHRISTMAS_EVE, date(2026, 12, 29), "police / CPS", milestones[0].id)]
    assert milestone.id == milestones[0].id and updates == tuple(stored)


async def test_nfa_with_outcome_code_typed_as_uk_date(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, MilestoneModal(store, case_id, date(2027, 1, 11)), today=date(2027, 1, 11)) as run:
        await run.press("n", "tab")
        await run.fill("#on DateInput", "08/01/2027")
        await run.press("tab")
        await run.pilot.press("1", "6")
        await run.press("ctrl+s")
        assert "NFA on Fri 8 Jan 2027 → police must tell the victim by Mon 11 Jan 2027" in run.shown("#result")
        await run.press("escape")  # after saving, esc closes with what was saved
        assert run.results and run.results[0] is not None
        stored = run.store.all(CjsMilestone)
    assert [(m.kind, m.occurred_on, m.outcome_code) for m in stored] == [(MilestoneKind.NFA, date(2027, 1, 8), 16)]


async def test_milestone_owing_nothing_says_so(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, MilestoneModal(store, case_id, CHRISTMAS_EVE), today=CHRISTMAS_EVE) as run:
        assert "Testina Fictional" in run.text()
        await run.press("f9")  # privacy mode: the victim's name in the title is masked
        assert "Testina" not in run.text() and "C-2026-0001" in run.text()
        await run.press("p")
        assert "No Victims' Code update is owed" in run.shown("#owed")
        await run.press("ctrl+s")
        assert run.store.all(VictimUpdate) == [] and len(run.store.all(CjsMilestone)) == 1


async def test_cancel_and_bad_date_write_nothing(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, MilestoneModal(store, case_id, CHRISTMAS_EVE), today=CHRISTMAS_EVE) as run:
        before = snapshot(run.store)
        await run.press("a")
        await run.fill("#on DateInput", "2026-13-01")
        await run.press("ctrl+s")
        assert "Date: there is no such date." in run.message() and not run.dismissed
        await run.fill("#on DateInput", "25/12/2026")
        await run.press("ctrl+s")
        assert "cannot be in the future" in run.message()
        assert snapshot(run.store) == before
        await run.press("escape")
        assert run.results == [None]
        assert snapshot(run.store) == before


async def test_outcome_code_only_with_nfa_and_in_range(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, MilestoneModal(store, case_id, CHRISTMAS_EVE), today=CHRISTMAS_EVE) as run:
        await run.press("n")
        await run.fill("#outcome", "99")
        await run.press("ctrl+s")
        assert "Outcome code: a number from 1 to 22" in run.message()
        assert run.store.all(CjsMilestone) == []
