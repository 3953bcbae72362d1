"""The TUI benchmark's picture of the terminal, replayed from the bytes frames send: it must be the screen,
or "key → picture" would stop the clock at the wrong frame."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "tui_bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tui_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tui_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_cursor_moves_styles_and_wide_characters(bench: ModuleType) -> None:
    picture = bench.Picture()
    picture.apply("\x1b[2;3Hab\x1b[1mc\x1b[0m\x1b[1;1H界x")
    cells = picture.cells
    assert cells[(1, 2)] == ("a", "") and cells[(1, 3)] == ("b", "")
    assert cells[(1, 4)] == ("c", "1")  # bold
    assert cells[(0, 0)] == ("界", "") and cells[(0, 1)] == ("", "") and cells[(0, 2)] == ("x", "")
    picture.apply("\x1b[2;4HZ")  # a later frame overwrites one cell, the rest stays
    assert cells[(1, 3)] == ("Z", "") and cells[(1, 2)] == ("a", "")


async def test_replayed_frames_are_the_screen(bench: ModuleType) -> None:
    class Demo(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("first line", id="one")
            yield Static("[b]second[/b] · 界", id="two")

    app = Demo()
    async with app.run_test(size=(30, 6)) as pilot:
        probe = bench.FrameProbe(app)
        app.query_one("#one", Static).update("changed line")
        await pilot.pause()
        app.query_one("#two", Static).update("other")
        await pilot.pause()
        assert probe.data  # frames were recorded
        probe.check_picture()  # raises if the replayed picture differs from a full render of the screen
        rows = {y: "".join(c for (yy, _x), (c, _s) in sorted(probe.picture.cells.items()) if yy == y)
                for y in range(2)}
        assert rows[0].startswith("changed line") and rows[1].startswith("other")
