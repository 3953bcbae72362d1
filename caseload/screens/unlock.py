"""Unlock: user and passphrase. Neutral: no app name, no counts, nothing about the store's contents."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from caseload.config import Config
from caseload.screens.base import CaseloadScreen
from caseload.store.errors import StoreError, WrongPassphrase
from caseload.store.store import Store


class UnlockScreen(CaseloadScreen[None]):
    """One neutral line, a user field and a passphrase field."""

    CSS_PATH = "unlock.tcss"
    AUTO_FOCUS = "#passphrase"
    """Keys typed while the app starts go to the passphrase (Textual's default would focus the user field
    first, before on_mount moves focus: a passphrase typed quickly landed in the user field, visible)."""

    class Unlocked(Message):
        """The store opened."""

        def __init__(self, store: Store) -> None:
            super().__init__()
            self.store = store

    class Failed(Message):
        """The store did not open; ``text`` is safe to show."""

        def __init__(self, text: str, wrong_passphrase: bool = False) -> None:
            super().__init__()
            self.text = text
            self.wrong_passphrase = wrong_passphrase

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.busy = False

    def compose(self) -> ComposeResult:
        """One neutral line and two fields."""
        with Vertical(id="unlock-box"):
            yield Static("Locked — enter passphrase", id="unlock-title")
            yield Input(value=self.config.user or "", placeholder="user (optional)", id="user")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="unlock-message")

    def on_mount(self) -> None:
        """Focus the passphrase; say why the store was locked if it was locked because of damage."""
        for box in self.query("#passphrase").results(Input):
            box.focus()
        notice = str(getattr(self.app, "lock_notice", ""))
        if notice:
            self._say(notice)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if event.input.id == "user":
            self.query_one("#passphrase", Input).focus()
            return
        if self.busy:
            return
        wait = self._delay()
        if wait > 0:
            self._say(f"Too many wrong passphrases. Wait {wait:.0f} s before trying again.")
            return
        passphrase = self.query_one("#passphrase", Input).value
        user = self.query_one("#user", Input).value.strip() or None
        self.busy = True
        self._say("Opening…")
        self._open(user, passphrase)

    def _delay(self) -> float:
        delay: Any = getattr(self.app, "unlock_delay", None)
        return float(delay()) if callable(delay) else 0.0

    def _say(self, text: str) -> None:
        for message in self.query("#unlock-message").results(Static):
            message.update(Text(text))

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _open(self, user: str | None, passphrase: str) -> None:
        try:
            store = Store.open(self.config.store_dir, passphrase, user, verify=False)
        except WrongPassphrase as exc:
            self.post_message(self.Failed(str(exc), wrong_passphrase=True))
            return
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Unlocked(store))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.busy = False
        self._say(message.text)
        box = self.query_one("#passphrase", Input)
        box.value = ""
        box.focus()
