"""TUI speed on a service-scale demo store: the same app the CLI opens, headless.

Measures: unlock → Today shown (including the key derivation), one filter keystroke on the case list,
opening a case (after the cursor rested on it, and straight after moving to it), switching a case tab.
Goals (issue 4): unlock ≤ 1.0 s; the others ≤ 50 ms median.

The key is handed to the app the way the terminal driver hands it over (``driver.send_message(events.Key)``,
from the event loop, so it goes through the app's own key handling: bindings, focus, the widgets' handlers).
A probe wraps ``App._display``, the one point every frame passes through (after the compositor has laid out
and rendered the changed widgets); because a headless app skips writing to the terminal, the probe turns
each frame into the bytes a terminal would get (``render_segments``), so that cost is inside the span too,
and keeps them. The clock starts just before the key is sent. Two numbers are reported:

**key → picture** (what a person waits for): the bytes of every frame are replayed onto a picture of the
terminal (cursor moves, colours, characters: :class:`Picture`; checked against a full render of the screen
at the end of each run). The span ends at the first frame from which the screen shows what it shows once
the app is quiet, with the result state holding (filter applied and the table refilled; the case loaded and
its tab filled; the next tab active and filled). Frames after it that change nothing on screen are not
waited for by anyone.

**key → last frame** (stricter): the span ends at the last frame before the app is quiet (no frame for
150 ms, nothing pending on the screen: no layout, repaint or dirty widget), whether or not it changed
anything. Both are also timed as CPU time of this process, all threads (the app's own work; it does not grow
when other programs load the machine — a shared machine still slows it).

**Pilot** (secondary): ``pilot.press(key)`` + ``pilot.pause()``, wall and CPU. Pilot waits for the process to
look idle, so its wall time is mostly Pilot's own waiting: the no-op key row (a key bound to nothing) is
that floor. Animations are off so Pilot does not wait for them.

    .venv/bin/python benchmarks/tui_bench.py [--store DIR] [--cases 10000] [--repeat 15] [--role idva]
        [--runs 3] [--no-pilot] [--profile FILE]

The store is built once (``caseload demo``'s builder) and reused when it already exists. ``--profile``
writes a cProfile of the key → frame phase. The machine's speed is printed (a fixed reference loop before
and after): on a shared machine the same work varies by up to half from one minute to the next.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.widgets import DataTable, Input, TabbedContent

from caseload.app import make_app
from caseload.config import Config
from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.screens.base import READ_AHEAD_REST_S
from caseload.screens.case_list import DISPLAY_LIMIT, CaseListScreen
from caseload.screens.case_view import TABS, CaseScreen
from caseload.screens.today import TodayScreen
from caseload.store.keys import read_keys
from caseload.store.store import store_exists

TODAY = date(2026, 12, 4)
SETTLE_S = 0.15
FILTER_TEXTS = ("c", "c-", "c-2", "c-20", "c-202", "c-2026", "c-2026-", "c-2026-0")
Results = dict[str, list[float]]


async def _until(pilot: Any, done: Any, timeout: float = 30.0) -> None:
    """Pause until ``done()`` is true (checks every event-loop turn)."""
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0)


_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")
Cells = dict[tuple[int, int], tuple[str, str]]


class Picture:
    """What the terminal shows, kept by replaying the bytes the app sends it: cursor moves, colours and
    text (the only sequences a frame holds: ``Control.move_to``, Rich's SGR styles, characters)."""

    def __init__(self) -> None:
        self.cells: Cells = {}

    def apply(self, data: str) -> None:
        """Write one frame's bytes onto the picture."""
        cells = self.cells
        x = y = 0
        style = ""
        pos = 0
        for match in _CSI.finditer(data + "\x1b[0m"):
            for char in data[pos:match.start()]:
                if char == "\n":
                    x, y = 0, y + 1
                    continue
                width = cell_len(char)
                cells[(y, x)] = (char, style)
                if width == 2:
                    cells[(y, x + 1)] = ("", style)
                x += width
            pos = match.end()
            params, command = match.groups()
            if command == "H":
                row, _, col = params.partition(";")
                y, x = int(row or 1) - 1, int(col or 1) - 1
            elif command == "m":
                style = "" if params in ("", "0") else params


class FrameProbe:
    """Records every frame the app hands to the terminal: wall and CPU time, whether the awaited result
    state held when the frame was made, and the frame's bytes (so the picture on screen can be replayed)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames: list[tuple[float, float, bool]] = []
        self.data: list[str] = []
        self.done: Callable[[], bool] = lambda: False
        self.last: list[tuple[float, float, bool]] = []
        """The frames of the last key, relative to the key (wall, CPU, result shown)."""
        self.picture = Picture()
        self._replayed = 0
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            data = ""
            if app.is_headless and isinstance(renderable, CompositorUpdate):
                data = renderable.render_segments(app.console)  # the bytes a real terminal would be sent
            self.frames.append((time.perf_counter(), time.process_time(), self.done()))
            self.data.append(data)

        app._display = display  # type: ignore[method-assign]

    def pending(self) -> bool:
        """Is the screen about to draw again?"""
        s: Any = self.app.screen
        return bool(s._layout_required or s._scroll_required or s._repaint_required or s._dirty_widgets
                    or self.app._batch_count)

    async def key(self, key: str, done: Callable[[], bool], timeout: float = 30.0) -> dict[str, float]:
        """Send ``key`` the way the driver does and wait until the app is quiet again. Returns wall and CPU
        seconds to the *picture* (the first frame from which the screen shows what it shows at the end, with
        the result state holding) and to the *last frame* of the burst, and the number of frames."""
        app = self.app
        assert app._driver is not None
        self._replay(len(self.data))  # everything drawn before this key
        first = len(self.frames)
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        self.done = done
        wall0, cpu0 = time.perf_counter(), time.process_time()
        app._driver.send_message(event)
        end = wall0 + timeout
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            if now > end:
                raise TimeoutError(f"no frame showed the result of {key!r}")
            mine = self.frames[first:]
            if not any(f[2] for f in mine) or self.pending():
                continue
            if now - mine[-1][0] >= SETTLE_S:
                break
        self.done = lambda: False
        mine = self.frames[first:]
        self.last = [(w - wall0, c - cpu0, d) for w, c, d in mine]
        pictures = self._replay(len(self.data), keep=True)
        final = pictures[-1]
        at = len(mine) - 1
        while at > 0 and mine[at - 1][2] and pictures[at - 1] == final:
            at -= 1
        return {"picture": mine[at][0] - wall0, "picture cpu": mine[at][1] - cpu0,
                "frame": mine[-1][0] - wall0, "frame cpu": mine[-1][1] - cpu0, "frames": float(len(mine))}

    def check_picture(self) -> None:
        """The replayed picture must be the screen: compare it with a full render of the screen now."""
        await_none = self._replay(len(self.data))
        assert not await_none
        full = Picture()
        full.apply(self.app.screen._compositor.render_full_update().render_segments(self.app.console))
        if full.cells != self.picture.cells:
            wrong = sum(1 for k, v in full.cells.items() if self.picture.cells.get(k) != v)
            raise AssertionError(f"the replayed picture differs from the screen in {wrong} cells")

    def _replay(self, upto: int, keep: bool = False) -> list[Cells]:
        """Apply the frames not yet applied to the picture; with ``keep``, the picture after each of them."""
        pictures: list[Cells] = []
        for data in self.data[self._replayed:upto]:
            self.picture.apply(data)
            if keep:
                pictures.append(dict(self.picture.cells))
        self._replayed = upto
        return pictures


def _tab_filled(app: App[Any], key: str) -> bool:
    screen = app.screen
    return (isinstance(screen, CaseScreen) and screen.ctx is not None
            and screen.query_one(TabbedContent).active == key and key in screen._filled)


async def _open_list(app: App[Any], pilot: Any) -> CaseListScreen:
    await app.workers.wait_for_complete()
    await pilot.press("2")
    await _until(pilot, lambda a=app: isinstance(a.screen, CaseListScreen) and bool(a.screen.rows))
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CaseListScreen)
    return screen


async def measure_frames(app: App[Any], pilot: Any, probe: FrameProbe, repeat: int, results: Results) -> None:
    """key → picture / last frame: filter keystrokes, open case, switch tabs (starts and ends on the list)."""

    def record(name: str, span: dict[str, float]) -> None:
        for col, value in span.items():
            results[f"{name}|{col}"].append(value)

    screen = await _open_list(app, pilot)
    box = screen.query_one("#cases-filter", Input)
    box.cursor_blink = False
    await pilot.press("slash")
    await pilot.pause()
    shown = screen.query_one(DataTable)
    for n in range(repeat):
        text = FILTER_TEXTS[n % len(FILTER_TEXTS)]

        def filtered(t: str = text) -> bool:
            return screen.filters.text == t and shown.row_count == min(len(screen.shown), DISPLAY_LIMIT)

        record("filter keystroke", await probe.key(text[-1], filtered))
        if n % len(FILTER_TEXTS) == len(FILTER_TEXTS) - 1:
            box.value = ""
            await pilot.pause()
    box.value = ""
    await pilot.press("enter")  # filter box → table
    await pilot.pause()
    await asyncio.sleep(SETTLE_S)
    table = screen.query_one(DataTable)
    for _ in range(repeat):
        row = table.cursor_row
        record("cursor down (floor)", await probe.key("down", lambda r=row: table.cursor_row == r + 1))
    keys = [k for k, _ in TABS]
    for n in range(2 * max(1, repeat // 3)):
        if n % 2 == 0:  # the cursor moves to the case and rests there (as when reading the list): read ahead
            await pilot.press("down")
            await pilot.pause()
            await asyncio.sleep(READ_AHEAD_REST_S + SETTLE_S)
            await app.workers.wait_for_complete()
            await pilot.pause()
            name = "open case (cursor rested)"
        else:  # Enter straight after moving: nothing read ahead (the move is counted in the open's time)
            assert app._driver is not None
            down = events.Key("down", None)
            down.set_sender(app)
            app._driver.send_message(down)
            name = "open case (Enter at once)"
        record(name, await probe.key("enter", lambda: _tab_filled(app, "summary")))
        await app.workers.wait_for_complete()
        for step in range(1, 9):
            key = keys[step % len(keys)]
            record("switch tab", await probe.key("right", lambda k=key: _tab_filled(app, k)))
        await pilot.press("escape")
        await _until(pilot, lambda a=app: isinstance(a.screen, CaseListScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()


async def measure_pilot(app: App[Any], pilot: Any, repeat: int, results: Results) -> None:
    """Pilot press + pause, wall and CPU (starts and ends on the case list)."""

    class Timer:
        """Wall and CPU time of one interaction."""

        def __init__(self, name: str) -> None:
            self.name = name

        def __enter__(self) -> None:
            self.wall, self.cpu = time.perf_counter(), time.process_time()

        def __exit__(self, *_exc: object) -> None:
            results[f"{self.name}|pilot"].append(time.perf_counter() - self.wall)
            results[f"{self.name}|pilot cpu"].append(time.process_time() - self.cpu)

    screen = await _open_list(app, pilot)
    await pilot.press("slash")
    for n in range(repeat):
        text = FILTER_TEXTS[n % len(FILTER_TEXTS)]
        with Timer("filter keystroke"):
            await pilot.press(text[-1])
            await pilot.pause()
        if n % len(FILTER_TEXTS) == len(FILTER_TEXTS) - 1:
            screen.query_one(Input).value = ""
            await pilot.pause()
    screen.query_one(Input).value = ""
    await pilot.press("enter")  # filter box → table
    await pilot.pause()
    for _ in range(repeat):
        with Timer("no-op key (Pilot floor)"):
            await pilot.press("f7")  # bound to nothing: what Pilot's press + pause cost on their own
            await pilot.pause()
    await pilot.pause()
    for n in range(max(1, repeat // 3)):
        with Timer("open case (Pilot)"):
            await pilot.press("enter")
            await _until(pilot, lambda a=app: isinstance(a.screen, CaseScreen) and a.screen.ctx is not None)
            await pilot.pause()
        await app.workers.wait_for_complete()
        tabs = app.screen.query_one(TabbedContent)
        for _ in range(8):
            with Timer("switch tab"):
                await pilot.press("right")
                await pilot.pause()
            assert tabs.active
        await pilot.press("escape")
        await _until(pilot, lambda a=app: isinstance(a.screen, CaseListScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "down", "down") if n % 2 else None


async def measure(store_dir: Path, repeat: int, user: str | None = None, pilot_too: bool = True,
                  runs: int = 3, profile: cProfile.Profile | None = None) -> Results:
    """Run the app headless and time each interaction (seconds)."""
    results: Results = {}
    for name in ("unlock → Today", "filter keystroke", "open case (cursor rested)", "open case (Enter at once)",
                 "open case (Pilot)", "switch tab", "cursor down (floor)", "no-op key (Pilot floor)"):
        for col in ("picture", "picture cpu", "frame", "frame cpu", "frames", "pilot", "pilot cpu"):
            results[f"{name}|{col}"] = []
    for _ in range(runs):
        app = make_app(Config(store_dir=store_dir, user=user), today=lambda: TODAY)
        app.animation_level = "none"
        async with app.run_test(size=(140, 45)) as pilot:
            app.screen.query_one("#passphrase", Input).value = DEMO_PASSPHRASE
            await pilot.pause()
            probe = FrameProbe(app)
            span = await probe.key("enter", lambda a=app: isinstance(a.screen, TodayScreen)
                                   and a.screen.data is not None)
            for col, value in span.items():
                results[f"unlock → Today|{col}"].append(value)
            if pilot_too:
                await measure_pilot(app, pilot, repeat, results)
            if profile is not None:
                profile.enable()
            await measure_frames(app, pilot, probe, repeat, results)
            probe.check_picture()
            if profile is not None:
                profile.disable()
    return results


def _reference_ms() -> float:
    """A fixed piece of pure-Python work (best of 5): how fast the machine is right now, to read the other
    numbers against."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(20):
            sum(range(100_000))
        best = min(best, (time.perf_counter() - start) / 20)
    return best * 1000


def main() -> int:
    """Build (or reuse) the store, measure, print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=Path("/tmp/caseload-bench-10k"))
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3, help="app sessions (each unlocks once)")
    parser.add_argument("--role", choices=["supervisor", "idva"], default="supervisor",
                        help="sign in as the demo supervisor (every case in the list, default) or the IDVA")
    parser.add_argument("--no-pilot", action="store_true", help="skip the Pilot columns (quicker)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the key → frame phase here")
    args = parser.parse_args()
    console = Console(width=200)
    if not store_exists(args.store):
        console.print(f"building a {args.cases:,}-case demo store in {args.store} …")
        build_demo(args.store, args.cases, 1, TODAY)
    slots = read_keys(args.store / "keys.json").slots
    user = next((s.user for s in slots if s.role == args.role), None)
    profile = cProfile.Profile() if args.profile else None
    reference_ms = [_reference_ms()]
    results = asyncio.run(measure(args.store, args.repeat, user, not args.no_pilot, args.runs, profile))
    if profile is not None:
        profile.dump_stats(str(args.profile))
    console.print(f"signed in as {user} ({args.role}); machine speed: a reference loop took "
                  f"{reference_ms[0]:.2f} ms before and {_reference_ms():.2f} ms after (lower is faster; the "
                  "same loop on the same machine varies by up to half between minutes when it is shared)")
    table = Table(title=f"TUI speed · {args.cases:,}-case demo store · headless · medians (× goal)")
    cols = ("picture", "picture cpu", "frame", "frame cpu", "pilot", "pilot cpu")
    heads = ("key → picture ms", "cpu ms", "key → last frame ms", "cpu ms", "Pilot wall ms", "Pilot cpu ms")
    table.add_column("interaction")
    table.add_column("goal ms", justify="right")
    for head in heads:
        table.add_column(head, justify="right")
    table.add_column("picture p90 ms", justify="right")
    table.add_column("frames", justify="right")
    table.add_column("n", justify="right")
    names = dict.fromkeys(k.split("|")[0] for k in results)
    for name in names:
        goal = 1.0 if name.startswith("unlock") else 0.05
        cells = []
        for col in cols:
            values = sorted(results.get(f"{name}|{col}", []))
            if not values:
                cells.append("–")
                continue
            median = statistics.median(values)
            cells.append(f"{median * 1000:.1f} ({median / goal:.2f}×)")
        frames = sorted(results[f"{name}|picture"]) or sorted(results[f"{name}|pilot"])
        p90 = frames[min(len(frames) - 1, int(len(frames) * 0.9))] if frames else 0.0
        nframes = results.get(f"{name}|frames") or [0]
        table.add_row(name, f"{goal * 1000:.0f}", *cells, f"{p90 * 1000:.1f}",
                      f"{statistics.median(nframes):g}", str(len(frames)))
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
