"""The review's lists: the cases behind a figure, and audit answers ("who viewed this case", "what did this
worker open"). Supervisors only (the store refuses the audit queries to anyone else)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from caseload.domain.enums import RiskLevel
from caseload.domain.sanitise import one_line
from caseload.domain.workflow import status_label
from caseload.screens.base import CaseloadScreen, open_case
from caseload.store.audit import AuditEntry
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import level3
from caseload.widgets.risk import risk_text
from caseload.widgets.table import Table

EVENT_LABELS = {"case.viewed": "viewed", "field.revealed": "revealed a field"}
AUDIT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """What a review list shows of a case: reference, subject name (level 3), risk, status, worker name."""

    case_id: str
    reference: str
    name: str
    risk: RiskLevel
    status: str
    worker: str


class ReviewCasesScreen(CaseloadScreen[None]):
    """The cases behind one review figure; enter opens a case, v shows who viewed it."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="review_cases.back", tooltip="Back to the review"),
        Binding("enter", "open_case", "Open", id="review_cases.open", show=False),
        Binding("v", "who_viewed", "Who viewed", id="review_cases.who_viewed", tooltip="Who viewed this case"),
    ]

    def __init__(self, store: Store, title: str, cases: list[CaseInfo], days: Mapping[str, int]) -> None:
        super().__init__()
        self.store = store
        self.title_text = title
        self.cases = cases
        self.days = days

    def compose(self) -> ComposeResult:
        """Title, the case table, footer."""
        yield Static(Text(one_line(self.title_text, 160)), id="review-cases-title")
        yield Table(id="review-cases", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns and rows; refill when privacy mode changes."""
        table = self.query_one(DataTable)
        for label in ("Case", "Name", "Risk", "Status", "Worker", "Days→1st" if self.days else ""):
            table.add_column(label, key=label.lower() or "extra")
        self._fill()
        table.focus()
        self.watch(self.app, "privacy", lambda _v: self._fill(), init=False)

    def _fill(self) -> None:
        privacy = bool(getattr(self.app, "privacy", False))
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for info in self.cases:
            days = self.days.get(info.case_id)
            table.add_row(
                Text(info.reference),
                Text(level3(info.name, privacy, 30)),
                risk_text(info.risk),
                Text(status_label(info.status)),
                Text(one_line(info.worker, 24)),
                Text("" if days is None else str(days)),
                key=info.case_id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def selected(self) -> CaseInfo | None:
        """The case under the cursor."""
        table = self.query_one(DataTable)
        return self.cases[table.cursor_row] if self.cases and table.row_count else None

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_case()

    def action_open_case(self) -> None:
        """Open the case under the cursor."""
        info = self.selected()
        if info is not None:
            open_case(self, info.case_id)

    def action_who_viewed(self) -> None:
        """Who viewed the case under the cursor."""
        info = self.selected()
        if info is not None:
            refs = {c.case_id: c.reference for c in self.cases}
            self.app.push_screen(AuditListScreen(self.store, refs, case_id=info.case_id))

    def action_back(self) -> None:
        """Back to the review."""
        self.dismiss(None)


class AuditListScreen(CaseloadScreen[None]):
    """Views and reveals, newest first: of one case (``case_id``) or by one worker (``user``)."""

    CSS_PATH = "review.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="review_audit.back", tooltip="Back")]

    class Loaded(Message):
        """Audit entries arrived (or the store refused: ``error`` is safe to show)."""

        def __init__(self, entries: list[AuditEntry], error: str = "") -> None:
            super().__init__()
            self.entries = entries
            self.error = error

    def __init__(
        self, store: Store, references: Mapping[str, str], *, case_id: str | None = None, user: str | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.references = references
        self.case_id = case_id
        self.user = user
        self.entries: list[AuditEntry] = []

    def _title(self) -> str:
        if self.case_id is not None:
            return f"Who viewed {self.references.get(self.case_id, 'this case')}"
        return f"What {one_line(self.user or '', 40)} opened"

    def compose(self) -> ComposeResult:
        """Title, entries, footer."""
        yield Static(Text(f"{self._title()} · loading…"), id="review-audit-title")
        yield Table(id="review-audit", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, then load in a worker."""
        table = self.query_one(DataTable)
        for label in ("When (UTC)", "Who", "What", "Case"):
            table.add_column(label, key=label.split()[0].lower())
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="review-audit", exit_on_error=False)
    def _load(self) -> None:
        try:
            if self.case_id is not None:
                found = self.store.who_viewed(self.case_id, AUDIT_LIMIT)
            else:
                found = self.store.opened_by(self.user or "", AUDIT_LIMIT)
            self.post_message(self.Loaded(found))
        except StoreError as exc:
            self.post_message(self.Loaded([], str(exc)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.entries = message.entries
        title = Text(self._title())
        if message.error:
            title.append(f" · {one_line(message.error, 120)}")
        else:
            more = " (the newest shown)" if len(self.entries) >= AUDIT_LIMIT else ""
            title.append(f" · {len(self.entries)} views and reveals{more}")
        self.query_one("#review-audit-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear()
        for e in self.entries:
            table.add_row(
                Text(_when(e.at)),
                Text(one_line(e.actor, 30)),
                Text(EVENT_LABELS.get(e.event, e.event)),
                Text(self.references.get(e.case_id or "", "(case not in the review)")),
            )

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)


def _when(at: str) -> str:
    """``04 Dec 2026 11:20`` from a stored ISO time (the raw text if it does not parse)."""
    try:
        return datetime.fromisoformat(at).strftime("%d %b %Y %H:%M")
    except ValueError:
        return one_line(at, 32)
