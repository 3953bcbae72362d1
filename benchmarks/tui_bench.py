"""TUI speed on a service-scale demo store, driven through Pilot (the same app the CLI opens).

Measures: unlock → Today shown (including the key derivation), one filter keystroke on the case list,
opening a case, switching a case tab. Goals (issue 4): unlock ≤ 1.0 s; the others ≤ 50 ms median.

Each interaction is timed twice: wall-clock (what a person waits, including Pilot's own waits for an idle
event loop) and CPU time of this process, all threads (the app's own work; it does not grow when other
programs load the machine). Animations are off so Pilot does not wait for the tab underline to slide.

    .venv/bin/python benchmarks/tui_bench.py [--store DIR] [--cases 10000] [--repeat 15]

The store is built once (``caseload demo``'s builder) and reused when it already exists.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table
from textual.widgets import Input, TabbedContent

from caseload.app import make_app
from caseload.config import Config
from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.screens.case_list import CaseListScreen
from caseload.screens.case_view import CaseScreen
from caseload.screens.today import TodayScreen
from caseload.store.keys import read_keys
from caseload.store.store import store_exists

TODAY = date(2026, 12, 4)


async def _until(pilot: Any, done: Any, timeout: float = 30.0) -> None:
    """Pause until ``done()`` is true (checks every event-loop turn)."""
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0)


async def measure(store_dir: Path, repeat: int, user: str | None = None) -> dict[str, list[float]]:
    """Run the app headless and time each interaction (seconds)."""
    names = ("unlock → Today", "filter keystroke", "open case", "switch tab", "no-op key (Pilot baseline)")
    results: dict[str, list[float]] = {n: [] for n in names} | {f"{n} (cpu)": [] for n in names}

    class Timer:
        """Wall and CPU time of one interaction."""

        def __init__(self, name: str) -> None:
            self.name = name

        def __enter__(self) -> None:
            self.wall, self.cpu = time.perf_counter(), time.process_time()

        def __exit__(self, *_exc: object) -> None:
            results[self.name].append(time.perf_counter() - self.wall)
            results[f"{self.name} (cpu)"].append(time.process_time() - self.cpu)

    for _ in range(3):
        app = make_app(Config(store_dir=store_dir, user=user), today=lambda: TODAY)
        app.animation_level = "none"
        async with app.run_test(size=(140, 45)) as pilot:
            app.screen.query_one("#passphrase", Input).value = DEMO_PASSPHRASE
            with Timer("unlock → Today"):
                await pilot.press("enter")
                await _until(pilot, lambda a=app: isinstance(a.screen, TodayScreen) and a.screen.data is not None)
                await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("2")
            await _until(pilot, lambda a=app: isinstance(a.screen, CaseListScreen) and bool(a.screen.rows))
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CaseListScreen)
            await pilot.press("slash")
            for n in range(repeat):
                text = ["c", "c-", "c-2", "c-20", "c-202", "c-2026", "c-2026-", "c-2026-0"][n % 8]
                with Timer("filter keystroke"):
                    await pilot.press(text[-1])
                    await pilot.pause()
                if n % 8 == 7:
                    screen.query_one(Input).value = ""
                    await pilot.pause()
            screen.query_one(Input).value = ""
            await pilot.press("enter")  # filter box → table
            await pilot.pause()
            for _ in range(repeat):
                with Timer("no-op key (Pilot baseline)"):
                    await pilot.press("f7")  # bound to nothing: what Pilot's press + pause cost on their own
                    await pilot.pause()
            await pilot.pause()
            for n in range(repeat // 3):
                with Timer("open case"):
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
    return results


def main() -> int:
    """Build (or reuse) the store, measure, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=Path("/tmp/caseload-bench-10k"))
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--role", choices=["supervisor", "idva"], default="supervisor",
                        help="sign in as the demo supervisor (every case in the list, default) or the IDVA")
    args = parser.parse_args()
    console = Console()
    if not store_exists(args.store):
        console.print(f"building a {args.cases:,}-case demo store in {args.store} …")
        build_demo(args.store, args.cases, 1, TODAY)
    slots = read_keys(args.store / "keys.json").slots
    user = next((s.user for s in slots if s.role == args.role), None)
    results = asyncio.run(measure(args.store, args.repeat, user))
    console.print(f"signed in as {user} ({args.role})")
    goals = {"unlock → Today": 1.0, "filter keystroke": 0.05, "open case": 0.05, "switch tab": 0.05,
             "no-op key (Pilot baseline)": 0.05}
    goals |= {f"{k} (cpu)": v for k, v in goals.items()}
    table = Table(title=f"TUI speed · {args.cases:,}-case demo store · Pilot, headless")
    for col in ("interaction", "median ms", "p90 ms", "goal ms", "median / goal", "n"):
        table.add_column(col, justify="right" if col != "interaction" else "left")
    for name, values in results.items():
        values.sort()
        median = statistics.median(values)
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        table.add_row(name, f"{median * 1000:.1f}", f"{p90 * 1000:.1f}", f"{goals[name] * 1000:.0f}",
                      f"{median / goals[name]:.2f}×", str(len(values)))
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
