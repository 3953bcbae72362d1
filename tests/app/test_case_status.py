"""Pilot tests of CaseStatusModal and CloseCaseModal: valid next actions only, close with an exit snapshot,
deceased → legal hold, reopen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from caseload.domain.enums import ClosureReason, RiskLevel, VictimStatus
from caseload.domain.model import Case, OutcomeSnapshot
from caseload.screens.case_status import CaseStatusModal, CloseCaseModal
from tests.app.form_helpers import TODAY, new_store, run_modal, snapshot


async def test_only_valid_next_actions_are_offered_and_applied(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")  # status "referred"
    async with run_modal(store, CaseStatusModal(store, case_id, TODAY)) as run:
        text = run.text()
        assert "[1] Start contact attempts" not in text  # nothing chosen yet
        assert "(1) Start contact attempts" in text and "(2) Contact made: assess" in text
        assert "(3) Close case" in text
        assert "Active support" not in text and "Reopen" not in text  # not valid from "referred"
        await run.press("enter")
        assert "Choose an action" in run.message()
        await run.press("2", "enter")
        assert run.results and run.results[0].status == VictimStatus.ASSESSMENT
        stored = run.store.get(Case, case_id)
    assert stored is not None and stored.status == VictimStatus.ASSESSMENT and stored.version == 2


async def test_stale_case_is_a_conflict(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, CaseStatusModal(store, case_id, TODAY)) as run:
        case = run.store.get(Case, case_id)
        assert case is not None
        run.store.change_status(case, VictimStatus.CONTACT_ATTEMPTS)  # someone else, meanwhile
        before = snapshot(run.store)
        await run.press("1", "enter")
        assert "changed by someone else" in run.message() and not run.dismissed
        assert snapshot(run.store) == before


async def test_close_from_status_with_exit_snapshot(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, CaseStatusModal(store, case_id, TODAY)) as run:
        await run.press("3", "enter")  # Close case → the closing form on top
        assert isinstance(run.modal, CloseCaseModal)
        await run.press("r", "tab")
        await run.fill("#on DateInput", "18/12/2026")
        await run.press("tab", "m", "tab", "y", "tab", "k", "ctrl+s")
        assert run.results and run.results[0].status == "closed"
        stored = run.store.get(Case, case_id)
        exits = [o for o in run.store.all(OutcomeSnapshot) if o.stage == "exit"]
    assert stored is not None
    assert (stored.closed_on, stored.closure_reason, stored.legal_hold) == (
        date(2026, 12, 18), ClosureReason.RISK_REDUCED, False)
    assert [(o.taken_on, o.risk_level, o.abuse_stopped, o.feels_safer) for o in exits] == [
        (date(2026, 12, 18), RiskLevel.MEDIUM, True, None)]


async def test_deceased_warns_and_sets_legal_hold(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, CloseCaseModal(store, case_id, TODAY)) as run:
        assert "Domestic Homicide Review" not in run.text()
        await run.press("c")
        assert "A legal hold for a Domestic Homicide Review will be set" in run.text()
        await run.press("ctrl+s")
        assert run.message() == "Abuse stopped: y, n or k (not known)."  # exit risk defaults to the case's
        await run.press("k", "tab", "k", "ctrl+s")  # the problem field has the focus
        stored = run.store.get(Case, case_id)
    assert stored is not None and stored.closure_reason == ClosureReason.DECEASED
    assert stored.legal_hold and stored.legal_hold_reason == "Domestic Homicide Review"


async def test_close_cancel_and_bad_date_write_nothing(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, CloseCaseModal(store, case_id, TODAY)) as run:
        before = snapshot(run.store)
        await run.press("u", "tab")
        await run.fill("#on DateInput", "2026-12-01")  # before the referral (7 Dec 2026)
        await run.press("tab", "s", "tab", "n", "tab", "n", "ctrl+s")
        assert "Closed on: it is before the case was opened (Mon 7 Dec 2026)." in run.message()
        await run.fill("#on DateInput", "18.12.2026")
        await run.press("ctrl+s")
        assert "Closed on: write the date as" in run.message()
        assert not run.dismissed and snapshot(run.store) == before
        await run.press("escape")
        assert run.results == [None] and snapshot(run.store) == before


async def test_reopen_a_closed_case(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    case = store.get(Case, case_id)
    assert case is not None
    store.close_case(case, on=TODAY, reason=ClosureReason.MOVED_AWAY, abuse_stopped=None, feels_safer=None)
    async with run_modal(store, CaseStatusModal(store, case_id, TODAY)) as run:
        text = run.text()
        assert "(1) Reopen: active support" in text and "(2) Reopen: contact" in text
        assert "Close case" not in text and "Start contact attempts" not in text
        await run.press("2", "enter")
        stored = run.store.get(Case, case_id)
    assert stored is not None
    assert (stored.status, stored.closed_on, stored.closure_reason) == (VictimStatus.CONTACT_ATTEMPTS, None, None)


async def test_privacy_masks_the_name(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, CloseCaseModal(store, case_id, TODAY)) as run:
        assert "Testina Fictional" in run.text()
        await run.press("f9")
        assert "Testina" not in run.text() and "C-2026-0001" in run.text()
