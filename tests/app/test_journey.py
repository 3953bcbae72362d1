"""Issue 5's journey, end to end through the app's own keys, asserting on what was stored at every step:
referral → contact attempt → DASH 15 → MARAC criteria met → referral generated with the DASH answers →
MARAC action → safety-plan item → "charged" on Thursday 24 Dec 2026 (before Christmas and Boxing Day) →
update due Tuesday 29 Dec → told → closed. Then Today reflects the edits without a restart."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, RadioSet

from caseload.app import make_app
from caseload.config import Config
from caseload.domain.dash import QUESTIONS
from caseload.domain.due import DueKind, case_due_items
from caseload.domain.enums import (
    ContactKind,
    ContactOutcome,
    DashAnswer,
    MaracCriterion,
    MilestoneKind,
    Role,
    SafetyCategory,
)
from caseload.domain.model import (
    Case,
    CjsMilestone,
    Contact,
    DashAssessment,
    MaracListing,
    MaracReferral,
    OutcomeSnapshot,
    SafetyPlanItem,
    VictimUpdate,
)
from caseload.screens.case_view import CaseScreen
from caseload.screens.today import TodayScreen
from caseload.store.store import Store
from tests.app.tui import SIZE, screen_text, settle, unlock
from tests.conftest import FLOOR, PASSPHRASE

THURSDAY = date(2026, 12, 24)
TUESDAY = date(2026, 12, 29)
NOW = datetime(2026, 12, 24, 11, 20, tzinfo=UTC)


def _type(text: str) -> list[str]:
    names = {" ": "space", ",": "comma", ".": "full_stop", "/": "slash", "'": "apostrophe", "-": "minus"}
    return [names.get(ch, ch) for ch in text]


async def _fill(pilot: Any, app: Any, selector: str, text: str) -> None:
    box = app.screen.query_one(selector, Input)
    box.focus()
    box.value = text
    await settle(pilot, app)


async def _focus(pilot: Any, app: Any, selector: str, *keys: str) -> None:
    app.screen.query_one(selector).focus()
    await pilot.press(*keys)
    await settle(pilot, app)


async def _keys(pilot: Any, app: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot, app)


async def test_referral_to_closure_by_keyboard(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    Store.create(store_dir, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR).lock()
    folder = tmp_path / "documents"
    folder.mkdir()
    app = make_app(Config(store_dir=store_dir), today=lambda: THURSDAY, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        store = app.store
        assert store is not None

        # 1. New referral (Cases, n) → the case opens
        await _keys(pilot, app, "2", "n")
        await _fill(pilot, app, "#given", "Journeya")
        await _fill(pilot, app, "#family", "Testperson")
        await _focus(pilot, app, "#source", "p")
        await _fill(pilot, app, "#numbers", "07700 900123")
        await _fill(pilot, app, "#safe-from", "10:00")
        await _fill(pilot, app, "#safe-until", "14:00")
        await _fill(pilot, app, "#p1-given", "Fabricated")
        await _fill(pilot, app, "#p1-family", "Partner")
        await _keys(pilot, app, "ctrl+s")
        assert isinstance(app.screen, CaseScreen), screen_text(app)
        case_id = app.screen.case_id
        case = store.get(Case, case_id)
        assert case is not None and case.status == "referred"

        # 2. Contact attempt (c): attempt, phone, no answer
        await _keys(pilot, app, "c", "a", "p", "n", "ctrl+s")
        [attempt] = store.all(Contact)
        assert (attempt.kind, attempt.outcome, attempt.at) == (ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER, NOW)

        # 3. DASH (d): 15 yes, 9 no → high; MARAC criteria met
        await _keys(pilot, app, "d", *["y"] * 15, *["n"] * 9, "ctrl+s")
        [dash] = store.all(DashAssessment)
        assert dash.answers == (DashAnswer.YES,) * 15 + (DashAnswer.NO,) * 9 and dash.assessed_on == THURSDAY
        assert store.get(Case, case_id).risk_level.value == "high"  # type: ignore[union-attr]
        assert isinstance(app.screen, CaseScreen) and app.screen.check_action("marac", ()) is True

        # 4. MARAC referral (m) built from the case and the DASH; consent, feared, safe to talk; document
        await _keys(pilot, app, "m")
        modal = app.screen
        modal.query_one("#marac-consent", RadioSet).focus()
        await pilot.pause()
        await _keys(pilot, app, "enter", "tab", "tab", *_type("Fabricated Partner"), "tab", *_type("her sister"))
        await _keys(pilot, app, "ctrl+s")
        [referral] = store.all(MaracReferral)
        assert MaracCriterion.VISIBLE_HIGH_RISK in referral.criteria and referral.dash_id == dash.id
        modal.query_one("#marac-folder", Input).value = str(folder)
        await _keys(pilot, app, "ctrl+s")
        [written] = list(folder.iterdir())
        assert "Journeya" not in written.name and "C-2026" not in written.name
        page = written.read_text(encoding="utf-8")
        assert all(html.escape(q) in page for q in QUESTIONS)
        await _keys(pilot, app, "escape")
        assert isinstance(app.screen, CaseScreen)

        # 5. MARAC listing with one action (l) → a safety-plan item
        await _keys(pilot, app, "l")
        await _fill(pilot, app, "#listing-date", "17/12/2026")
        await _fill(pilot, app, "#agency-1", "Police")
        await _fill(pilot, app, "#action-1", "Flag the address for urgent response")
        await _fill(pilot, app, "#due-1", "21/12/2026")
        await _keys(pilot, app, "ctrl+s")
        [listing] = store.all(MaracListing)
        assert listing.referral_id == referral.id
        [marac_item] = store.all(SafetyPlanItem)
        assert marac_item.category is SafetyCategory.MARAC_ACTION and marac_item.listing_id == listing.id

        # 6. Safety-plan item (s)
        await _keys(pilot, app, "s", "d", "tab", *_type("He tracks her phone"), "tab",
                    *_type("Check phone for trackers"), "enter", *_type("IDVA"), "ctrl+s")
        items = store.all(SafetyPlanItem)
        assert len(items) == 2 and any(i.action == "Check phone for trackers" for i in items)

        # 7. Charged on Thursday 24 Dec 2026 (j) → update due Tuesday 29 Dec (1 working day, enhanced rights)
        await _keys(pilot, app, "j", "c", "ctrl+s")
        assert "Tue 29 Dec 2026" in screen_text(app)
        await _keys(pilot, app, "enter")
        [milestone] = store.all(CjsMilestone)
        assert (milestone.kind, milestone.occurred_on) == (MilestoneKind.CHARGED, THURSDAY)
        [update] = store.all(VictimUpdate)
        assert (update.due_on, update.told_on) == (TUESDAY, None)
        due = case_due_items(store.casework_file(case_id), THURSDAY)
        assert any(i.kind is DueKind.VICTIM_UPDATE and i.due_on == TUESDAY for i in due)

        # 8. Told (t on the updates tab): today, on time → closed
        await _keys(pilot, app, "t")  # shows the updates tab first
        assert app.screen.query_one("#updates-table", DataTable).row_count == 1
        await _keys(pilot, app, "t", "ctrl+s")
        told = store.get(VictimUpdate, update.id)
        assert told is not None and told.told_on == THURSDAY and not told.late

        # 9. Close (x) with an exit snapshot
        await _keys(pilot, app, "x", "r", "tab", "tab", "h", "tab", "y", "tab", "y", "ctrl+s")
        closed = store.get(Case, case_id)
        assert closed is not None and closed.closed_on is not None, screen_text(app)
        exits = [o for o in store.all(OutcomeSnapshot) if o.case_id == case_id and o.stage == "exit"]
        assert len(exits) == 1

        # 10. Today shows the edits without a restart: the case no longer has due work
        await _keys(pilot, app, "1")
        assert isinstance(app.screen, TodayScreen)
        assert "C-2026-0001" not in screen_text(app)
        events = [e.event for e in store.audit_entries(case_id, limit=200)]
        assert "case.viewed" in events
