"""Pilot tests of the DASH form modal against a temp store: 15 yes → score 15, high, MARAC criteria met
(live), the saved snapshot holds the answers and notes, earlier snapshots untouched; judgement needs a reason
and can only raise; unanswered questions and cancel write nothing; privacy masks notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from caseload.domain.enums import DashAnswer, RiskLevel, Role
from caseload.domain.model import DashAssessment
from caseload.screens.dash_form import DashFormModal
from caseload.store.store import Store
from tests.app.test_contact_log import keys_for, make_case_store
from tests.app.tui import SIZE, TODAY, new_app, screen_text, settle, unlock
from tests.conftest import PASSPHRASE
from tests.unit.store.casework_helpers import answers


@pytest.fixture
def case_store(tmp_path: Path) -> tuple[Path, str]:
    store_dir = tmp_path / "store"
    return store_dir, make_case_store(store_dir)


async def open_form(pilot: Any, app: Any, case_id: str) -> tuple[DashFormModal, list[Any]]:
    """Unlock, push the form, wait for the case to load."""
    await unlock(pilot, app)
    results: list[Any] = []
    modal = DashFormModal(app.store, case_id, TODAY)
    app.push_screen(modal, results.append)
    await settle(pilot, app)
    assert app.screen is modal and modal.casefile is not None
    return modal, results


async def test_fifteen_yes_is_high_meets_marac_and_saves_a_new_snapshot(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    s = Store.open(store_dir, PASSPHRASE)
    earlier = s.save_dash(case_id, answers(5), assessed_on=date(2026, 12, 2), notes=("old note",) * 24)
    s.lock()
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, results = await open_form(pilot, app, case_id)
        assert "score 0 · STANDARD · MARAC: no" in screen_text(app)
        await pilot.press(*["y"] * 15, *["n"] * 9)
        await settle(pilot, app)
        text = screen_text(app)
        assert "24/24 answered" in text and "score 15 · HIGH · MARAC: yes" in text
        assert "✔ visible high risk: DASH score 15 on 4 Dec 2026 (14 or more)" in text
        assert "✘ repeat: no previous MARAC referral" in text
        modal.query_one(DataTable).move_cursor(row=1)
        await pilot.pause()
        await pilot.press("enter", *keys_for("very frightened of him"), "enter")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is not modal
        dashes = {d.id: d for d in app.store.all(DashAssessment)}
        assert len(dashes) == 2
        assert dashes[earlier.id] == earlier  # the earlier snapshot is untouched
        [new] = [d for d in dashes.values() if d.id != earlier.id]
        assert new.answers == (DashAnswer.YES,) * 15 + (DashAnswer.NO,) * 9
        assert new.notes[1] == "very frightened of him" and new.notes.count("") == 23
        assert new.assessed_on == TODAY and new.judgement_level is None
        assert results == [new]
        assert app.store.casework_file(case_id).case.risk_level == RiskLevel.HIGH


async def test_unanswered_questions_and_cancel_write_nothing(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, results = await open_form(pilot, app, case_id)
        await pilot.press("y", "n", "k", "ctrl+s")
        await settle(pilot, app)
        assert "Answer every question first: 21 not answered (Q4," in screen_text(app)
        assert modal.row == 3
        assert app.store.all(DashAssessment) == []
        await pilot.press("escape")
        await settle(pilot, app)
        assert results == [None] and app.store.all(DashAssessment) == []


async def test_judgement_needs_a_reason_then_raises_to_high(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_form(pilot, app, case_id)
        await pilot.press(*["y"] * 5, *["n"] * 19, "j")
        assert modal.judgement == RiskLevel.HIGH
        assert isinstance(modal.focused, Input) and modal.focused.id == "dash-reason"
        await pilot.press("escape")  # back to the list, not out of the form
        assert app.screen is modal
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "needs a written reason" in screen_text(app)
        assert app.store.all(DashAssessment) == []
        assert "professional judgement: high risk recorded on 4 Dec 2026 but no reason written" in screen_text(app)
        modal.query_one("#dash-reason", Input).focus()
        await pilot.pause()
        await pilot.press(*keys_for("threats to kill by text last night"), "enter")
        text = screen_text(app)
        assert "score 5 · STANDARD → HIGH (judgement) · MARAC: yes" in text
        assert "✔ professional judgement: high risk recorded on the DASH of 4 Dec 2026, with a written reason" in text
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        [saved] = app.store.all(DashAssessment)
        assert saved.judgement_level == RiskLevel.HIGH
        assert saved.judgement_reason == "threats to kill by text last night"


async def test_judgement_can_only_raise(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_form(pilot, app, case_id)
        await pilot.press(*["y"] * 12, *["n"] * 12)  # 12: medium
        seen = set()
        for _ in range(4):
            modal.query_one(DataTable).focus()
            await pilot.pause()
            await pilot.press("j")
            seen.add(modal.judgement)
        assert seen == {RiskLevel.HIGH, None}  # never medium or standard: nothing at or below the band
        modal.query_one(DataTable).focus()
        modal.query_one(DataTable).move_cursor(row=0)
        await pilot.press(*["n"] * 24)  # 0: standard, now medium is above the band too
        await pilot.press("j", "escape", "j")
        assert modal.judgement == RiskLevel.MEDIUM
        modal.query_one("#dash-reason", Input).value = "worker's concern"
        modal.query_one(DataTable).focus()
        modal.query_one(DataTable).move_cursor(row=0)
        await pilot.pause()
        await pilot.press(*["y"] * 14)  # 14 yes: band high; a medium judgement would lower it
        assert "MEDIUM ✘ not above the band" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "can raise the level, not lower it below high" in screen_text(app)
        assert app.store.all(DashAssessment) == []
        await pilot.press("j")  # the stale level is cleared; nothing above high is offered
        assert modal.judgement is None
        await pilot.press("j")
        assert modal.judgement is None and "judgement can only raise a level" in screen_text(app)


async def test_privacy_masks_notes_and_name(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_form(pilot, app, case_id)
        await pilot.press("enter", *keys_for("PRIVATENOTE"), "enter")
        text = screen_text(app)
        assert "PRIVATENOTE" in text and "Testina" in text
        await pilot.press("f9")
        await settle(pilot, app)
        text = screen_text(app)
        assert "PRIVATENOTE" not in text and "Testina" not in text
        assert modal.notes[0] == "PRIVATENOTE"


async def test_assessor_is_the_signed_in_worker(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app, case_id)
        await pilot.press(*["k"] * 24, "ctrl+s")
        await settle(pilot, app)
        [saved] = app.store.all(DashAssessment)
        me = app.store.me()
        assert me is not None and saved.assessor_id == me.id and me.role == Role.IDVA
        assert saved.answers == (DashAnswer.NOT_KNOWN,) * 24
