"""Supervisor review speed on the 10,000-case demo store, signed in as the demo supervisor.

Measures (median of ``--repeat`` runs, wall clock and this process's CPU time): the store read
(``review_casefiles``), the figures (``worker_figures``), the closures awaiting approval, the whole
``load_review`` the screen's worker runs, and ReviewScreen pushed → figures shown through Pilot.

    .venv/bin/caseload --store /tmp/rev10k demo --no-open --cases 10000 --as-of 2026-12-04   # once
    .venv/bin/python benchmarks/review_bench.py [--store /tmp/rev10k] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from caseload.app import make_app
from caseload.config import Config
from caseload.demo import DEMO_PASSPHRASE, slot_user
from caseload.domain.enums import Role
from caseload.domain.review import window_start, worker_figures
from caseload.screens.review import ReviewScreen, load_review
from caseload.store import review
from caseload.store.store import Store, store_exists

TODAY = date(2026, 12, 4)


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


async def _screen(store: Store, store_dir: Path, repeat: int) -> tuple[float, float]:
    app = make_app(Config(store_dir=store_dir), store=store, today=lambda: TODAY)
    walls, cpus = [], []
    async with app.run_test(size=(150, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(repeat):
            w, c = time.perf_counter(), time.process_time()
            screen = ReviewScreen(store)
            await app.push_screen(screen)
            while screen.data is None:
                await pilot.pause(0.005)
            await pilot.pause()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            app.pop_screen()
            await pilot.pause()
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/rev10k"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not store_exists(args.store):
        print(f"No store in {args.store}; build it with 'caseload --store {args.store} demo --no-open "
              "--cases 10000 --as-of 2026-12-04'.")
        return 1
    user = slot_user(args.store, Role.SUPERVISOR)
    store = Store.open(args.store, DEMO_PASSPHRASE, user, verify=False)
    try:
        rows: list[tuple[str, float, float, str]] = []
        w, c, files = _time(lambda: review.review_casefiles(store, window_start(TODAY)), args.repeat)
        rows.append(("store read (review_casefiles)", w, c, f"{len(files):,} case files"))
        w, c, figs = _time(lambda: worker_figures(files, TODAY), args.repeat)
        rows.append(("figures (worker_figures)", w, c, f"{len(figs)} workers"))
        w, c, waiting = _time(lambda: review.closures_awaiting(store, TODAY), args.repeat)
        rows.append(("closures awaiting approval", w, c, f"{len(waiting.items)} listed, {waiting.older:,} older"))
        w, c, _ = _time(lambda: load_review(store, TODAY), args.repeat)
        rows.append(("load_review (the screen's worker)", w, c, ""))
        w, c = asyncio.run(_screen(store, args.store, args.repeat))
        rows.append(("ReviewScreen pushed → figures shown", w, c, "Pilot, 150×45"))
    finally:
        store.lock()
    table = Table(title=f"Review on {args.store} as {user} (median of {args.repeat})")
    for col in ("step", "wall s", "cpu s", "note"):
        table.add_column(col)
    for step, wall, cpu, note in rows:
        table.add_row(step, f"{wall:.3f}", f"{cpu:.3f}", note)
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
