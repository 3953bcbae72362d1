"""Reading ahead the case under a resting cursor: opening it then only draws it and audits the view. The copy
read ahead is never shown or audited by itself, and it is dropped on any write and on lock."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import caseload.app
from caseload.screens import case_view
from caseload.screens.base import READ_AHEAD_REST_S
from caseload.screens.case_list import CaseListScreen
from caseload.screens.case_view import CaseScreen
from caseload.store.store import Store
from tests.app.tui import SIZE, keys, make_canary_store, new_app, settle, unlock
from tests.conftest import PASSPHRASE


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    make_canary_store(tmp_path / "store")
    return tmp_path / "store"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The case ids read for the case view (ahead or on opening)."""
    seen: list[str] = []
    original = case_view.read_case

    def counting(store: Store, case_id: str, on: Any) -> Any:
        seen.append(case_id)
        return original(store, case_id, on)

    monkeypatch.setattr(case_view, "read_case", counting)
    monkeypatch.setattr(caseload.app, "read_case", counting)
    return seen


def _views(app: Any, case_id: str) -> int:
    assert app.store is not None
    return sum(1 for e in app.store.audit_entries(case_id) if e.event == "case.viewed")


async def _rest(pilot: Any, app: Any) -> None:
    await asyncio.sleep(READ_AHEAD_REST_S + 0.1)
    await settle(pilot, app)


async def test_a_resting_cursor_reads_the_case_ahead_and_opening_uses_it(store_dir: Path, reads: list[str]) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2")
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        case_id = screen.shown[0].row.case.id
        await _rest(pilot, app)
        assert reads == [case_id]
        assert app._prefetched is not None and app._prefetched.case_id == case_id
        assert _views(app, case_id) == 0  # read, not viewed: nothing audited, nothing shown
        assert isinstance(app.screen, CaseListScreen)
        await keys(pilot, app, "enter")
        assert isinstance(app.screen, CaseScreen) and app.screen.ctx is not None
        assert reads == [case_id]  # not read again
        assert _views(app, case_id) == 1  # the view is audited when shown …
        assert any(e.event == "case.viewed" for e in app.screen.ctx.audit)  # … and is in the trail it shows
        assert app._prefetched is None


async def test_a_write_or_a_lock_drops_the_case_read_ahead(store_dir: Path, reads: list[str]) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2")
        await _rest(pilot, app)
        assert app._prefetched is not None
        app.bump_revision()  # something was written: the copy may be stale
        assert app._prefetched is None
        await keys(pilot, app, "enter")
        assert isinstance(app.screen, CaseScreen) and app.screen.ctx is not None
        assert len(reads) == 2  # read again on opening
        await keys(pilot, app, "escape")
        await _rest(pilot, app)
        assert app._prefetched is not None
        app.action_lock("test")
        await settle(pilot, app)
        assert app._prefetched is None
        await unlock(pilot, app, PASSPHRASE)
        await settle(pilot, app)
        assert app.screen is not None and not app.locked


async def test_moving_on_before_the_cursor_rests_reads_nothing(store_dir: Path, reads: list[str]) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2")
        await _rest(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        case_id = screen.shown[0].row.case.id
        reads.clear()
        app._prefetched = None
        screen.read_ahead_soon(case_id)
        screen.read_ahead_soon(None)  # the cursor moved to a line with no case before resting
        await _rest(pilot, app)
        assert reads == [] and app._prefetched is None
        screen.read_ahead_soon(case_id)
        await _rest(pilot, app)
        assert reads == [case_id]
