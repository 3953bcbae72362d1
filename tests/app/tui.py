"""Helpers for Pilot tests: a canary store the signed-in worker owns, unlocking, and reading the screen as
the terminal would receive it."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.segment import Segment
from textual.app import App
from textual.widgets import Input

from caseload.app import CaseloadApp, make_app
from caseload.config import Config
from caseload.domain.enums import Role
from caseload.domain.model import RECORD_KEYS, Case, Person, User
from caseload.idle import FakeClocks
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each

TODAY = date(2026, 12, 4)
CANARY = "CANARYTUI"
SIZE = (150, 45)


def make_canary_store(store_dir: Path, canary: str = CANARY, role: Role = Role.IDVA,
                      **case_overrides: Any) -> dict[type, Any]:
    """A store whose one case (every record type, canaries in every level-3/F text field) belongs to the
    signed-in IDVA, "A. Worker"."""
    records = one_of_each(canary)
    me = dataclasses.replace(records[User], name="A. Worker", role=role)
    records[User] = me
    records[Person] = dataclasses.replace(records[Person], postcode="ZZ99 9ZZ")
    records[Case] = dataclasses.replace(
        records[Case], reference="C-2026-0001", worker_id=me.id, closed_on=None, status="active_support",
        **case_overrides,
    )
    s = Store.create(store_dir, "A. Worker", role, PASSPHRASE, kdf=FLOOR, first_user=me)
    s.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items() if t is not User})
    s.lock()
    return records


def new_app(store_dir: Path, clocks: FakeClocks | None = None, **config: Any) -> CaseloadApp:
    """The app through the CLI's factory, with a frozen 'today'."""
    return make_app(Config(store_dir=store_dir, **config), clocks=clocks, today=lambda: TODAY)


async def settle(pilot: Any, app: App[Any]) -> None:
    """Wait for workers and the messages they post."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def case_view_built(pilot: Any, app: CaseloadApp) -> None:
    """Wait until the app has built its case view ahead, off screen, after unlock (loading its CSS restyles
    the app once: a frame that belongs to no key)."""
    for _ in range(100):
        if app._case_screen is not None:
            break
        await pilot.pause(0.02)
    assert app._case_screen is not None
    await settle(pilot, app)


async def unlock(pilot: Any, app: CaseloadApp, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase and press Enter; wait until the store opened (or failed)."""
    box = app.screen.query_one("#passphrase", Input)
    box.value = passphrase
    box.focus()
    await pilot.press("enter")
    await settle(pilot, app)


async def keys(pilot: Any, app: App[Any], *pressed: str) -> None:
    """Press keys one at a time, letting the app settle (workers, messages) after each."""
    for key in pressed:
        await pilot.press(key)
        await settle(pilot, app)


async def open_first_case(pilot: Any, app: App[Any]) -> None:
    """Cases (2), then open the first case (enter)."""
    await keys(pilot, app, "2", "enter")


def segments(app: App[Any]) -> list[Segment]:
    """The segments the terminal would receive for the whole screen (modals over their background)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console = Console(width=app.size.width, height=app.size.height, force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    return [s for s in console.render(update) if not s.control]


def screen_text(app: App[Any]) -> str:
    """The visible text of the screen."""
    return "".join(s.text for s in segments(app))


def control_chars(app: App[Any]) -> set[str]:
    """Control characters inside text segments (newlines between lines excluded)."""
    bad: set[str] = set()
    for s in segments(app):
        for ch in s.text:
            o = ord(ch)
            if ch != "\n" and (o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F):
                bad.add(ch)
    return bad


def click_actions(app: App[Any]) -> set[str]:
    """Markup actions (``@click`` meta) attached to text on screen."""
    found: set[str] = set()
    for s in segments(app):
        if s.style is not None and s.style._meta:
            meta = s.style.meta
            action = meta.get("@click")
            if action:
                found.add(str(action))
    return found
