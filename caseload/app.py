"""CaseloadApp: unlock flow, lock, quick exit, idle lock, privacy mode, navigation and the command palette.

Built by :func:`make_app` for the CLI and the tests. Screens get the store through their constructors and call
it from thread workers; this class owns the store's lifetime (open → lock) and the safety behaviours that
must work from every screen and modal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rich.segment import Segments
from rich.text import Text
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from caseload.clock import now_utc, today_local
from caseload.collect import QuietCollector
from caseload.config import Config
from caseload.domain.enums import Role
from caseload.idle import Clocks, IdleWatch, SystemClocks
from caseload.screens.case_tabs import CaseContext
from caseload.screens.case_view import CaseScreen, read_case
from caseload.screens.lock import BlankScreen
from caseload.screens.unlock import UnlockScreen
from caseload.store.errors import DatabaseDamaged, StoreError
from caseload.store.store import Store

IDLE_TICK_S = 1.0
BUILD_CASE_VIEW_AFTER_S = 0.5
BUILD_CASE_VIEW_QUIET_S = 0.3
PUSHED = frozenset({"export", "settings"})
"""Main screens shown on top of Today (they close back to it)."""
SUPERVISOR_ONLY = frozenset({"export", "review"})
WRONG_BEFORE_DELAY = 5
MAX_DELAY_S = 300.0


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """Where the user was when the app locked: rebuilt from the store after unlock (no screen survives)."""

    main: str = "today"
    case_id: str | None = None
    tab: str | None = None


class CaseloadApp(App[int]):
    """The terminal app. With no store it shows the unlock screen first."""

    TITLE = ""
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("f12", "quick_exit", "Exit", id="app.quick_exit", priority=True, tooltip="Blank now, then lock"),
        Binding("ctrl+l", "lock", "Lock", id="app.lock", priority=True, tooltip="Lock the store now"),
        Binding("f9", "privacy(True)", "Privacy", id="app.privacy_on", priority=True,
                tooltip="Hide every identifying field on every screen"),
        Binding("f9", "privacy(False)", "PRIVACY ON", id="app.privacy_off", priority=True,
                tooltip="Identifying fields are hidden; press to show them again"),
        Binding("f1", "help", "Help", id="app.help", tooltip="Keys for this screen"),
        Binding("question_mark", "help", "Help", id="app.help_q", show=False),
        Binding("1", "go('today')", "Today", id="app.today", tooltip="Due and overdue work"),
        Binding("2", "go('cases')", "Cases", id="app.cases", tooltip="Every case you may see"),
        Binding("3", "go('review')", "Review", id="app.review", tooltip="Caseload review per worker (supervisors)"),
        Binding("4", "go('export')", "Export", id="app.export", tooltip="Anonymised partnership summary (supervisors)"),
        Binding("ctrl+z", "suspend_lock", show=False, id="app.suspend", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    privacy: reactive[bool] = reactive(False)
    """Privacy mode: every level-3 field is masked on every screen."""

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        *,
        clocks: Clocks | None = None,
        today: Callable[[], date] = today_local,
        now: Callable[[], datetime] = now_utc,
        idle_tick_s: float = IDLE_TICK_S,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.today = today
        self.now = now
        self.clocks: Clocks = clocks or SystemClocks()
        self.idle = IdleWatch(config.idle_lock_minutes * 60.0, self.clocks)
        self._idle_tick_s = idle_tick_s
        self._escapes: list[float] = []
        self._last_input_event: events.Event | None = None
        self.resume = ResumePoint()
        self.wrong_passphrases = 0
        self.retry_after = 0.0
        self.lock_reason = ""
        self.lock_notice = ""
        self.data_revision = 0
        self._case_screen: CaseScreen | None = None
        self.collector = QuietCollector()
        self._prefetched: CaseloadApp.CaseReadAhead | None = None

    # --- start, unlock, lock ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Apply key remaps, start the idle watch, open on Today if unlocked, else the unlock screen."""
        self.title = ""
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self.collector.start()
        self.set_interval(self._idle_tick_s, self.check_idle, name="idle-lock")
        self.app_suspend_signal.subscribe(self, self._on_suspend_signal)
        if self.store is not None and self.store.is_open:
            self._enter(self.store)
        else:
            self.push_screen(UnlockScreen(self.config))

    @on(UnlockScreen.Unlocked)
    def _unlocked(self, message: UnlockScreen.Unlocked) -> None:
        self.wrong_passphrases = 0
        self.retry_after = 0.0
        self._enter(message.store)

    @on(UnlockScreen.Failed)
    def _unlock_failed(self, message: UnlockScreen.Failed) -> None:
        if message.wrong_passphrase:
            self.wrong_passphrases += 1
            over = self.wrong_passphrases - WRONG_BEFORE_DELAY
            if over >= 0:
                self.retry_after = time.monotonic() + min(2.0**over, MAX_DELAY_S)

    def unlock_delay(self) -> float:
        """Seconds to wait before the next passphrase attempt (0 when none)."""
        return max(0.0, self.retry_after - time.monotonic())

    def _enter(self, store: Store) -> None:
        """The store is open: show where the user was (Today by default)."""
        self.store = store
        self.lock_notice = ""
        self.idle.reset()
        self._verify_pages(store)
        self.set_timer(BUILD_CASE_VIEW_AFTER_S, self._build_case_view, name="build-case-view")
        point, self.resume = self.resume, ResumePoint()
        first = "today" if point.main in PUSHED else point.main
        if len(self.screen_stack) > 1:
            self.switch_screen(self.main_screen(first))
        else:
            self.push_screen(self.main_screen(first))
        if point.main in PUSHED and self.check_action("go", (point.main,)):
            self.push_screen(self.main_screen(point.main))
        if point.case_id is not None:
            self.open_case(point.case_id, point.tab)

    def open_case(self, case_id: str, tab: str | None = None) -> None:
        """Show a case. One case view is built once and reused (building eight tabs costs more than the
        case's data); the lock throws it away with everything it showed. A case read ahead (the cursor
        rested on it: :meth:`prefetch_case`) is used instead of reading it again."""
        if self.store is None:
            return
        ready = self._take_prefetched(case_id)
        with self.batch_update():
            if self._case_screen is None:
                self._case_screen = CaseScreen(self.store, case_id, tab, ready=ready)
                self.install_screen(self._case_screen, name="case")
            elif self._case_screen in self.screen_stack:
                return
            else:  # the reused view pushes itself once the case is drawn: one screen change, no blank frame
                self._case_screen.show_case(self.store, case_id, tab, push=True, ready=ready)
                return
            self.push_screen("case")

    def _build_case_view(self) -> None:
        """Build the (empty) case view ahead, off screen, once the user has been quiet for a moment: the
        first case opened is then as quick as the next (building eight tabs costs ~70 ms of CPU)."""
        if self.store is None or self.locked or self._case_screen is not None:
            return
        if self.idle.idle_for() < BUILD_CASE_VIEW_QUIET_S:
            self.set_timer(BUILD_CASE_VIEW_AFTER_S, self._build_case_view, name="build-case-view")
            return
        screen = CaseScreen(self.store, "")
        self._case_screen = screen
        self.install_screen(screen, name="case")
        self._load_screen_css(screen)
        self._get_screen(screen)  # mounts its widgets now; it is shown (and given a case) by open_case

    # --- reading ahead the case under the cursor ---------------------------------------------------------

    class CaseReadAhead(Message):
        """A case was read ahead."""

        def __init__(self, case_id: str, revision: int, on: date, ctx: CaseContext) -> None:
            super().__init__()
            self.case_id = case_id
            self.revision = revision
            self.on = on
            self.ctx = ctx

    def prefetch_case(self, case_id: str) -> None:
        """Read a case ahead because the cursor rests on it, so opening it only has to draw it (and audit the
        view). Nothing is shown or audited here; the copy is dropped on any write, on a new day, when another
        case is read ahead and on lock."""
        if self.store is None or self.locked or self._case_screen_showing():
            return
        kept = self._prefetched
        if kept is not None and kept.case_id == case_id and self._fresh(kept):
            return
        self._prefetched = None
        self._read_ahead(self.store, case_id, self.data_revision, self.today())

    def _case_screen_showing(self) -> bool:
        return self._case_screen is not None and self._case_screen in self.screen_stack

    def _fresh(self, kept: CaseReadAhead) -> bool:
        return kept.revision == self.data_revision and kept.on == self.today()

    @work(thread=True, exclusive=True, group="case-read-ahead", exit_on_error=False)
    def _read_ahead(self, store: Store, case_id: str, revision: int, on: date) -> None:
        try:
            ctx = read_case(store, case_id, on)
        except StoreError:  # locked meanwhile, or the case is unreadable: opening it will say so
            return
        if ctx is not None:
            self.post_message(self.CaseReadAhead(case_id, revision, on, ctx))

    @on(CaseReadAhead)
    def _case_read_ahead(self, message: CaseReadAhead) -> None:
        if not self.locked and self._fresh(message):
            self._prefetched = message

    def _take_prefetched(self, case_id: str) -> CaseContext | None:
        kept, self._prefetched = self._prefetched, None
        if kept is None or kept.case_id != case_id or not self._fresh(kept):
            return None
        return kept.ctx

    def bump_revision(self) -> None:
        """Something was written: lists reload when they are shown again; a case read ahead is dropped."""
        self.data_revision += 1
        self._prefetched = None

    class PagesDamaged(Message):
        """The background page check found damage; ``text`` is safe to show."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @work(thread=True, exclusive=True, group="verify-pages", exit_on_error=False)
    def _verify_pages(self, store: Store) -> None:
        """Check every page's HMAC in the background after unlock (a full check at open costs ~1 s at
        10,000 cases); damage locks the app and says which page."""
        try:
            store.verify_pages()
        except DatabaseDamaged as exc:
            self.post_message(self.PagesDamaged(str(exc)))
        except StoreError:
            return

    @on(PagesDamaged)
    def _pages_damaged(self, message: PagesDamaged) -> None:
        if not self.locked:
            self.action_lock("damaged")
        self.lock_notice = message.text
        if isinstance(self.screen, UnlockScreen):
            self.screen.query_one("#unlock-message", Static).update(Text(message.text))

    def main_screen(self, name: str) -> Screen[Any]:
        """A fresh main screen by name."""
        from caseload.screens.case_list import CaseListScreen
        from caseload.screens.today import TodayScreen

        assert self.store is not None
        if name == "cases":
            return CaseListScreen(self.store)
        if name == "export":
            from caseload.screens.export import ExportScreen

            return ExportScreen(self.store, self.config)
        if name == "review":
            from caseload.screens.review import ReviewScreen

            return ReviewScreen(self.store)
        if name == "settings":
            from caseload.screens.settings import SettingsScreen

            return SettingsScreen(self.store, self.config)
        return TodayScreen(self.store)

    def action_go(self, where: str) -> None:
        """Go to a main screen (Today, Cases; Export on top of Today), closing any case view on top."""
        if self.store is None:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if where in PUSHED:
            self.switch_screen(self.main_screen("today"))
            self.push_screen(self.main_screen(where))
        else:
            self.switch_screen(self.main_screen(where))

    def _resume_point(self) -> ResumePoint:
        main, case_id, tab = "today", None, None
        for screen in self.screen_stack:
            point = getattr(screen, "resume_point", None)
            if callable(point):
                kind, value = point()
                if kind == "main":
                    main = value
                elif kind == "case":
                    case_id, tab = value
        return ResumePoint(main, case_id, tab)

    def action_lock(self, reason: str = "") -> None:
        """Close the store, drop the key, clear every screen, show the neutral unlock screen."""
        if self.store is not None:
            self.resume = self._resume_point()
        self.lock_reason = reason
        self.workers.cancel_all()
        self._prefetched = None
        store, self.store = self.store, None
        if store is not None:
            store.lock()
        self.clear_notifications()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self._case_screen is not None:
            case_screen, self._case_screen = self._case_screen, None
            case_screen.wipe()
            self.uninstall_screen("case")
            case_screen.remove()
        self.push_screen(UnlockScreen(self.config))

    @property
    def locked(self) -> bool:
        """True when no store is open."""
        return self.store is None or not self.store.is_open

    def action_quick_exit(self) -> None:
        """Blank the screen in this frame, then lock."""
        if isinstance(self.screen, UnlockScreen):
            return
        self.push_screen(BlankScreen())
        self.refresh()
        self.call_after_refresh(self.action_lock, "quick exit")

    def action_suspend_lock(self) -> None:
        """Ctrl+Z: lock first, then suspend the process."""
        if not self.locked:
            self.action_lock("suspend")
        self.call_after_refresh(self.action_suspend_process)

    def _on_suspend_signal(self, _app: App[Any]) -> None:
        if not self.locked:
            self.action_lock("suspend")

    def check_idle(self) -> None:
        """Lock after the idle limit or a detected suspend (called every second by a timer)."""
        verdict = self.idle.check()
        if verdict is not None and not self.locked:
            self.action_lock(verdict)
        else:
            self.collector.tick(self.idle.idle_for())

    async def on_event(self, event: events.Event) -> None:
        """Every key or mouse press counts as activity; Esc presses are counted for quick exit wherever
        they land (modals bind Esc themselves, so a binding here would never see them)."""
        # A key event comes here first from the driver and again when it bubbles back up from the focused
        # widget: count each press once.
        user_input = events.Key | events.MouseDown | events.MouseScrollUp | events.MouseScrollDown
        if isinstance(event, user_input) and event is not self._last_input_event:
            self._last_input_event = event
            self.idle.touch()
            if isinstance(event, events.Key) and event.key == "escape":
                self._count_escape()
        await super().on_event(event)

    def _count_escape(self) -> None:
        now = time.monotonic()
        window = self.config.quick_exit_window_s
        self._escapes = [t for t in self._escapes if now - t <= window] + [now]
        if len(self._escapes) >= self.config.quick_exit_presses:
            self._escapes.clear()
            self.action_quick_exit()

    # --- privacy, help, palette -------------------------------------------------------------------------

    def action_privacy(self, on: bool) -> None:
        """Privacy mode on or off."""
        self.privacy = on

    def watch_privacy(self, _value: bool) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show the privacy binding that applies; navigation only when unlocked."""
        if action == "privacy":
            return bool(parameters and parameters[0]) != self.privacy
        if action in ("go", "help", "lock") and self.locked:
            return False
        if action == "go" and parameters and parameters[0] in SUPERVISOR_ONLY:
            return self.store is not None and self.store.role is Role.SUPERVISOR
        return True

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from caseload.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action as "Area: Action"; Textual's own minus the screenshot (it writes a plaintext file)."""
        if not self.locked:
            yield SystemCommand("Go: Today", "Due and overdue work", lambda: self.action_go("today"))
            yield SystemCommand("Go: Cases", "Every case you may see", lambda: self.action_go("cases"))
            yield SystemCommand("Settings: Passphrase, users, backup, retention", "Store administration",
                                lambda: self.action_go("settings"))
            if self.check_action("go", ("review",)):
                yield SystemCommand("Review: Caseload review", "Figures per worker, drill down, approve closures",
                                    lambda: self.action_go("review"))
            if self.check_action("go", ("export",)):
                yield SystemCommand("Export: Partnership summary", "Anonymised summary for a partnership meeting",
                                    lambda: self.action_go("export"))
            yield SystemCommand("App: Lock", "Lock the store now", self.action_lock)
            yield SystemCommand("App: Quick exit", "Blank the screen and lock", self.action_quick_exit)
            label = "App: Privacy mode off" if self.privacy else "App: Privacy mode on"
            yield SystemCommand(label, "Hide or show identifying fields", lambda: self.action_privacy(not self.privacy))
            yield SystemCommand("App: Help", "Keys for this screen", self.action_help)
            commands = getattr(screen, "palette_commands", None)
            if callable(commands):
                for title, help_text, callback in commands():
                    yield SystemCommand(title, help_text, callback)
        for command in super().get_system_commands(screen):
            title = command.title.lower()
            if "screenshot" in title or title.startswith("quit"):
                continue
            yield SystemCommand(f"App: {command.title}", command.help, command.callback)
        yield SystemCommand("App: Quit", "Lock and leave caseload", self.exit)

    # --- errors ----------------------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker.error)

    def worker_failed(self, error: BaseException) -> None:
        """The one place a failed worker is reported: a notification with no case data, never a crash."""
        if not self.locked:
            self.notify(_safe_error(error), severity="error", markup=False)

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception without printing locals or values (they may hold case data).
        ``CASELOAD_DEBUG=1`` shows Textual's full traceback instead (for developers, on synthetic data)."""
        if os.environ.get("CASELOAD_DEBUG") == "1":
            super()._fatal_error()
            return
        self.bell()
        message = Text("caseload stopped after an internal error; nothing was half-written.")
        self._exit_renderables.append(Segments(self.console.render(message, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        """Lock on the way out; the garbage collector as it was."""
        if self.store is not None:
            self.store.lock()
            self.store = None
        self.collector.stop()


def _safe_error(error: BaseException) -> str:
    from caseload.store.errors import StoreError

    if isinstance(error, StoreError):
        return str(error)
    return f"That did not work ({type(error).__name__}); nothing was changed."


def make_app(
    config: Config,
    store: Store | None = None,
    *,
    clocks: Clocks | None = None,
    today: Callable[[], date] | None = None,
    now: Callable[[], datetime] | None = None,
) -> CaseloadApp:
    """The one factory used by the CLI and the tests (``today`` / ``now`` injectable: frozen in tests)."""
    return CaseloadApp(config=config, store=store, clocks=clocks, today=today or today_local, now=now or now_utc)
