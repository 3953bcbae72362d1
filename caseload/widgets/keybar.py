"""The footer: the screen's keys on one line, drawn as a single Text.

Textual's ``Footer`` builds a widget per key and rebuilds them all whenever bindings change; on a case view
with twenty keys that cost more than the case's data (a quarter of a second of CPU per case opened). This bar
shows the same bindings (``show=True``, not hidden by ``check_action``; greyed when disabled), in the same
order, with the command-palette key at the end, and redraws one line.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from caseload.widgets.frame import same_frame


class KeyBar(Static):
    """One line of key hints, kept in step with the screen's active bindings."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    def on_mount(self) -> None:
        """Follow the screen's binding changes."""
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        """Stop following."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    _shown: Text | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Redraw from the active bindings (only when the keys changed; one line, so no layout)."""
        if self.is_attached and screen is self.screen:
            text = self.render_keys()
            if text != self._shown:
                self._shown = text
                self.update(text, layout=False)

    def redraw_now(self) -> None:
        """Redraw in the frame being made (the bindings signal comes only after the screen's next idle, one
        frame late: a screen that just changed what its keys do calls this)."""
        self.bindings_changed(self.screen)
        same_frame(self)

    def render_keys(self) -> Text:
        """The key hints as Text (descriptions are our own labels, never user data)."""
        text = Text()
        seen: set[str] = set()
        active = self.screen.active_bindings
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            text.append(f" {self.app.get_key_display(binding)} ", style="bold" if enabled else "dim")
            text.append(f"{binding.description} ", style="" if enabled else "dim")
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            text.append(f"  {self.app.get_key_display(palette.binding)} ", style="bold")
            text.append("commands")
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text
