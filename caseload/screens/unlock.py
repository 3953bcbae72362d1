"""Unlock: user and passphrase. Shows nothing about the store before it opens."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from caseload.config import Config
from caseload.store.errors import StoreError
from caseload.store.store import Store


class UnlockScreen(Screen[None]):
    """Neutral unlock screen: one line, a user field and a passphrase field."""

    CSS_PATH = "unlock.tcss"

    class Unlocked(Message):
        """The store opened."""

        def __init__(self, store: Store) -> None:
            super().__init__()
            self.store = store

    class Failed(Message):
        """The store did not open; ``text`` is safe to show."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        """One neutral line and two fields."""
        with Vertical(id="unlock-box"):
            yield Static("Locked — enter passphrase", id="unlock-title")
            yield Input(value=self.config.user or "", placeholder="user (optional)", id="user")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="unlock-message")

    def on_mount(self) -> None:
        """Focus the passphrase."""
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        passphrase = self.query_one("#passphrase", Input).value
        user = self.query_one("#user", Input).value.strip() or None
        if event.input.id == "user":
            self.query_one("#passphrase", Input).focus()
            return
        self.query_one("#unlock-message", Static).update("Opening…")
        self._open(user, passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def _open(self, user: str | None, passphrase: str) -> None:
        try:
            store = Store.open(self.config.store_dir, passphrase, user)
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Unlocked(store))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        from rich.text import Text

        self.query_one("#unlock-message", Static).update(Text(message.text))
        box = self.query_one("#passphrase", Input)
        box.value = ""
        box.focus()
