"""Help: the keys of the screen underneath, and the keys that work everywhere."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

EVERYWHERE = (
    ("f12 / esc esc esc", "Quick exit: blank the screen now, then lock"),
    ("ctrl+l", "Lock"),
    ("f9", "Privacy mode on / off (hides every identifying field)"),
    ("ctrl+p", "Command palette: every action as \"Area: Action\""),
    ("1 / 2 / 3 / 4", "Today / Cases / Review and Export (supervisors)"),
    ("f1 or ?", "This help"),
)


class HelpScreen(ModalScreen[None]):
    """A modal listing bindings: the screen's own first, then the ones that work everywhere."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("f1", "close", "Close", id="help.close_f1", show=False),
        Binding("q", "close", "Close", id="help.close_q", show=False),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    @classmethod
    def for_screen(cls, screen: Screen[object]) -> HelpScreen:
        """Help for ``screen``: its active bindings (key, description, tooltip)."""
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _key, active in screen.active_bindings.items():
            b = active.binding
            if b.id is None or b.id.startswith("app.") or not (b.description or b.tooltip):
                continue
            if b.id in seen:
                continue
            seen.add(b.id)
            rows.append((screen.app.get_key_display(b), b.tooltip or b.description))
        name = type(screen).__name__.removesuffix("Screen") or "Screen"
        return cls(name, rows)

    def compose(self) -> ComposeResult:
        """Two tables of keys."""
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row(Text(f"On this screen ({self.title_text})", style="underline"), "")
        for key, what in self.rows:
            table.add_row(Text(key), Text(what))
        table.add_row("", "")
        table.add_row(Text("Everywhere", style="underline"), "")
        for key, what in EVERYWHERE:
            table.add_row(Text(key), Text(what))
        with VerticalScroll(id="help-box"):
            yield Static(table)
            yield Static(Text("esc close"), id="help-foot")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
