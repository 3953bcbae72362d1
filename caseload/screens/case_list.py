"""Case list: every case the user may see, with an incremental filter."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from caseload.domain.sanitise import one_line
from caseload.store.queries import CaseRow
from caseload.store.store import Store


class CaseListScreen(Screen[None]):
    """All cases, filter as you type (reference, name, postcode area)."""

    CSS_PATH = "case_list.tcss"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="cases.filter"),
        Binding("escape", "clear_filter", "Clear", show=False, id="cases.clear"),
    ]

    class CasesLoaded(Message):
        """Rows arrived from the store."""

        def __init__(self, rows: list[CaseRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.rows: list[CaseRow] = []

    def compose(self) -> ComposeResult:
        """Summary line, filter box, table, footer."""
        yield Static("Cases · loading…", id="cases-summary")
        yield Input(placeholder="/ filter: reference, name or postcode area", id="cases-filter")
        yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Set columns and load."""
        table = self.query_one(DataTable)
        for label in ("Reference", "Name", "Risk", "Status", "Worker", "Opened"):
            table.add_column(label, key=label.lower())
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="cases")
    def _load(self) -> None:
        self.post_message(self.CasesLoaded(self.store.case_rows()))

    @on(CasesLoaded)
    def _loaded(self, message: CasesLoaded) -> None:
        self.rows = message.rows
        open_count = sum(1 for r in self.rows if r.case.is_open)
        self.query_one("#cases-summary", Static).update(
            Text(f"Cases · {len(self.rows):,} in all · {open_count:,} open")
        )
        self._fill(self.query_one("#cases-filter", Input).value)

    def _fill(self, needle: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        want = needle.strip().casefold()
        for row in self.rows:
            area = row.postcode.split(" ")[0]
            if want and not any(want in s.casefold() for s in (row.case.reference, row.subject_name, area)):
                continue
            c = row.case
            table.add_row(
                Text(c.reference),
                Text(one_line(row.subject_name, 40)),
                Text(c.risk_level.value.upper()),
                Text(c.status.replace("_", " ")),
                Text(one_line(row.worker_name, 30)),
                Text(c.opened_on.strftime("%d %b %Y")),
                key=c.id,
            )

    @on(Input.Changed, "#cases-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_one("#cases-filter", Input).focus()

    def action_clear_filter(self) -> None:
        """Clear the filter and return to the table."""
        box = self.query_one("#cases-filter", Input)
        if box.value:
            box.value = ""
        self.query_one(DataTable).focus()
        self.app.action_escape_press()  # type: ignore[attr-defined]
