"""Pilot: unlock → case list, wrong passphrase, filter, quick exit locks."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from caseload.app import make_app
from caseload.config import Config
from caseload.domain.enums import Role
from caseload.domain.model import RECORD_KEYS, Case, Person
from caseload.screens.case_list import CaseListScreen
from caseload.screens.unlock import UnlockScreen
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each


def _make_store(store_dir: Path, given_name: str = "Testina") -> None:
    s = Store.create(store_dir, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    records = one_of_each("CANARYAPP")
    person = records[Person]
    from dataclasses import replace

    records[Person] = replace(person, given_name=given_name, family_name="Fictional", postcode="ZZ99 1AA")
    records[Case] = replace(records[Case], reference="C-2026-0001")
    s.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items()})
    s.lock()


async def _unlock(pilot, app, passphrase: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#passphrase", Input).value = passphrase
    app.screen.query_one("#passphrase", Input).focus()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_unlock_then_case_list_and_filter(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    _make_store(store_dir)
    app = make_app(Config(store_dir=store_dir))
    async with app.run_test() as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await _unlock(pilot, app, PASSPHRASE)
        assert isinstance(app.screen, CaseListScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("slash")
        for ch in "zz99":
            await pilot.press(ch)
        await pilot.pause()
        assert table.row_count == 1
        for ch in "x":
            await pilot.press(ch)
        await pilot.pause()
        assert table.row_count == 0


async def test_wrong_passphrase_message(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    _make_store(store_dir)
    app = make_app(Config(store_dir=store_dir))
    async with app.run_test() as pilot:
        await _unlock(pilot, app, "not the passphrase")
        assert isinstance(app.screen, UnlockScreen)
        msg = app.screen.query_one("#unlock-message", Static)
        assert "Wrong passphrase" in str(msg.render())
        assert app.store is None


async def test_quick_exit_blanks_and_locks(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    _make_store(store_dir)
    app = make_app(Config(store_dir=store_dir))
    async with app.run_test() as pilot:
        await _unlock(pilot, app, PASSPHRASE)
        store = app.store
        assert store is not None and store.is_open
        await pilot.press("f12")
        await pilot.pause()
        await pilot.pause()
        assert not store.is_open
        assert isinstance(app.screen, UnlockScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "Testina" not in text and "C-2026" not in text


async def test_screenshot_command_removed(tmp_path: Path) -> None:
    app = make_app(Config(store_dir=tmp_path / "none"))
    async with app.run_test():
        titles = [c.title.lower() for c in app.get_system_commands(app.screen)]
        assert titles and not any("screenshot" in t for t in titles)
