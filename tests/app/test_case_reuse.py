"""The reused case view: opened again, it shows itself only once the case is drawn (no "Loading case…"
frame, no frame with the last case), never after the user moved on, locked or quick-exited, and a case
that is not available leaves the user where she was."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from caseload.screens.case_list import CaseListScreen
from caseload.screens.case_view import PUSH_WAIT_S, CaseScreen
from caseload.screens.lock import BlankScreen
from caseload.screens.unlock import UnlockScreen
from tests.app.tui import SIZE, case_view_built, keys, make_canary_store, new_app, open_first_case, settle, unlock


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    make_canary_store(tmp_path / "store")
    return tmp_path / "store"


def _watch_frames(app: Any) -> list[tuple[type, bool]]:
    """(screen type, case loaded) for every frame the app draws from now on."""
    frames: list[tuple[type, bool]] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and not app._batch_count:
            frames.append((type(screen), getattr(screen, "ctx", None) is not None))

    app._display = display
    return frames


async def test_reopened_case_view_shows_only_once_drawn(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        assert isinstance(app.screen, CaseScreen) and app.screen.ctx is not None
        await keys(pilot, app, "escape")
        assert isinstance(app.screen, CaseListScreen)
        frames = _watch_frames(app)
        await keys(pilot, app, "enter")
        assert isinstance(app.screen, CaseScreen) and app.screen.ctx is not None
        case_frames = [loaded for kind, loaded in frames if kind is CaseScreen]
        assert case_frames and all(case_frames)


async def test_no_push_after_quick_exit_or_moving_on(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        await keys(pilot, app, "escape")
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        case_id = screen.shown[0].row.case.id
        app.open_case(case_id)  # waits for its case …
        await pilot.press("1")  # … while the user moves on to Today
        await settle(pilot, app)
        assert not isinstance(app.screen, CaseScreen)
        await keys(pilot, app, "2")
        app.open_case(case_id)
        app.action_quick_exit()  # quick exit before the case arrived: it must never show
        # (the lock cancels the load, so wait for time to pass, not for the workers: past the push timer too)
        for _ in range(3):
            await pilot.pause()
        await asyncio.sleep(PUSH_WAIT_S + 0.2)
        await pilot.pause()
        assert isinstance(app.screen, BlankScreen | UnlockScreen)
        assert not any(isinstance(s, CaseScreen) for s in app.screen_stack)


async def test_unavailable_case_on_reused_view_stays_on_list(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        await keys(pilot, app, "escape")
        assert isinstance(app.screen, CaseListScreen)
        app.open_case("no-such-case")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseListScreen)
        assert any("not available" in str(n.message) for n in app._notifications)


async def test_reused_view_restyles_only_after_a_css_change(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        header = screen.query_one("#case-header")
        dark = header.styles.background
        restyled: list[int] = []
        original = screen.update_node_styles

        def counting(animate: bool = True) -> None:
            restyled.append(1)
            original(animate)

        screen.update_node_styles = counting  # type: ignore[method-assign]
        await keys(pilot, app, "escape", "enter")  # shown again, nothing changed: styles kept
        assert app.screen is screen and restyled == []
        await keys(pilot, app, "escape")
        app.theme = "textual-light"  # the CSS changes while the case view is hidden …
        await settle(pilot, app)
        await keys(pilot, app, "enter")
        assert app.screen is screen and restyled  # … so showing it again re-applies the stylesheet
        assert header.styles.background != dark


async def test_case_view_is_built_ahead_quietly_and_used_by_the_first_open(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await case_view_built(pilot, app)
        built = app._case_screen
        assert isinstance(built, CaseScreen) and built.ctx is None
        assert built not in app.screen_stack  # built off screen, nothing shown
        await settle(pilot, app)
        assert app.store is not None
        assert not [e for e in app.store.audit_entries() if e.event == "case.viewed"]  # nothing read or audited
        assert not app._notifications
        await open_first_case(pilot, app)
        assert app.screen is built and built.ctx is not None


async def test_a_screen_under_the_case_view_draws_nothing(store_dir: Path) -> None:
    from textual.widgets import DataTable

    from tests.app.tui import screen_text

    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        case_list = app.screen_stack[-2]
        assert isinstance(case_list, CaseListScreen)
        await asyncio.sleep(0.2)
        await settle(pilot, app)
        frames = _watch_frames(app)
        case_list.query_one(DataTable).refresh()  # a change under the (opaque) case view …
        await asyncio.sleep(0.2)
        await settle(pilot, app)
        assert frames == []  # … draws no frame of the case view
        await keys(pilot, app, "escape")
        assert app.screen is case_list and "C-2026-0001" in screen_text(app)  # shown whole when back
