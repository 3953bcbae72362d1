"""Helpers for the Pilot tests of the editing modals: a temp store with one fictional victim case, the real
app around it, pushing a modal and collecting what it dismisses with, and "nothing was written" snapshots."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.widgets import Input, Static

from caseload.app import CaseloadApp, make_app
from caseload.config import Config
from caseload.domain.enums import Role
from caseload.domain.forms import ReferralForm
from caseload.store.store import Store
from tests.app.tui import SIZE, screen_text, settle
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.casework_helpers import referral_form, snapshot

TODAY = date(2026, 12, 21)

__all__ = ["TODAY", "ModalRun", "new_store", "run_modal", "screen_text", "settle", "snapshot"]


def new_store(store_dir: Path, form: ReferralForm | None = None) -> tuple[Store, str]:
    """An IDVA's store ("A. Worker") with one victim case from a referral; returns the store and case id."""
    store = Store.create(store_dir, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    case = store.create_victim_case(form or referral_form())
    return store, case.case.id


class ModalRun:
    """The app with the modal pushed; ``results`` collects what the modal dismissed with."""

    def __init__(self, app: CaseloadApp, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot
        self.results: list[Any] = []

    @property
    def store(self) -> Store:
        """The app's open store."""
        assert self.app.store is not None
        return self.app.store

    @property
    def modal(self) -> Screen[Any]:
        """The screen on top."""
        return self.app.screen

    async def settle(self) -> None:
        """Wait for workers and their messages."""
        await settle(self.pilot, self.app)

    async def press(self, *keys: str) -> None:
        """Press keys, then settle."""
        await self.pilot.press(*keys)
        await self.settle()

    async def type_into(self, selector: str, text: str) -> None:
        """Focus an input and type ``text`` into it (replacing what was there)."""
        box = self.modal.query_one(selector, Input)
        box.focus()
        box.value = ""
        await self.pilot.pause()
        await self.pilot.press(*text)
        await self.settle()

    async def fill(self, selector: str, text: str) -> None:
        """Put ``text`` into an input at once (typing long text key by key is slow under Pilot)."""
        box = self.modal.query_one(selector, Input)
        box.focus()
        box.value = text
        await self.settle()

    def text(self) -> str:
        """What the terminal shows."""
        return screen_text(self.app)

    def shown(self, selector: str) -> str:
        """The plain text a Static on the modal shows (a long line wraps on screen; this does not)."""
        return str(self.modal.query_one(selector, Static).render())

    def message(self) -> str:
        """The modal's message line."""
        return str(getattr(self.modal, "message", ""))

    @property
    def dismissed(self) -> bool:
        """True once the modal dismissed (with anything, None included)."""
        return bool(self.results)


@asynccontextmanager
async def run_modal(store: Store, modal: Screen[Any], today: date = TODAY) -> AsyncIterator[ModalRun]:
    """Run the real app on ``store`` (already unlocked), push ``modal`` and yield the run. The app locks the
    store on the way out, so read back what was stored inside the block."""
    app = make_app(Config(store_dir=store.store_dir), store=store, today=lambda: today)
    async with app.run_test(size=SIZE) as pilot:
        run = ModalRun(app, pilot)
        await run.settle()
        app.push_screen(modal, callback=run.results.append)
        await run.settle()
        yield run
