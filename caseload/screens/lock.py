"""The blank screen shown by quick exit: nothing on it at all."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class BlankScreen(Screen[None]):
    """An empty screen."""

    DEFAULT_CSS = "BlankScreen { background: black; }"

    def compose(self) -> ComposeResult:
        """Nothing but an empty widget."""
        yield Static("")
