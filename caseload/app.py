"""CaseloadApp: unlock flow, lock, quick exit, palette. Built by :func:`make_app` for the CLI and tests."""

from __future__ import annotations

import time
from collections.abc import Iterable

from rich.segment import Segments
from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from caseload.config import Config
from caseload.screens.case_list import CaseListScreen
from caseload.screens.lock import BlankScreen
from caseload.screens.unlock import UnlockScreen
from caseload.store.store import Store


class CaseloadApp(App[int]):
    """The terminal app. With no store it shows the unlock screen first."""

    TITLE = ""
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding(
            "f12", "quick_exit", "Exit", id="app.quick_exit", priority=True, tooltip="Blank now, then lock"
        ),
        Binding("ctrl+l", "lock", "Lock", id="app.lock", priority=True),
        Binding("escape", "escape_press", show=False, id="app.escape", priority=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, config: Config, store: Store | None = None) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self._escapes: list[float] = []

    def on_mount(self) -> None:
        """Start on the case list if unlocked, else the unlock screen."""
        self.title = ""
        if self.store is not None and self.store.is_open:
            self.push_screen(CaseListScreen(self.store))
        else:
            self.push_screen(UnlockScreen(self.config))

    @on(UnlockScreen.Unlocked)
    def _unlocked(self, message: UnlockScreen.Unlocked) -> None:
        self.store = message.store
        self.switch_screen(CaseListScreen(message.store))

    def action_lock(self) -> None:
        """Close the store, drop the key, show the neutral unlock screen."""
        if self.store is not None:
            self.store.lock()
            self.store = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(UnlockScreen(self.config))

    def action_quick_exit(self) -> None:
        """Blank the screen in this frame, then lock."""
        self.push_screen(BlankScreen())
        self.refresh()
        self.call_after_refresh(self.action_lock)

    def action_escape_press(self) -> None:
        """Esc pressed N times within the window → quick exit."""
        now = time.monotonic()
        window = self.config.quick_exit_window_s
        self._escapes = [t for t in self._escapes if now - t <= window] + [now]
        if len(self._escapes) >= self.config.quick_exit_presses:
            self._escapes.clear()
            self.action_quick_exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """System commands minus the screenshot (it writes the screen to a plaintext file)."""
        for command in super().get_system_commands(screen):
            if "screenshot" not in command.title.lower():
                yield command

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(_safe_error(event.worker.error), severity="error", markup=False)

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception without printing locals or values (they may hold case data)."""
        self.bell()
        message = Text("caseload stopped after an internal error; nothing was half-written.")
        self._exit_renderables.append(Segments(self.console.render(message, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        """Lock on the way out."""
        if self.store is not None:
            self.store.lock()
            self.store = None


def _safe_error(error: BaseException) -> str:
    from caseload.store.errors import StoreError

    if isinstance(error, StoreError):
        return str(error)
    return f"That did not work ({type(error).__name__}); nothing was changed."


def make_app(config: Config, store: Store | None = None) -> CaseloadApp:
    """The one factory used by the CLI and the tests."""
    return CaseloadApp(config=config, store=store)
