"""Case view: one case in tabs — summary, risk, safety plan, contacts, updates, orders & CJS, links, audit.

Read-only. Opening a case is audited ("case.viewed"); revealing the masked safe-contact details is audited
("field.revealed", field names only). Tabs fill the first time they are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline, Static, TabbedContent, TabPane

from caseload.domain.due import case_due_items, rank
from caseload.domain.enums import CaseKind, Role
from caseload.domain.marac import evaluate
from caseload.domain.model import Case
from caseload.screens import case_tabs as tabs
from caseload.screens import drive_tabs
from caseload.screens.case_edit import EDIT_ACTIONS, CaseEditingScreen
from caseload.store.store import Store
from caseload.widgets.frame import SettledPane, SettledStatic, same_frame, underline_now
from caseload.widgets.keybar import KeyBar
from caseload.widgets.table import Table

TABS = (
    ("summary", "Summary"),
    ("risk", "Risk"),
    ("plan", "Safety plan"),
    ("contacts", "Contacts"),
    ("updates", "Updates"),
    ("orders", "Orders & CJS"),
    ("links", "Links"),
    ("audit", "Audit"),
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "risk": ("Assessed", "Score", "Level", "Judgement", "Assessor", ""),
    "plan": ("Category", "Risk", "Action", "Who", "By", "Status"),
    "contacts": ("When", "Kind", "Channel", "Outcome", "Min", "Worker", "Note"),
    "updates": ("Event", "On", "Who tells", "Due", "Told", "State"),
    "orders": ("Order", "Start", "End", "State", "Conditions", "Breaches"),
    "milestones": ("Date", "Milestone", "Outcome", "Detail"),
    "links": ("Case", "Type", "Risk", "Worker", "Relationship"),
    "audit": ("#", "When (UTC)", "Who", "Event", "Detail"),
}
DRIVE_TAB_TITLES = {"risk": "Risk & RFG", "plan": "Intervention plan", "updates": "Shared with IDVAs",
                    "links": "Victims"}
REVEAL_SECONDS = 120.0
PUSH_WAIT_S = 0.3
"""How long a reused case view waits for its case before it shows "Loading case…"."""
REVEALED_FIELDS = ("address", "phone", "email", "safe_numbers", "safe_times", "code_word", "who_must_not_know")


def read_case(store: Store, case_id: str, on: date) -> tabs.CaseContext | None:
    """Everything the case view shows but the audit trail, read in one go; nothing is written (a case read
    ahead is not viewed until it is shown: see :func:`viewed`)."""
    cf = store.casefile(case_id)
    if cf is None:
        return None
    workers = {u.id: u.name for u in store.users()}
    linked: list[tabs.LinkedCase] = []
    for link in cf.links:
        other_id = link.victim_case_id if cf.case.kind is CaseKind.PERPETRATOR else link.perpetrator_case_id
        other = store.get(Case, other_id) if other_id else None
        if other is None:
            linked.append(tabs.LinkedCase("", CaseKind.VICTIM, cf.case.risk_level, "", link.kind.value, True))
            continue
        linked.append(tabs.LinkedCase(other.reference, other.kind, other.risk_level,
                                      workers.get(other.worker_id, ""), link.kind.value))
    due = case_due_items(cf, on)
    rank(due)
    marac = evaluate(cf, on) if cf.case.kind is CaseKind.VICTIM else ()
    drive = None
    if cf.case.kind is CaseKind.PERPETRATOR:
        drive = drive_tabs.DriveContext(cf, on, store.linked_victims(case_id), workers)
    return tabs.CaseContext(cf, on, store.role, workers, tuple(linked), (), tuple(due), marac, drive=drive)


def viewed(store: Store, ctx: tabs.CaseContext) -> tabs.CaseContext:
    """Audit the view ("case.viewed") and add the audit trail (which then includes this view)."""
    case_id = ctx.casefile.case.id
    store.audit_event("case.viewed", case_id)
    return replace(ctx, audit=tuple(store.audit_entries(case_id, limit=300)))


def load_case(store: Store, case_id: str, on: date) -> tabs.CaseContext | None:
    """Everything the case view shows, read in one go (and the view audited)."""
    ctx = read_case(store, case_id, on)
    return None if ctx is None else viewed(store, ctx)


class CaseScreen(CaseEditingScreen):
    """One case, read-only, in tabs."""

    CSS_PATH = "case_view.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="case.back", tooltip="Back to the list"),
        Binding("left", "tab(-1)", "Prev tab", id="case.prev_tab", priority=True, show=False),
        Binding("right", "tab(1)", "Next tab", id="case.next_tab", priority=True, show=False),
        Binding("r", "reveal", "Reveal", id="case.reveal", tooltip="Show masked safe-contact details (audited)"),
        Binding("f5", "reload", "Reload", id="case.reload", show=False),
    ]

    class Loaded(Message):
        """The case arrived (None if it is gone or not visible to this user)."""

        def __init__(self, ctx: tabs.CaseContext | None) -> None:
            super().__init__()
            self.ctx = ctx

    class Revealed(Message):
        """The reveal was audited."""

    def __init__(self, store: Store, case_id: str, tab: str | None = None,
                 ready: tabs.CaseContext | None = None) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self._ready = ready
        """The case read ahead (not yet audited), used by the next load instead of reading it again."""
        self.first_tab = tab if tab in dict(TABS) else "summary"
        self.ctx: tabs.CaseContext | None = None
        self.revealed = False
        self._filled: set[str] = set()
        self._mounted: set[str] = set()
        self._opener: Screen[Any] | None = None
        """The screen this view was opened from, while it waits to push itself (see show_case)."""
        self._push_timer: Timer | None = None
        self._styled_at: int | None = None
        """The app's CSS count when this view's styles were last applied in full (see _on_screen_resume)."""

    def compose(self) -> ComposeResult:
        """Header line, empty tabs (each fills the first time it is shown), footer."""
        yield SettledStatic(Text("Loading case…"), id="case-header")
        with TabbedContent(initial=self.first_tab, id="case-tabs"):
            for key, title in TABS:
                yield SettledPane(title, id=key)
        yield KeyBar()

    @staticmethod
    def _pane(key: str) -> list[Widget]:
        """The widgets of one tab."""
        if key == "summary":
            return [VerticalScroll(SettledStatic(id="summary-text", classes="case-text"))]
        if key == "risk":
            return [SettledStatic(id="risk-caption", classes="case-text"), Sparkline([], id="risk-spark"),
                    Table(id="risk-table", cursor_type="row"), SettledStatic(id="marac-text", classes="case-text")]
        if key == "orders":
            return [Table(id="orders-table", cursor_type="row"),
                    Static(Text("Criminal-justice milestones", style="bold"), classes="caption"),
                    Table(id="milestones-table", cursor_type="row")]
        texts = ("plan", "contacts", "updates", "links")
        widgets: list[Widget] = [SettledStatic(id=f"{key}-text", classes="case-text")] if key in texts else []
        return [*widgets, Table(id=f"{key}-table", cursor_type="row")]

    async def _mount_pane(self, key: str) -> None:
        """Mount a tab's widgets on first use (a case view opens faster with one tab built, not eight)."""
        if key in self._mounted:
            return
        self._mounted.add(key)
        await self.query_one(f"#{key}", TabPane).mount_all(self._pane(key))

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown again: Textual re-applies the whole stylesheet to every widget of a screen it shows (11–30 ms
        for the case view's tabs, on every case opened). A reused case view's styles are already current —
        class changes while it was hidden were styled as they happened — unless the app's CSS changed since
        (a theme change bumps Textual's CSS count): re-apply only then. Textual runs each class's handler,
        this one first, so this only tells ``Screen._on_screen_resume`` whether to."""
        count = self.app._css_update_count
        if self._styled_at == count:
            event.refresh_styles = False
        elif event.refresh_styles:
            self._styled_at = count
        # Textual calls Screen._on_screen_resume after this one (handlers run down the class hierarchy).

    def on_mount(self) -> None:
        """Privacy watch, load (a view built ahead, with no case yet, loads nothing until show_case)."""
        self.watch(self.app, "privacy", self._privacy_changed, init=False)
        self._styled_at = self.app._css_update_count  # mounting styled every widget
        if self.case_id:
            self._load()

    def show_case(self, store: Store, case_id: str, tab: str | None = None, *, push: bool = False,
                  ready: tabs.CaseContext | None = None) -> None:
        """Reuse this (already built) view for another case: wipe what the last case put on screen first,
        then load. With ``push``, the view pushes itself once the case is drawn (or after PUSH_WAIT_S, showing
        "Loading case…"), so the screen changes once, straight to the case; it does not push if the screen it
        was opened from is no longer showing (the user moved on, locked or quick-exited). ``ready`` is the case
        read ahead (the app's prefetch): only the view's audit is then written and read."""
        self.store = store
        self.case_id = case_id
        self._ready = ready
        self.wipe()
        self.query_one(TabbedContent).active = tab if tab in dict(TABS) else "summary"
        if push:
            self._opener = self.app.screen
            if self._push_timer is not None:
                self._push_timer.stop()
            self._push_timer = self.set_timer(PUSH_WAIT_S, self._push_now, name="case-push")
        self._load()

    def _push_now(self) -> None:
        """Show this view if it was asked to and the screen it was opened from still shows."""
        opener, self._opener = self._opener, None
        if self._push_timer is not None:
            self._push_timer.stop()
            self._push_timer = None
        app = self.app
        if opener is None or app.screen is not opener or getattr(app, "_case_screen", None) is not self:
            return
        app.push_screen(self)

    def wipe(self) -> None:
        """Forget the case and blank every widget that showed it."""
        self.ctx = None
        self.revealed = False
        self._filled.clear()
        self.query_one("#case-header", Static).update(Text("Loading case…"))
        for table in self.query(DataTable):
            if table.row_count:  # an empty table has nothing to blank (and clearing costs a refresh)
                table.clear()
        for static in self.query(".case-text").results(Static):
            if static.content != "":
                static.update("")
        for spark in self.query(Sparkline):
            if spark.data:
                spark.data = []

    def _today(self) -> date:
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        return today()

    def _load(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None and ready.casefile.case.id != self.case_id:
            ready = None
        self._read(ready)

    @work(thread=True, exclusive=True, group="case", exit_on_error=False)
    def _read(self, ready: tabs.CaseContext | None) -> None:
        if ready is not None:
            self.post_message(self.Loaded(viewed(self.store, ready)))
        else:
            self.post_message(self.Loaded(load_case(self.store, self.case_id, self._today())))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        if message.ctx is None:
            self.notify("That case is not available.", severity="warning", markup=False)
            if self._opener is not None:  # never shown: stay where the user is
                self._opener = None
            elif self.app.screen is self:
                self.app.pop_screen()
            return
        with self.app.batch_update():  # one frame for the whole case, not one per widget
            self.ctx = message.ctx
            self._filled.clear()
            self._label_tabs(message.ctx.drive is not None)
            self._render_header()
            await self._fill(self.query_one(TabbedContent).active or "summary")
            self.refresh_bindings()
            self.query_one(KeyBar).redraw_now()  # the case's keys (reveal, editing) in the case's first frame
            same_frame(*self.query("#case-header, .case-text, DataTable"))  # drawn with it, not a frame later
            if self._opener is not None:
                self._push_now()

    def _render_header(self) -> None:
        if self.ctx is not None:
            self.query_one("#case-header", Static).update(tabs.header(self.ctx, self.privacy))

    def _privacy_changed(self, value: bool) -> None:
        if value:
            self.revealed = False
        self._filled.clear()
        self._render_header()
        self.call_later(self._fill, self.query_one(TabbedContent).active or "summary")

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            await self._fill(event.pane.id)

    async def _fill(self, key: str) -> None:
        """Fill one tab from the loaded case (once per load / privacy change)."""
        ctx = self.ctx
        if ctx is None or key in self._filled:
            return
        self._filled.add(key)
        await self._mount_pane(key)
        p = self.privacy
        if key == "summary":
            self.query_one("#summary-text", Static).update(tabs.summary(ctx, p, self.revealed))
        elif ctx.drive is not None and key in ("risk", "plan", "updates", "links"):
            self._fill_drive(key, ctx.drive, p)
        elif key == "risk":
            scores = tabs.risk_scores(ctx)
            plural = "" if len(scores) == 1 else "s"
            caption = f"DASH history · {len(scores)} assessment{plural}" + (" · score over time:" if scores else "")
            self.query_one("#risk-caption", Static).update(Text(caption))
            spark = self.query_one("#risk-spark", Sparkline)
            spark.data = scores
            spark.display = len(scores) > 1
            self._rows("risk", tabs.risk_rows(ctx))
            self.query_one("#marac-text", Static).update(tabs.marac_text(ctx))
        elif key == "plan":
            self.query_one("#plan-text", Static).update(tabs.plan_text(ctx))
            self._rows("plan", tabs.plan_rows(ctx, p))
        elif key == "contacts":
            self.query_one("#contacts-text", Static).update(tabs.contact_text(ctx))
            self._rows("contacts", tabs.contact_rows(ctx, p))
        elif key == "updates":
            self.query_one("#updates-text", Static).update("")
            self._rows("updates", tabs.update_rows(ctx))
        elif key == "orders":
            self._rows("orders", tabs.order_rows(ctx, p))
            self._rows("milestones", tabs.milestone_rows(ctx, p))
        elif key == "links":
            self.query_one("#links-text", Static).update("")
            self._rows("links", tabs.link_rows(ctx))
        elif key == "audit":
            self._rows("audit", tabs.audit_rows(ctx))

    def _label_tabs(self, drive: bool) -> None:
        """A Drive case's tabs say what they hold there (RFG, intervention plan, information shared)."""
        content = self.query_one(TabbedContent)
        for key, title in TABS:
            label = DRIVE_TAB_TITLES.get(key, title) if drive else title
            tab = content.get_tab(key)
            if tab.label_text != label:
                tab.label = Text(label)

    def _fill_drive(self, key: str, drive: drive_tabs.DriveContext, privacy: bool) -> None:
        """The Drive versions of the risk, plan, updates and links tabs."""
        if key == "risk":
            self.query_one("#risk-caption", Static).update(drive_tabs.rfg_text(drive))
            self.query_one("#risk-spark", Sparkline).display = False
            self._rows("risk", drive_tabs.behaviour_rows(drive), drive_tabs.behaviour_columns(drive))
            self.query_one("#marac-text", Static).update(drive_tabs.behaviour_text(drive))
        elif key == "plan":
            self.query_one("#plan-text", Static).update(drive_tabs.plan_text(drive, privacy))
            self._rows("plan", drive_tabs.plan_rows(drive, privacy), drive_tabs.PLAN_COLUMNS)
        elif key == "updates":
            self.query_one("#updates-text", Static).update(drive_tabs.shared_text(drive))
            self._rows("updates", drive_tabs.shared_rows(drive, privacy), drive_tabs.SHARED_COLUMNS)
        elif key == "links":
            self.query_one("#links-text", Static).update(drive_tabs.referral_text(drive, privacy))
            self._rows("links", drive_tabs.victim_rows(drive), drive_tabs.VICTIM_COLUMNS)

    def _rows(self, key: str, rows: list[tabs.Row], columns: tuple[str, ...] | None = None) -> None:
        """Fill a table; its columns are set (again) when they differ (a Drive case shows other columns)."""
        table = self.query_one(f"#{key}-table", DataTable)
        wanted = columns if columns is not None else COLUMNS[key]
        if tuple(str(c.label) for c in table.columns.values()) != tuple(wanted):
            table.clear(columns=True)
            for n, col in enumerate(wanted):
                table.add_column(col, key=str(n))
        else:
            table.clear()
        table.add_rows(rows)

    async def action_tab(self, step: int) -> None:
        """Previous / next tab (filled before it is shown: the switch and its content make one frame)."""
        content = self.query_one(TabbedContent)
        keys = [k for k, _ in TABS]
        current = keys.index(content.active) if content.active in keys else 0
        key = keys[(current + step) % len(keys)]
        with self.app.batch_update():
            await self._fill(key)
            content.active = key
            underline_now(content)

    def show_tab(self, key: str) -> None:
        """Switch to a tab by key."""
        content = self.query_one(TabbedContent)
        content.active = key
        underline_now(content)

    def action_back(self) -> None:
        """Back to where the case was opened from."""
        self.app.pop_screen()

    def action_reload(self) -> None:
        """Read the case again."""
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Reveal only where there is something masked, never for Drive; editing keys only where they apply."""
        if action == "reveal":
            return self.ctx is not None and self.ctx.role is not Role.DRIVE and not self.revealed
        if action in EDIT_ACTIONS:
            return self.editing_allowed(action)
        return True

    def action_reveal(self) -> None:
        """Reveal the masked details (address, phone, safe contact); audited before anything is shown."""
        if self.privacy:
            self.notify("Privacy mode is on: turn it off (F9) to reveal.", markup=False)
            return
        if self.ctx is None or self.revealed:
            return
        self._audit_reveal()

    @work(thread=True, exclusive=True, group="case-reveal", exit_on_error=False)
    def _audit_reveal(self) -> None:
        self.store.audit_event("field.revealed", self.case_id, fields=list(REVEALED_FIELDS))
        self.post_message(self.Revealed())

    @on(Revealed)
    async def _revealed(self, _message: Revealed) -> None:
        self.revealed = True
        self._filled.discard("summary")
        self.show_tab("summary")
        await self._fill("summary")
        self.refresh_bindings()
        self.set_timer(REVEAL_SECONDS, self._remask, name="remask")

    async def _remask(self) -> None:
        if self.revealed:
            self.revealed = False
            self._filled.discard("summary")
            await self._fill("summary")
            self.refresh_bindings()

    def resume_point(self) -> tuple[str, Any]:
        """Where to come back to after a lock: this case, this tab."""
        return ("case", (self.case_id, self.query_one(TabbedContent).active or "summary"))

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette."""
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (f"Case: {title} tab", f"Show the {title.lower()} tab", partial(self.show_tab, key))
            for key, title in TABS
        ]
        commands += self.edit_palette()
        commands += [
            ("Case: Reveal safe contact", "Show masked details (audited)", self.action_reveal),
            ("Case: Back", "Back to the list", self.action_back),
            ("Case: Reload", "Read the case again", self.action_reload),
        ]
        return commands
