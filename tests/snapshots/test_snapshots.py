"""SVG snapshots of the main layouts, with a frozen clock and a seeded demo caseload.

Update after a deliberate layout change with ``pytest tests/snapshots --snapshot-update`` and look at the
report before committing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from caseload.app import make_app
from caseload.config import Config
from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.store.keys import KdfParams
from caseload.store.store import Store

TODAY = date(2026, 12, 4)
SIZE = (130, 40)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    store_dir = tmp_path_factory.mktemp("snap") / "demo"
    build_demo(store_dir, 60, 7, TODAY, kdf=KdfParams())
    yield store_dir


def _app(store_dir: Path, unlocked: bool = True) -> Any:
    store = Store.open(store_dir, DEMO_PASSPHRASE, verify=False) if unlocked else None
    return make_app(Config(store_dir=store_dir), store=store, today=lambda: TODAY)


async def _settle(pilot: Any) -> None:
    """Wait until no worker runs, every posted message is handled and animations are done."""
    quiet = 0
    for _ in range(30):  # until two rounds in a row start no new worker (a load can start another)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        quiet = quiet + 1 if not any(w.is_running for w in pilot.app.workers) else 0
        if quiet >= 2:
            break
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def _after(*pressed: str) -> Any:
    """A ``run_before`` that settles, then presses each key and settles again."""

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((), id="today"),
        pytest.param(("2",), id="case_list"),
        pytest.param(("2", "enter"), id="case_view_summary"),
        pytest.param(("2", "enter", "right", "f9"), id="case_view_risk_in_privacy_mode"),
    ],
)
def test_layout(snap_compare: Any, demo_dir: Path, keys: tuple[str, ...]) -> None:
    assert snap_compare(_app(demo_dir), terminal_size=SIZE, run_before=_after(*keys))


def test_lock_screen(snap_compare: Any, demo_dir: Path) -> None:
    assert snap_compare(_app(demo_dir, unlocked=False), terminal_size=SIZE, run_before=_settle)
