"""Pilot tests of the TUI shell: unlock, Today → case → back, filter, tabs, reveal, privacy, quick exit,
idle lock and suspend, resume after unlock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent

from caseload import paths
from caseload.domain.model import Person, SafeContact
from caseload.idle import FakeClocks
from caseload.screens.case_list import CaseListScreen
from caseload.screens.case_view import CaseScreen
from caseload.screens.help import HelpScreen
from caseload.screens.lock import BlankScreen
from caseload.screens.today import TodayScreen
from caseload.screens.unlock import UnlockScreen
from caseload.store.store import Store
from tests.app.tui import CANARY, SIZE, make_canary_store, new_app, open_first_case, screen_text, settle, unlock
from tests.conftest import PASSPHRASE


@pytest.fixture
def canary_store(tmp_path: Path) -> tuple[Path, dict[type, object]]:
    store_dir = tmp_path / "store"
    records = make_canary_store(store_dir)
    return store_dir, records


def _tick(app, clocks: FakeClocks, seconds: int) -> None:  # type: ignore[no-untyped-def]
    """Awake time passing, with the once-a-second idle check the app's timer makes."""
    for _ in range(seconds):
        clocks.advance(1)
        app.check_idle()


def _message(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#unlock-message", Static).render())


async def test_unlock_lands_on_today_with_due_items(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        assert CANARY not in screen_text(app) and "C-2026" not in screen_text(app)
        await unlock(pilot, app)
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.data is not None and app.screen.data.items
        text = screen_text(app)
        assert "C-2026-0001" in text and "Overdue" in text
        assert f"{CANARY}-given_name" in text  # names shown when privacy is off


async def test_wrong_passphrase_then_increasing_delay(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        for n in range(5):
            await unlock(pilot, app, f"wrong passphrase {n}")
            assert "Wrong passphrase" in _message(app)
            assert app.store is None
        assert app.wrong_passphrases == 5
        first_delay = app.unlock_delay()
        assert first_delay > 0
        await unlock(pilot, app, PASSPHRASE)  # refused without trying: the delay is running
        assert "Wait" in _message(app)
        assert app.store is None
        app.retry_after = 0
        await unlock(pilot, app, "wrong again")
        assert app.unlock_delay() > first_delay  # the delay grows
        app.retry_after = 0
        await unlock(pilot, app, PASSPHRASE)
        assert isinstance(app.screen, TodayScreen)
        assert app.wrong_passphrases == 0


async def test_damaged_keys_file_has_its_own_message(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    keys_path = paths.keys_path(store_dir)
    raw = keys_path.read_text()
    keys_path.write_text(raw.replace("A. Worker", "B. Worker", 1))  # checksum no longer matches
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        assert "keys file is damaged" in _message(app)
        assert app.store is None


async def test_today_open_case_on_its_tab_and_back(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        today = app.screen
        assert isinstance(today, TodayScreen)
        item = today.selected_item()
        assert item is not None
        await pilot.press("enter")
        await settle(pilot, app)
        case = app.screen
        assert isinstance(case, CaseScreen)
        assert case.query_one(TabbedContent).active == item.tab
        assert "C-2026-0001" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is today


async def test_case_list_filter_and_filters(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("slash", "z", "z", "9", "9")
        await pilot.pause()
        assert table.row_count == 1  # postcode area
        await pilot.press("x")
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 1 and screen.query_one(Input).value == ""
        await pilot.press("s")  # open → closed
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("s", "s")  # all → open
        await pilot.press("r")  # risk filter: high (the canary case is standard)
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("r", "r", "r")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseScreen)


async def test_tab_switching_with_arrows(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "summary"
        seen = []
        for _ in range(8):
            await pilot.press("right")
            await pilot.pause()
            seen.append(tabs.active)
        assert seen == ["risk", "plan", "contacts", "updates", "orders", "links", "audit", "summary"]
        await pilot.press("left")
        await pilot.pause()
        assert tabs.active == "audit"
        text = screen_text(app)
        assert "case.viewed" in text  # the audit tab shows the view of this case


async def test_reveal_is_audited_and_masks_until_then(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, records = canary_store
    address = records[Person].address  # type: ignore[attr-defined]
    code_word = records[SafeContact].code_word  # type: ignore[attr-defined]
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        text = screen_text(app)
        assert address not in text and code_word not in text
        assert "●●●●●" in text
        store = app.store
        assert store is not None
        before = [e.event for e in store.audit_entries(records[Person].id)]  # type: ignore[attr-defined]
        del before
        await pilot.press("r")
        await settle(pilot, app)
        text = screen_text(app)
        assert code_word in text
        case_id = app.screen.case_id  # type: ignore[attr-defined]
        events = [e for e in store.audit_entries(case_id) if e.event == "field.revealed"]
        assert len(events) == 1
        assert "code_word" in events[0].detail["fields"]
        assert CANARY not in json.dumps(events[0].detail)


async def test_privacy_mode_hides_level3_on_every_screen(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        assert CANARY in screen_text(app)  # the scan can find them
        await pilot.press("f9")
        await pilot.pause()
        assert app.privacy
        assert "PRIVACY ON" in screen_text(app)
        assert CANARY not in screen_text(app)
        await pilot.press("2")
        await settle(pilot, app)
        assert CANARY not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        for _ in range(8):
            assert CANARY not in screen_text(app), app.screen.query_one(TabbedContent).active
            await pilot.press("right")
            await settle(pilot, app)
        await pilot.press("r")  # reveal is refused in privacy mode
        await settle(pilot, app)
        assert CANARY not in screen_text(app)
        await pilot.press("f9")
        await pilot.pause()
        assert not app.privacy
        assert CANARY in screen_text(app)


@pytest.mark.parametrize("where", ["today", "cases", "case", "help", "palette"])
@pytest.mark.parametrize("keys", [("f12",), ("escape", "escape", "escape")])
async def test_quick_exit_from_every_screen(canary_store, where: str, keys: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        if where in ("cases", "case"):
            await pilot.press("2")
            await settle(pilot, app)
        if where == "case":
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, CaseScreen)
        if where == "help":
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
        if where == "palette":
            await pilot.press("ctrl+p")
            await pilot.pause()
        store = app.store
        assert store is not None and store.is_open
        await pilot.press(*keys)
        # the same frame: blank (or already the lock screen), never the case
        assert isinstance(app.screen, BlankScreen | UnlockScreen)
        await settle(pilot, app)
        assert not store.is_open
        assert app.store is None
        assert isinstance(app.screen, UnlockScreen)
        text = screen_text(app)
        assert CANARY not in text and "C-2026" not in text
        assert "caseload" not in text.lower()  # neutral: no app name


async def test_idle_lock_and_suspend_with_injected_clock(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    clocks = FakeClocks()
    app = new_app(store_dir, clocks=clocks)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        await pilot.press("right", "right", "right")  # contacts tab
        await pilot.pause()
        _tick(app, clocks, 299)
        assert not app.locked
        await pilot.press("down")  # activity resets the count
        _tick(app, clocks, 200)
        assert not app.locked
        _tick(app, clocks, 101)
        assert app.locked and app.lock_reason == "idle"
        await settle(pilot, app)
        assert isinstance(app.screen, UnlockScreen)
        assert CANARY not in screen_text(app)
        # unlock returns to where the user was: the case, on the contacts tab
        await unlock(pilot, app)
        await settle(pilot, app)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.query_one(TabbedContent).active == "contacts"
        # a 2-hour suspend is noticed at the first tick after resume
        clocks.suspend(2 * 3600)
        app.check_idle()
        assert app.locked and app.lock_reason == "suspend"
        await settle(pilot, app)


async def test_idle_lock_minutes_come_from_config(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    clocks = FakeClocks()
    app = new_app(store_dir, clocks=clocks, idle_lock_minutes=1)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        _tick(app, clocks, 59)
        assert not app.locked
        _tick(app, clocks, 2)
        assert app.locked
        await settle(pilot, app)


async def test_help_lists_screen_bindings(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "Filter by reference" in text and "Quick exit" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)


async def test_palette_lists_area_actions_without_screenshot(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go: Today" in titles and "Case: Reveal safe contact" in titles and "App: Lock" in titles
        assert all(": " in t for t in titles)
        assert not any("screenshot" in t.lower() for t in titles)


async def test_every_binding_has_an_id() -> None:
    from caseload.app import CaseloadApp

    for cls in (CaseloadApp, TodayScreen, CaseListScreen, CaseScreen, HelpScreen):
        for b in cls.__dict__["BINDINGS"]:
            assert getattr(b, "id", None), (cls.__name__, b)


async def test_worker_error_becomes_a_notification(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot, app)
        store = app.store
        assert isinstance(store, Store)

        def boom(*_a, **_k):  # type: ignore[no-untyped-def]
            raise RuntimeError(f"{CANARY} secret detail")

        store.case_rows = boom  # type: ignore[method-assign]
        await pilot.press("2")
        await settle(pilot, app)
        assert app.is_running
        notes = [n.message for n in app._notifications]
        assert any("did not work" in m for m in notes)
        assert not any(CANARY in m for m in notes)


async def test_export_is_for_supervisors_and_closes_back_to_today(tmp_path: Path) -> None:
    from caseload.domain.enums import Role
    from caseload.screens.export import ExportScreen

    idva_dir, sup_dir = tmp_path / "idva", tmp_path / "sup"
    make_canary_store(idva_dir)
    make_canary_store(sup_dir, role=Role.SUPERVISOR)
    app = new_app(idva_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        assert isinstance(app.screen, TodayScreen)
        assert "Export: Partnership summary" not in [c.title for c in app.get_system_commands(app.screen)]
    app = new_app(sup_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+l")  # lock on the export screen, unlock back onto it
        await settle(pilot, app)
        await unlock(pilot, app)
        await settle(pilot, app)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, TodayScreen)


async def test_review_on_key_3_for_supervisors_and_settings_from_the_palette(tmp_path: Path) -> None:
    from caseload.domain.enums import Role
    from caseload.screens.review import ReviewScreen
    from caseload.screens.settings import SettingsScreen

    make_canary_store(tmp_path / "sup", role=Role.SUPERVISOR)
    make_canary_store(tmp_path / "idva")
    app = new_app(tmp_path / "idva")
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        assert isinstance(app.screen, TodayScreen)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Review: Caseload review" not in commands
        commands["Settings: Passphrase, users, backup, retention"].callback()
        await settle(pilot, app)
        assert isinstance(app.screen, SettingsScreen)
    app = new_app(tmp_path / "sup")
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        screen = app.screen
        for _ in range(20):  # the figures load in a worker; under load that can take a few rounds
            if screen.data is not None:
                break
            await settle(pilot, app)
        assert screen.data is not None and [r.user_name for r in screen.data.rows][1:] == ["A. Worker"]


async def test_two_escapes_do_not_lock_but_three_do(canary_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, _ = canary_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        await pilot.press("escape")  # back to the list (the key bubbles: still one press)
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert not app.locked and len(app._escapes) == 2
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.locked


async def test_full_collections_wait_for_a_quiet_second(canary_store) -> None:  # type: ignore[no-untyped-def]
    import gc

    from caseload.collect import FULL_COLLECTION_THRESHOLD

    store_dir, _ = canary_store
    before = gc.get_threshold()
    clocks = FakeClocks()
    app = new_app(store_dir, clocks=clocks)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        assert gc.get_threshold()[2] == FULL_COLLECTION_THRESHOLD
        await pilot.press("down")
        gc.collect(1)
        app.check_idle()  # the key was just now: no full collection yet
        assert gc.get_count()[2] > 0
        clocks.advance(1.5)
        app.check_idle()
        assert gc.get_count()[2] == 0 and not app.locked
    assert gc.get_threshold() == before


async def test_keys_typed_at_start_go_to_the_passphrase(canary_store) -> None:  # type: ignore[no-untyped-def]
    """A passphrase typed while the app starts lands in the (masked) passphrase box, never in the visible
    user field: the unlock screen focuses the passphrase from its first frame (AUTO_FOCUS), not only once
    mounted."""
    from textual.widgets import Input

    from caseload.screens.unlock import UnlockScreen as Unlock

    store_dir, _ = canary_store
    assert Unlock.AUTO_FOCUS == "#passphrase"
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"secret")
        assert app.screen.query_one("#user", Input).value == ""
        assert app.screen.query_one("#passphrase", Input).value == "secret"
