"""Today: the signed-in worker's due list — overdue first, then today, then the next 7 days."""

from __future__ import annotations

from collections import Counter
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

from caseload.domain.due import DueItem, due_items
from caseload.domain.enums import RiskLevel, Role
from caseload.domain.sanitise import one_line
from caseload.screens.base import CaseloadScreen, data_revision, open_case
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import level3
from caseload.widgets.risk import RISK_SHORT, risk_text
from caseload.widgets.table import Table

HORIZON_DAYS = 7
SECTIONS = (("overdue", "Overdue"), ("today", "Today"), ("soon", f"Next {HORIZON_DAYS} days"))


@dataclass(frozen=True, slots=True)
class TodayData:
    """What the Today screen shows, computed in a worker."""

    on: date
    items: tuple[DueItem, ...]
    names: dict[str, str]
    open_by_risk: dict[RiskLevel, int]
    worker: str
    role: Role


def _due(d: date, on: date) -> str:
    """``21 Jul``, with the year when it is not this year (``21 Jul 24``)."""
    return f"{d.day} {d:%b}" + (f" {d:%y}" if d.year != on.year else "")


def section_of(item: DueItem) -> str:
    """Which section a due item falls in."""
    if item.days_overdue > 0:
        return "overdue"
    return "today" if item.days_overdue == 0 else "soon"


def load_today(store: Store, on: date) -> TodayData:
    """Due items on the signed-in worker's own cases, with the subjects' names. A supervisor sees her own
    caseload here too; the team's figures are on Review (3), so unlocking never waits for the whole store."""
    me = store.me()
    worker_id = me.id if me is not None else ""
    files = store.due_casefiles(worker_id=worker_id)
    items = due_items(files, on, worker_id=worker_id, horizon_days=HORIZON_DAYS)
    names = {cf.case.id: cf.subject.display_name for cf in files}
    open_by_risk = Counter(cf.case.risk_level for cf in files if cf.case.is_open)
    return TodayData(on, tuple(items), names, dict(open_by_risk), me.name if me else "", store.role)


class TodayScreen(CaseloadScreen[None]):
    """The landing view: what is due, ranked by risk × lateness, each row saying why."""

    CSS_PATH = "today.tcss"
    BINDINGS = [
        Binding("enter", "open_case", "Open", id="today.open", show=False),
        Binding("f5", "reload", "Reload", id="today.reload", tooltip="Recompute the due list"),
    ]

    class Loaded(Message):
        """The due list arrived."""

        def __init__(self, data: TodayData) -> None:
            super().__init__()
            self.data = data

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.data: TodayData | None = None
        self._revision = -1
        self._width = 56

    def compose(self) -> ComposeResult:
        """Header, summary, the due table, footer."""
        yield Static(Text("Today · loading…"), id="today-header")
        yield Static(Text(""), id="today-summary")
        yield Table(id="today-table", cursor_type="row", zebra_stripes=False)
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, privacy watch, first load."""
        table = self.query_one(DataTable)
        self._add_columns(table)
        table.focus()
        self.watch(self.app, "privacy", self._privacy_changed, init=False)
        self.reload()

    def _what_width(self) -> int:
        """The reason column takes what the fixed columns leave (at least 30)."""
        fixed = sum(w for _, _, w in FIXED_COLUMNS) + 2 * (len(FIXED_COLUMNS) + 1) + 2
        return max(30, self.app.size.width - fixed)

    def _add_columns(self, table: DataTable[Any]) -> None:
        self._width = self._what_width()
        for label, key, width in FIXED_COLUMNS[:3]:
            table.add_column(label, key=key, width=width)
        table.add_column("What", key="what", width=self._width)
        for label, key, width in FIXED_COLUMNS[3:]:
            table.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        """Fit the reason column to the new width."""
        if self._what_width() != self._width and self.data is not None:
            table = self.query_one(DataTable)
            table.clear(columns=True)
            self._add_columns(table)
            self._show()

    def on_screen_resume(self) -> None:
        """Coming back from a case: recompute if anything was written (edits show without a restart)."""
        if self.data is not None and self._revision != data_revision(self):
            self.reload()

    def action_reload(self) -> None:
        """Recompute the due list."""
        self.reload()

    def reload(self) -> None:
        """Load in a worker."""
        self._revision = data_revision(self)
        on: Callable[[], date] = getattr(self.app, "today", date.today)
        self._load(on())

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def _load(self, on: date) -> None:
        self.post_message(self.Loaded(load_today(self.store, on)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        self._show()

    def _privacy_changed(self, _value: bool) -> None:
        self._show()

    def _show(self) -> None:
        data = self.data
        if data is None:
            return
        privacy = bool(getattr(self.app, "privacy", False))
        by_risk = Counter(i.risk for i in data.items)
        header = Text(f"Today · {data.on:%a} {data.on.day} {data.on:%b %Y} · ")
        header.append(one_line(data.worker, 40))
        header.append(f" ({data.role.value.upper() if data.role is Role.IDVA else data.role.value})")
        counts = " · ".join(f"{RISK_SHORT[r].lower()} {by_risk.get(r, 0)}" for r in RISK_ORDER)
        header.append(f"    due: {counts}")
        if data.role is Role.SUPERVISOR:
            header.append("    team figures: 3 Review")
        self.query_one("#today-header", Static).update(header)
        sections = Counter(section_of(i) for i in data.items)
        open_total = sum(data.open_by_risk.values())
        summary = Text(
            f"{open_total} open cases ("
            + ", ".join(f"{data.open_by_risk.get(r, 0)} {r.value}" for r in RISK_ORDER)
            + f") · {sections['overdue']} overdue · {sections['today']} due today · "
            f"{sections['soon']} in the next {HORIZON_DAYS} days"
        )
        self.query_one("#today-summary", Static).update(summary)
        self._fill(data, privacy)

    def _fill(self, data: TodayData, privacy: bool) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        grouped: dict[str, list[tuple[int, DueItem]]] = {key: [] for key, _ in SECTIONS}
        for n, item in enumerate(data.items):
            grouped[section_of(item)].append((n, item))
        for key, title in SECTIONS:
            rows = grouped[key]
            table.add_row(Text("──"), Text("──"), Text(f"{title} ({len(rows)})", style="bold"), "", "", "",
                          key=f"s:{key}")
            for n, item in rows:
                late = f"{item.days_overdue} d late" if item.days_overdue > 0 else ""
                if item.days_overdue == 0:
                    late = "today"
                table.add_row(
                    risk_text(item.risk),
                    Text(item.case_reference),
                    Text(level3(data.names.get(item.case_id, ""), privacy, 26)),
                    Text(one_line(item.reason, self._width)),
                    Text(_due(item.due_on, data.on)),
                    Text(late),
                    key=f"i:{n}",
                )
        if data.items:
            table.move_cursor(row=min(max(keep, 1), table.row_count - 1))

    def selected_item(self) -> DueItem | None:
        """The due item under the cursor (None on a section line)."""
        if self.data is None:
            return None
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        if not key.startswith("i:"):
            return None
        return self.data.items[int(key[2:])]

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_case()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        item = self.selected_item()
        self.read_ahead_soon(item.case_id if item is not None else None)

    def action_open_case(self) -> None:
        """Open the case on the tab that resolves the item."""
        item = self.selected_item()
        if item is not None:
            open_case(self, item.case_id, item.tab)

    def resume_point(self) -> tuple[str, Any]:
        """Where to come back to after a lock."""
        return ("main", "today")

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette."""
        return [
            ("Today: Open case", "Open the case under the cursor", self.action_open_case),
            ("Today: Reload", "Recompute the due list", self.action_reload),
        ]


RISK_ORDER = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.STANDARD)
FIXED_COLUMNS = (("Risk", "risk", 4), ("Case", "ref", 11), ("Name", "name", 26), ("Due", "due", 9),
                 ("Late", "late", 10))
