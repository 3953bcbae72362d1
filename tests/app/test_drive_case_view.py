"""The Drive case manager in the case view: his perpetrator case shows the Drive tabs (RFG with its sums,
behaviour types, intervention plan by strand, linked victims as reference / risk / IDVA only), the Drive keys
open the Drive forms, victim-only keys are not offered, and no victim level-3 text reaches his screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TabbedContent

from caseload.app import make_app
from caseload.config import Config
from caseload.domain.drive import DriveSession
from caseload.domain.enums import LinkKind
from caseload.screens.case_view import CaseScreen
from caseload.screens.drive_forms import DriveInfoModal, SessionModal
from tests.app.tui import SIZE, TODAY, screen_text, settle, unlock
from tests.unit.store.drive_helpers import CANARY, DRIVE, make_drive_world, open_as, passphrase


async def test_drive_case_view_tabs_keys_and_no_victim_details(tmp_path: Path) -> None:
    world = make_drive_world(tmp_path / "store")
    s = open_as(world["dir"], DRIVE)
    s.link_victim(world["drive"].id, kind=LinkKind.EX_PARTNER, recorded_on=TODAY,
                  victim_reference=world["victim"].reference)
    s.lock()
    app = make_app(Config(store_dir=world["dir"], user=DRIVE), today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(DRIVE))
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseScreen) and screen.ctx is not None and screen.ctx.drive is not None
        for action in ("dash", "marac", "plan_item", "told"):
            assert screen.check_action(action, ()) is False
        for action in ("intervention", "session", "behaviour", "share", "log_contact"):
            assert screen.check_action(action, ()) is True
        seen = []
        for _ in range(8):
            seen.append(screen_text(app))
            await pilot.press("right")
            await settle(pilot, app)
        everything = "\n".join(seen)
        assert "Intervention plan" in everything and "Shared with IDVAs" in everything  # Drive tab titles
        assert "R " in everything and "RFG" in everything  # the score with how it was computed
        assert world["victim"].reference in everything  # the linked victim, by reference
        assert CANARY not in everything  # never her names, contact details, notes
        # g → a session, stored and shown without a restart
        screen.query_one(TabbedContent).active = "plan"
        await pilot.press("g")
        await settle(pilot, app)
        assert isinstance(app.screen, SessionModal)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.store is not None and app.store.all(DriveSession) == []
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, DriveInfoModal)
        assert CANARY not in screen_text(app)
