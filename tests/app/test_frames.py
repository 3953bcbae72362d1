"""One change, one frame: a filter keystroke and a tab switch each reach the screen in a single frame
(a second, redundant frame is what a person waits for — see caseload/widgets/frame.py), and the filter box
still scrolls to its cursor without the layouts it no longer asks for."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from caseload.screens.case_list import CaseListScreen
from tests.app.tui import SIZE, case_view_built, keys, make_canary_store, new_app, screen_text, settle, unlock

QUIET_S = 0.3


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    make_canary_store(tmp_path / "store")
    return tmp_path / "store"


def _count_frames(app: Any) -> list[int]:
    """A list that grows by one for every frame the app draws from now on."""
    frames: list[int] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and not app._batch_count:
            frames.append(1)

    app._display = display
    return frames


async def _quiet(pilot: Any) -> None:
    await pilot.pause()
    await asyncio.sleep(QUIET_S)
    await pilot.pause()


async def test_a_filter_keystroke_is_one_frame(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2", "slash")
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        screen.query_one("#cases-filter", Input).cursor_blink = False
        await case_view_built(pilot, app)
        await _quiet(pilot)
        frames = _count_frames(app)
        for key, rows in (("c", 1), ("x", 0), ("backspace", 1)):
            frames.clear()
            await pilot.press(key)
            await _quiet(pilot)
            assert screen.query_one(DataTable).row_count == rows
            assert len(frames) == 1, f"{key!r} drew {len(frames)} frames"
        assert "1 of 1" in screen_text(app)


async def test_the_filter_box_scrolls_to_its_cursor(store_dir: Path) -> None:
    app = new_app(store_dir)
    async with app.run_test(size=(60, 30)) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2", "slash")
        box = app.screen.query_one("#cases-filter", Input)
        text = "abcdefghij" * 8 + "TAILEND"
        for char in text:
            await pilot.press(char)
        await settle(pilot, app)
        assert box.value == text
        assert box.scroll_x > 0
        assert "TAILEND" in screen_text(app)
        assert text not in screen_text(app)  # wider than the box: only its end shows
        await pilot.press("home")
        await settle(pilot, app)
        assert box.scroll_x == 0 and "TAILEND" not in screen_text(app)


async def test_a_tab_switch_moves_the_underline_in_the_same_frame(store_dir: Path) -> None:
    from textual.widgets import TabbedContent
    from textual.widgets._tabs import Underline

    from caseload.screens.case_view import CaseScreen

    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2", "enter")
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        tabs = screen.query_one(TabbedContent)
        underline = screen.query_one(Underline)
        await _quiet(pilot)
        seen: list[tuple[str, bool]] = []
        original = app._display

        def display(s: Any, renderable: Any) -> None:
            original(s, renderable)
            if renderable is None or app._batch_count:
                return
            tab = tabs.active_pane and tabs.get_tab(tabs.active)
            assert tab is not None
            start, end = tab.virtual_region.shrink(tab.styles.gutter).column_span
            seen.append((tabs.active, (underline.highlight_start, underline.highlight_end) == (start, end)))

        app._display = display  # type: ignore[method-assign]
        for _ in range(3):
            seen.clear()
            await pilot.press("right")
            await _quiet(pilot)
            assert seen and all(under for _tab, under in seen), seen


async def test_a_tab_switch_is_one_frame_once_the_tab_was_filled(store_dir: Path) -> None:
    from caseload.screens.case_view import TABS, CaseScreen

    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await keys(pilot, app, "2", "enter")
        assert isinstance(app.screen, CaseScreen)
        for _ in TABS:  # visit every tab once (each is built and filled on its first visit)
            await keys(pilot, app, "right")
        await _quiet(pilot)
        frames = _count_frames(app)
        for _ in TABS:
            frames.clear()
            await pilot.press("right")
            await _quiet(pilot)
            assert len(frames) == 1, f"{app.screen.query_one('TabbedContent').active}: {len(frames)} frames"


async def test_a_settled_text_block_still_grows_and_shrinks_with_its_text() -> None:
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import Static

    from caseload.widgets.frame import SettledStatic

    class Demo(App[None]):
        def compose(self) -> ComposeResult:
            with Vertical():
                yield SettledStatic(Text("one line"), id="text")
                yield Static(Text("below"), id="below")

    app = Demo()
    async with app.run_test(size=(40, 20)) as pilot:
        text = app.query_one("#text", SettledStatic)
        below = app.query_one("#below", Static)
        for lines in (5, 2, 9):
            text.update(Text("\n".join(f"line {n}" for n in range(lines))))
            await _quiet(pilot)
            assert text.region.height == lines
            assert below.region.y == lines  # the next widget moved: the one layout placed everything
