"""Case list: every case the user may see; filter as you type, filters by risk, status, type, worker and
"has overdue", sortable columns. Built for 10,000 cases: the filter works on precomputed keys, and the
table shows the first matches with a count of the rest."""

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
from textual.widgets import DataTable, Input, Static

from caseload.domain.casefile import CaseFile
from caseload.domain.due import due_items_from_facts
from caseload.domain.enums import CaseKind, RiskLevel, Role
from caseload.domain.sanitise import one_line
from caseload.screens.base import CaseloadScreen, data_revision, open_case
from caseload.store.queries import CaseRow
from caseload.store.store import Store
from caseload.widgets.filter_box import FilterInput
from caseload.widgets.frame import same_frame
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import level3
from caseload.widgets.risk import risk_text
from caseload.widgets.table import Table

DISPLAY_LIMIT = 200
RISKS: tuple[RiskLevel | None, ...] = (None, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.STANDARD)
STATUSES = ("open", "closed", "all")
KINDS: tuple[CaseKind | None, ...] = (None, CaseKind.VICTIM, CaseKind.PERPETRATOR)
SORTS = (("reference", "Reference"), ("name", "Name"), ("risk", "Risk"), ("status", "Status"),
         ("worker", "Worker"), ("opened", "Opened"))


@dataclass(frozen=True, slots=True)
class ListRow:
    """A case row with its filter key precomputed (reference, name, postcode area; casefolded)."""

    row: CaseRow
    haystack: str
    area: str


@dataclass
class Filters:
    """The list's filters; ``worker`` is a worker name or None for everyone."""

    text: str = ""
    risk: RiskLevel | None = None
    status: str = "open"
    kind: CaseKind | None = None
    worker: str | None = None
    overdue_only: bool = False

    def describe(self) -> str:
        """The active filters in words."""
        parts = [f"{self.status} cases"]
        if self.risk is not None:
            parts.append(f"{self.risk.value} risk")
        if self.kind is not None:
            parts.append("victim" if self.kind is CaseKind.VICTIM else "Drive")
        if self.worker is not None:
            parts.append(f"worker {one_line(self.worker, 30)}")
        if self.overdue_only:
            parts.append("with overdue work")
        return " · ".join(parts)


def to_list_rows(rows: list[CaseRow]) -> list[ListRow]:
    """Precompute each row's filter key."""
    out = []
    for r in rows:
        area = r.postcode.split(" ")[0] if r.postcode else ""
        out.append(ListRow(r, f"{r.case.reference}\n{r.subject_name}\n{area}".casefold(), area))
    return out


def matches(rows: list[ListRow], f: Filters, overdue: set[str]) -> list[ListRow]:
    """Rows passing every filter."""
    want = f.text.strip().casefold()
    out = []
    for lr in rows:
        c = lr.row.case
        if (f.status == "open" and not c.is_open) or (f.status == "closed" and c.is_open):
            continue
        if f.risk is not None and c.risk_level is not f.risk:
            continue
        if f.kind is not None and c.kind is not f.kind:
            continue
        if f.worker is not None and lr.row.worker_name != f.worker:
            continue
        if f.overdue_only and c.id not in overdue:
            continue
        if want and want not in lr.haystack:
            continue
        out.append(lr)
    return out


_SORT_KEYS: dict[str, Callable[[ListRow], Any]] = {
    "reference": lambda r: r.row.case.reference,
    "name": lambda r: r.row.subject_name.casefold(),
    "risk": lambda r: (-r.row.case.risk_level.rank, r.row.case.reference),
    "status": lambda r: (r.row.case.status, r.row.case.reference),
    "worker": lambda r: (r.row.worker_name.casefold(), r.row.case.reference),
    "opened": lambda r: (r.row.case.opened_on, r.row.case.reference),
}


class CaseListScreen(CaseloadScreen[None]):
    """All cases the user may see."""

    CSS_PATH = "case_list.tcss"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="cases.filter", tooltip="Filter by reference, name or postcode area"),
        Binding("escape", "clear_filter", "Clear", show=False, id="cases.clear"),
        Binding("r", "cycle('risk')", "Risk", id="cases.risk", tooltip="Filter by risk level"),
        Binding("s", "cycle('status')", "Status", id="cases.status", tooltip="Open, closed or all"),
        Binding("k", "cycle('kind')", "Type", id="cases.kind", tooltip="Victim or Drive cases"),
        Binding("w", "cycle('worker')", "Worker", id="cases.worker", tooltip="One worker's cases"),
        Binding("o", "toggle_overdue", "Overdue", id="cases.overdue", tooltip="Only cases with overdue work"),
        Binding("full_stop", "sort(1)", "Sort", id="cases.sort", tooltip="Sort by the next column"),
        Binding("comma", "sort(0)", "Reverse", id="cases.reverse", show=False, tooltip="Reverse the sort"),
        Binding("enter", "open_case", "Open", id="cases.open", show=False),
        Binding("n", "new_referral", "New referral", id="cases.new", tooltip="New referral: create a victim case"),
    ]

    class Loaded(Message):
        """Rows arrived from the store."""

        def __init__(self, rows: list[CaseRow]) -> None:
            super().__init__()
            self.rows = rows

    class OverdueLoaded(Message):
        """The ids of cases with overdue work."""

        def __init__(self, case_ids: set[str]) -> None:
            super().__init__()
            self.case_ids = case_ids

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.rows: list[ListRow] = []
        self.shown: list[ListRow] = []
        self.filters = Filters()
        self.overdue: set[str] | None = None
        self.sort_by = "reference"
        self.sort_reverse = False
        self._workers: list[str] = []
        self._revision = -1
        self._sorted: list[ListRow] = []
        self._order_key: tuple[str, bool, int] | None = None
        self._last_match: tuple[tuple[Any, ...], list[ListRow], str, list[ListRow]] | None = None
        self._row_cells: dict[tuple[str, bool], tuple[Text, ...]] = {}
        self._summary_fits = False

    def compose(self) -> ComposeResult:
        """Summary line, filter box, table, footer."""
        yield Static(Text("Cases · loading…"), id="cases-summary")
        yield FilterInput(placeholder="/ filter: reference, name or postcode area", id="cases-filter")
        yield Table(id="cases-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, privacy watch, load."""
        table = self.query_one(DataTable)
        for key, label in SORTS:
            table.add_column(label, key=key)
        table.focus()
        self.watch(self.app, "privacy", lambda _v: self.refill(), init=False)
        self._load()

    def on_screen_resume(self) -> None:
        """Back from a case: reload if anything was written (edits show without a restart); otherwise the
        case under the cursor is read ahead again (the copy read before was used by the open)."""
        if self.rows and self._revision != data_revision(self):
            self._load()
            return
        self.read_ahead_soon(self._case_id_at(self.query_one(DataTable).cursor_row))

    def _load(self) -> None:
        self._revision = data_revision(self)
        self._load_rows()

    @work(thread=True, exclusive=True, group="cases", exit_on_error=False)
    def _load_rows(self) -> None:
        self.post_message(self.Loaded(self.store.case_rows()))

    @work(thread=True, exclusive=True, group="cases-overdue", exit_on_error=False)
    def _load_overdue(self, on: date) -> None:
        me = self.store.me()
        worker_id = None if me is None or self.store.role is Role.SUPERVISOR else me.id
        # From the due facts the store keeps (as `caseload due`): at 10,000 cases 0.24 s instead of 1.7 s of
        # reading case files — CPU this worker would otherwise take from the keystrokes of the list.
        items = due_items_from_facts(self.store.due_facts(worker_id=worker_id), on, worker_id=worker_id,
                                     horizon_days=0)
        self.post_message(self.OverdueLoaded({i.case_id for i in items if i.days_overdue > 0}))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.rows = to_list_rows(message.rows)
        self._row_cells.clear()
        self._last_match = None
        self._workers = sorted({lr.row.worker_name for lr in self.rows}, key=str.casefold)
        self.refill()
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        self._load_overdue(today())

    @on(OverdueLoaded)
    def _overdue_loaded(self, message: OverdueLoaded) -> None:
        self.overdue = message.case_ids
        if self.filters.overdue_only:
            self.refill()
        else:
            self._summary()

    def refill(self) -> None:
        """Apply filters and sort, and fill the table (first DISPLAY_LIMIT matches)."""
        found = self._matches()
        self.shown = found
        privacy = bool(getattr(self.app, "privacy", False))
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(self._cells(lr, privacy) for lr in found[:DISPLAY_LIMIT])
        self._summary()
        same_frame(table, self.query_one("#cases-summary", Static))

    def _matches(self) -> list[ListRow]:
        """The rows passing the filters, in order. Typing on (the new text contains the last) narrows the
        last matches instead of the whole list: the same rows, a fraction of the work."""
        f = self.filters
        want = f.text.strip().casefold()
        overdue = self.overdue or set()
        key = (f.risk, f.status, f.kind, f.worker, f.overdue_only, id(overdue) if f.overdue_only else 0)
        ordered = self._ordered()
        last = self._last_match
        if last is not None and last[0] == key and last[1] is ordered and last[2] in want:
            found = matches(last[3], f, overdue)
        else:
            found = matches(ordered, f, overdue)
        self._last_match = (key, ordered, want, found)
        return found

    def _cells(self, lr: ListRow, privacy: bool) -> tuple[Text, ...]:
        """A row's cells (sanitised, level-3 masked in privacy mode), built once per load and privacy mode."""
        cells = self._row_cells.get((lr.row.case.id, privacy))
        if cells is None:
            cells = (
                Text(lr.row.case.reference),
                Text(level3(lr.row.subject_name, privacy, 32)),
                risk_text(lr.row.case.risk_level),
                Text(lr.row.case.status.replace("_", " ")),
                Text(one_line(lr.row.worker_name, 24)),
                Text(lr.row.case.opened_on.strftime("%d %b %Y")),
            )
            self._row_cells[(lr.row.case.id, privacy)] = cells
        return cells

    def _ordered(self) -> list[ListRow]:
        """The rows in the current sort order, sorted once per sort change (filtering keeps the order, so a
        keystroke never sorts 10,000 rows)."""
        key = (self.sort_by, self.sort_reverse, id(self.rows))
        if self._order_key != key:
            self._sorted = sorted(self.rows, key=_SORT_KEYS[self.sort_by], reverse=self.sort_reverse)
            self._order_key = key
        return self._sorted

    def _summary(self) -> None:
        total = len(self.rows)
        shown = len(self.shown)
        text = Text(f"Cases · {shown:,} of {total:,} · {self.filters.describe()}")
        if shown > DISPLAY_LIMIT:
            text.append(f" · showing the first {DISPLAY_LIMIT:,}: type to narrow")
        arrow = "↓" if self.sort_reverse else "↑"
        text.append(f" · sorted by {dict(SORTS)[self.sort_by].lower()} {arrow}")
        if self.overdue is None:
            text.append(" · checking overdue work…")
        box = self.query_one("#cases-summary", Static)
        # One line before and after: the height cannot change, so no layout (a keystroke then costs one frame
        # fewer); otherwise the line may wrap or unwrap and the screen is laid out again.
        fits = 0 < text.cell_len <= box.content_size.width
        box.update(text, layout=not (fits and self._summary_fits))
        self._summary_fits = fits

    @on(Input.Changed, "#cases-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filters.text = event.value
        self.refill()

    @on(Input.Submitted, "#cases-filter")
    def _filter_submitted(self, _event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_one("#cases-filter", Input).focus()

    def action_clear_filter(self) -> None:
        """Clear the filter text and return to the table."""
        box = self.query_one("#cases-filter", Input)
        if box.value:
            box.value = ""
        self.query_one(DataTable).focus()

    def action_cycle(self, what: str) -> None:
        """Step one filter to its next value."""
        f = self.filters
        if what == "risk":
            f.risk = RISKS[(RISKS.index(f.risk) + 1) % len(RISKS)]
        elif what == "status":
            f.status = STATUSES[(STATUSES.index(f.status) + 1) % len(STATUSES)]
        elif what == "kind":
            f.kind = KINDS[(KINDS.index(f.kind) + 1) % len(KINDS)]
        elif what == "worker":
            choices: list[str | None] = [None, *self._workers]
            f.worker = choices[(choices.index(f.worker) + 1) % len(choices)] if f.worker in choices else None
        self.refill()

    def action_toggle_overdue(self) -> None:
        """Only cases with overdue work (once that is known)."""
        if self.overdue is None:
            self.notify("Still checking which cases have overdue work…", markup=False)
            return
        self.filters.overdue_only = not self.filters.overdue_only
        self.refill()

    def action_sort(self, step: int) -> None:
        """Next sort column (step 1) or reverse the order (step 0)."""
        if step == 0:
            self.sort_reverse = not self.sort_reverse
        else:
            keys = [k for k, _ in SORTS]
            self.sort_by = keys[(keys.index(self.sort_by) + 1) % len(keys)]
            self.sort_reverse = False
        self.refill()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_by:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_by, self.sort_reverse = key, False
        self.refill()

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_case()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.read_ahead_soon(self._case_id_at(event.cursor_row))

    def _case_id_at(self, row: int) -> str | None:
        """The id of the case shown on table row ``row`` (None past the end)."""
        return self.shown[row].row.case.id if 0 <= row < len(self.shown) else None

    def action_open_case(self) -> None:
        """Open the case under the cursor."""
        table = self.query_one(DataTable)
        case_id = self._case_id_at(table.cursor_row) if table.row_count else None
        if case_id is not None:
            open_case(self, case_id)

    def action_new_referral(self) -> None:
        """New referral → case (duplicate check first); the new case opens when saved."""
        from caseload.screens.referral_form import ReferralFormModal

        if self.store.role is Role.DRIVE:
            self.action_new_drive_referral()
            return
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        self.app.push_screen(ReferralFormModal(self.store, today()), callback=self._referral_saved)

    def action_new_drive_referral(self) -> None:
        """New Drive referral → perpetrator case (Drive users and supervisors); it opens when saved."""
        from caseload.screens.drive_referral import DriveReferralModal

        if self.store.role is Role.IDVA:
            self.notify("Drive referrals are made by Drive case managers and supervisors.", markup=False)
            return
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        self.app.push_screen(DriveReferralModal(self.store, today()), callback=self._drive_referral_saved)

    def _drive_referral_saved(self, case: Any) -> None:
        if case is None:
            return
        self._load()
        open_case(self, case.id)

    def _referral_saved(self, casefile: CaseFile | None) -> None:
        if casefile is None:
            return
        self._load()
        open_case(self, casefile.case.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Drive referrals are made by Drive case managers and supervisors (n opens the right form)."""
        if action == "new_drive_referral":
            return self.store.role is not Role.IDVA
        return True

    def resume_point(self) -> tuple[str, Any]:
        """Where to come back to after a lock."""
        return ("main", "cases")

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette."""
        return [
            ("Cases: Filter", "Filter by reference, name or postcode area", self.action_filter),
            ("Cases: Risk filter", "Cycle the risk filter", lambda: self.action_cycle("risk")),
            ("Cases: Status filter", "Open, closed or all", lambda: self.action_cycle("status")),
            ("Cases: Type filter", "Victim or Drive cases", lambda: self.action_cycle("kind")),
            ("Cases: Worker filter", "One worker's cases", lambda: self.action_cycle("worker")),
            ("Cases: Overdue only", "Only cases with overdue work", self.action_toggle_overdue),
            ("Cases: Sort", "Sort by the next column", lambda: self.action_sort(1)),
            ("Cases: Open case", "Open the case under the cursor", self.action_open_case),
            ("Cases: New referral", "Create a victim case from a referral", self.action_new_referral),
            ("Cases: New Drive referral", "Create a Drive (perpetrator) case from a referral",
             self.action_new_drive_referral),
        ]
