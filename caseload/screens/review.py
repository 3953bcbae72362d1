"""Review (supervisors): each worker's caseload figures, drill-down to the cases behind a figure, closure
approval, and the audit questions "who viewed this case" / "what did this worker open".

Figures come from :mod:`caseload.domain.review` over the store's review case files, computed in a thread
worker. The store refuses every review read to anyone but a supervisor; this screen says so in plain words
and asks nothing of the store for them. Names are level 3: masked in privacy mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from caseload.domain.enums import Role
from caseload.domain.review import (
    DEFAULT_REVIEW,
    FIGURE_LABELS,
    Figure,
    WorkerFigures,
    team_totals,
    window_start,
    worker_figures,
)
from caseload.domain.sanitise import one_line
from caseload.screens.base import CaseloadScreen, bump_revision, data_revision, open_case
from caseload.screens.review_cases import AuditListScreen, CaseInfo, ReviewCasesScreen
from caseload.store import review as store_review
from caseload.store.errors import StoreError
from caseload.store.review import Awaiting, ClosureAwaiting
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import level3
from caseload.widgets.risk import risk_text
from caseload.widgets.table import Table

BARS = "▁▂▃▄▅▆▇█"
NOT_SUPERVISOR = (
    "Review is for supervisors. You are signed in as {role}: your own due work is on Today (1), your cases "
    "on Cases (2). The store does not give anyone else the team's figures."
)
COLUMNS: tuple[tuple[str, str, Figure | None], ...] = (
    ("Worker", "worker", None),
    ("Role", "role", None),
    ("Open", "open", Figure.OPEN),
    ("New 12m", "new", Figure.NEW_12M),
    ("New/month", "spark", Figure.NEW_12M),
    ("Contacts late", "contacts", Figure.OVERDUE_CONTACTS),
    ("Updates late", "updates", Figure.UPDATES_LATE),
    ("DASH late", "dash", Figure.DASH_OVERDUE),
    ("High no plan", "plan", Figure.HIGH_NO_PLAN),
    ("Days→1st (n)", "first", Figure.FIRST_ATTEMPT),
    ("No contact 30d", "quiet", Figure.NO_CONTACT_30),
)


@dataclass(frozen=True, slots=True)
class WorkerRow:
    """One line of the worker table: who, and their figures (``user_name`` "" for the team line)."""

    worker_id: str
    user_name: str
    role: str
    figures: WorkerFigures


@dataclass(frozen=True, slots=True)
class ReviewData:
    """Everything the review shows, computed in a worker."""

    on: date
    team: str
    rows: tuple[WorkerRow, ...]
    cases: dict[str, CaseInfo]
    awaiting: Awaiting


def sparkline(values: tuple[int, ...]) -> str:
    """One block character per value, scaled to the largest (a blank when all are zero)."""
    top = max(values, default=0)
    if top <= 0:
        return " " * len(values)
    return "".join(BARS[min(len(BARS) - 1, round(v * (len(BARS) - 1) / top))] if v else " " for v in values)


def load_review(store: Store, on: date) -> ReviewData:
    """Per-worker figures, the cases behind them and the closures awaiting approval (supervisors only)."""
    files = store_review.review_casefiles(store, window_start(on, DEFAULT_REVIEW))
    figures = worker_figures(files, on, DEFAULT_REVIEW)
    users = {u.id: u for u in store.users()}
    cases = {
        cf.case.id: CaseInfo(cf.case.id, cf.case.reference, cf.subject.display_name, cf.case.risk_level,
                             cf.case.status, users[cf.case.worker_id].name if cf.case.worker_id in users else "")
        for cf in files
    }
    rows: list[WorkerRow] = []
    for uid in set(figures) | {u.id for u in users.values() if u.active and u.role is not Role.SUPERVISOR}:
        user = users.get(uid)
        wf = figures.get(uid) or WorkerFigures(uid, {}, {}, (0,) * DEFAULT_REVIEW.window_months)
        rows.append(WorkerRow(uid, user.name if user else "(no such user)", user.role.value if user else "", wf))
    rows.sort(key=lambda r: (r.role == Role.SUPERVISOR.value, r.user_name.casefold()))
    total = WorkerRow("", "", "", team_totals(r.figures for r in rows))
    teams = {u.team for u in users.values() if u.team}
    return ReviewData(on, teams.pop() if len(teams) == 1 else "", (total, *rows), cases,
                      store_review.closures_awaiting(store, on))


class ReviewScreen(CaseloadScreen[None]):
    """The supervisor's caseload review."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("enter", "drill", "Cases", id="review.drill", tooltip="The cases behind the figure under the cursor"),
        Binding("a", "approve", "Approve closure", id="review.approve",
                tooltip="Approve the closure under the cursor (audited)"),
        Binding("o", "opened_by", "Opened by", id="review.opened_by", tooltip="What this worker opened"),
        Binding("v", "who_viewed", "Who viewed", id="review.who_viewed", tooltip="Who viewed this case"),
        Binding("f5", "reload", "Reload", id="review.reload", tooltip="Recompute the figures"),
    ]

    class Loaded(Message):
        """The review figures arrived."""

        def __init__(self, data: ReviewData) -> None:
            super().__init__()
            self.data = data

    class Approved(Message):
        """A closure was approved (or refused: ``error`` is safe to show)."""

        def __init__(self, item: ClosureAwaiting, error: str = "") -> None:
            super().__init__()
            self.item = item
            self.error = error

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.data: ReviewData | None = None
        self._revision = -1

    @property
    def is_supervisor(self) -> bool:
        """Only supervisors get figures (the store refuses anyone else too)."""
        return self.store.role is Role.SUPERVISOR

    def compose(self) -> ComposeResult:
        """Header, worker table, closures awaiting approval, footer."""
        yield Static(Text("Review · loading…"), id="review-header")
        yield Static(Text(""), id="review-note")
        yield Table(id="review-workers", cursor_type="cell", zebra_stripes=True)
        yield Static(Text("Closures awaiting approval"), id="review-closures-title")
        yield Table(id="review-closures", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, privacy watch, first load (or the plain message for anyone but a supervisor)."""
        workers = self.query_one("#review-workers", DataTable)
        for label, key, _ in COLUMNS:
            workers.add_column(label, key=key)
        closures = self.query_one("#review-closures", DataTable)
        for label in ("Case", "Name", "Worker", "Closed", "Reason", "Risk", "Hold"):
            closures.add_column(label, key=label.lower())
        if not self.is_supervisor:
            role = "a Drive case manager" if self.store.role is Role.DRIVE else "an IDVA"
            self.query_one("#review-header", Static).update(Text(NOT_SUPERVISOR.format(role=role)))
            for widget in ("#review-workers", "#review-closures", "#review-closures-title", "#review-note"):
                self.query_one(widget).display = False
            return
        workers.focus()
        self.watch(self.app, "privacy", lambda _v: self._show(), init=False)
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from a case: recompute if anything was written."""
        if self.data is not None and self._revision != data_revision(self):
            self.reload()

    def _today(self) -> date:
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        return today()

    def reload(self) -> None:
        """Load the figures in a worker."""
        if not self.is_supervisor:
            return
        self._revision = data_revision(self)
        self._load(self._today())

    def action_reload(self) -> None:
        """Recompute the figures."""
        self.reload()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def _load(self, on: date) -> None:
        self.post_message(self.Loaded(load_review(self.store, on)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        self._show()

    # --- showing ------------------------------------------------------------------------------------------

    def _show(self) -> None:
        data = self.data
        if data is None:
            return
        privacy = bool(getattr(self.app, "privacy", False))
        workers = len(data.rows) - 1
        header = Text("Review")
        if data.team:
            header.append(" · team ")
            header.append(one_line(data.team, 30))
        header.append(f" · {data.on:%a} {data.on.day} {data.on:%b %Y} · {workers} workers · {len(data.cases):,} cases")
        self.query_one("#review-header", Static).update(header)
        note = Text(
            f"Figures count cases. New 12m above {DEFAULT_REVIEW.caseload_high} is marked ▲ (SafeLives: "
            f"{DEFAULT_REVIEW.caseload_low}–{DEFAULT_REVIEW.caseload_high} new cases per IDVA per year). "
            "Days→1st: median days referral → first attempt over n cases referred in the last 12 months."
        )
        self.query_one("#review-note", Static).update(note)
        self._fill_workers(data)
        self._fill_closures(data, privacy)

    def _fill_workers(self, data: ReviewData) -> None:
        table = self.query_one("#review-workers", DataTable)
        keep = table.cursor_coordinate
        table.clear()
        for n, row in enumerate(data.rows):
            wf = row.figures
            name = Text("Team", style="bold") if n == 0 else Text(one_line(row.user_name, 28))
            new = wf.count(Figure.NEW_12M)
            over = n > 0 and row.role == Role.IDVA.value and wf.above_benchmark(DEFAULT_REVIEW)
            median = wf.median_first_attempt
            first = "–" if median is None else f"{median:.1f} ({len(wf.first_attempt_days)})"
            table.add_row(
                name,
                Text(row.role),
                Text(str(wf.count(Figure.OPEN))),
                Text(f"{new} ▲", style="bold reverse") if over else Text(str(new)),
                Text(sparkline(wf.new_by_month)),
                *(Text(str(wf.count(f))) for f in (Figure.OVERDUE_CONTACTS, Figure.UPDATES_LATE,
                                                   Figure.DASH_OVERDUE, Figure.HIGH_NO_PLAN)),
                Text(first),
                Text(str(wf.count(Figure.NO_CONTACT_30))),
                key=f"w:{n}",
            )
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(keep)

    def _fill_closures(self, data: ReviewData, privacy: bool) -> None:
        awaiting = data.awaiting
        title = Text(f"Closures awaiting approval ({len(awaiting.items)}) · closed since "
                     f"{awaiting.since.day} {awaiting.since:%b %Y}")
        if awaiting.older:
            title.append(f" · {awaiting.older:,} older closures not approved (not listed)")
        title.append(" · a approves the one under the cursor")
        self.query_one("#review-closures-title", Static).update(title)
        table = self.query_one("#review-closures", DataTable)
        keep = table.cursor_row
        table.clear()
        for item in awaiting.items:
            info = data.cases.get(item.case_id)
            table.add_row(
                Text(item.reference),
                Text(level3(info.name if info else "", privacy, 26)),
                Text(one_line(info.worker if info else "", 24)),
                Text(f"{item.closed_on.day} {item.closed_on:%b %Y}"),
                Text(item.reason.value.replace("_", " ") if item.reason else ""),
                risk_text(item.risk),
                Text("legal hold" if item.legal_hold else ""),
                key=item.case_id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    # --- selection ----------------------------------------------------------------------------------------

    def _worker_row(self) -> WorkerRow | None:
        table = self.query_one("#review-workers", DataTable)
        if self.data is None or table.row_count == 0:
            return None
        return self.data.rows[table.cursor_row]

    def _figure(self) -> Figure:
        table = self.query_one("#review-workers", DataTable)
        return COLUMNS[table.cursor_column][2] or Figure.OPEN

    def _closure(self) -> ClosureAwaiting | None:
        table = self.query_one("#review-closures", DataTable)
        if self.data is None or table.row_count == 0:
            return None
        return self.data.awaiting.items[table.cursor_row]

    def _closures_focused(self) -> bool:
        return self.focused is self.query_one("#review-closures", DataTable)

    @on(DataTable.CellSelected, "#review-workers")
    def _cell_selected(self, _event: DataTable.CellSelected) -> None:
        self.action_drill()

    @on(DataTable.RowSelected, "#review-closures")
    def _closure_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        """Enter: on a figure, the cases behind it; on a closure, open the case."""
        if self.data is None:
            return
        if self._closures_focused():
            item = self._closure()
            if item is not None:
                open_case(self, item.case_id)
            return
        row = self._worker_row()
        if row is None:
            return
        figure = self._figure()
        who = "the team" if not row.worker_id else one_line(row.user_name, 40)
        ids = row.figures.cases.get(figure, ())
        infos = [self.data.cases[i] for i in ids if i in self.data.cases]
        days = row.figures.first_attempt_days if figure is Figure.FIRST_ATTEMPT else {}
        title = f"{FIGURE_LABELS[figure]} · {who} · {len(infos)}"
        self.app.push_screen(ReviewCasesScreen(self.store, title, infos, days))

    def action_approve(self) -> None:
        """Approve the closure under the cursor in the closures list (audited)."""
        if not self._closures_focused():
            self.query_one("#review-closures", DataTable).focus()
            self.notify("Choose a closure in the list below, then press a to approve it.", markup=False)
            return
        item = self._closure()
        if item is None:
            self.notify("No closure is awaiting approval.", markup=False)
            return
        self._approve(item)

    @work(thread=True, exclusive=True, group="review-approve", exit_on_error=False)
    def _approve(self, item: ClosureAwaiting) -> None:
        try:
            store_review.approve_closure(self.store, item.case_id, item.closed_on)
            self.post_message(self.Approved(item))
        except StoreError as exc:
            self.post_message(self.Approved(item, str(exc)))

    @on(Approved)
    def _approved(self, message: Approved) -> None:
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        else:
            self.notify(f"Closure of {message.item.reference} approved.", markup=False)
            bump_revision(self)
        self.reload()

    def action_opened_by(self) -> None:
        """What the worker under the cursor opened (views and reveals, newest first)."""
        row = self._worker_row()
        if row is None or not row.worker_id or self.data is None:
            self.notify("Choose a worker's line first.", markup=False)
            return
        refs = {cid: info.reference for cid, info in self.data.cases.items()}
        self.app.push_screen(AuditListScreen(self.store, refs, user=row.user_name))

    def action_who_viewed(self) -> None:
        """Who viewed the case of the closure under the cursor."""
        item = self._closure() if self._closures_focused() else None
        if item is None or self.data is None:
            self.notify("Choose a case (a closure below, or a case in a figure's list) first.", markup=False)
            return
        refs = {cid: info.reference for cid, info in self.data.cases.items()}
        self.app.push_screen(AuditListScreen(self.store, refs, case_id=item.case_id))

    def resume_point(self) -> tuple[str, Any]:
        """Where to come back to after a lock."""
        return ("main", "review")

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette."""
        return [
            ("Review: Cases behind figure", "The cases behind the figure under the cursor", self.action_drill),
            ("Review: Approve closure", "Approve the closure under the cursor (audited)", self.action_approve),
            ("Review: What this worker opened", "Views and reveals by the worker under the cursor",
             self.action_opened_by),
            ("Review: Who viewed this case", "Views and reveals of the closure's case", self.action_who_viewed),
            ("Review: Reload", "Recompute the figures", self.action_reload),
        ]
