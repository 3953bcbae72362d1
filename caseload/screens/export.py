"""Export: an anonymised partnership summary — choose, preview (withheld figures marked), then write.

All store work runs in thread workers that post messages; the screen only shows what they found. Every text
is rendered as plain ``Text`` (no markup). A refusal by the export ledger (R9) is explained cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from caseload.config import Config
from caseload.domain.sanitise import one_line
from caseload.export.differencing import Conflict
from caseload.export.files import ExportPathError
from caseload.export.periods import recent_periods
from caseload.export.service import ExportError, ExportRefused, ExportRequest, Prepared, prepare, write
from caseload.export.tables import SafeTable
from caseload.export.writers import FORMATS
from caseload.store import reporting
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.table import Table

ALL_AREAS = "__all__"
SIDE_NOTE = (
    "Withheld figures: <10 is a count of 1 to 9; * is withheld so a <10 cannot be worked out from a total, "
    "or because one category dominates a small group. Other counts are rounded to the nearest 5. "
    "Nothing is written until you press Write."
)


class ExportScreen(Screen[None]):
    """Partnership summary export: period, area, format, folder → preview → write."""

    CSS_PATH = "export.tcss"
    BINDINGS = [
        Binding("f5", "preview", "Preview", id="export.preview", tooltip="Build the anonymised tables"),
        Binding("ctrl+s", "write", "Write", id="export.write", tooltip="Write the files into the folder"),
        Binding("escape", "back", "Back", id="export.back", tooltip="Leave the export screen"),
    ]

    class AreasLoaded(Message):
        """The store's area names arrived."""

        def __init__(self, areas: list[str]) -> None:
            super().__init__()
            self.areas = areas

    class PreviewReady(Message):
        """The anonymised preview is ready (possibly with R9 conflicts)."""

        def __init__(self, prepared: Prepared) -> None:
            super().__init__()
            self.prepared = prepared

    class Written(Message):
        """The files were written."""

        def __init__(self, paths: list[Path]) -> None:
            super().__init__()
            self.paths = paths

    class Refused(Message):
        """The export ledger refused the export."""

        def __init__(self, conflicts: list[Conflict]) -> None:
            super().__init__()
            self.conflicts = conflicts

    class Failed(Message):
        """A request could not be run; ``text`` is safe to show."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.prepared: Prepared | None = None
        self.written: list[Path] = []

    def _today(self) -> date:
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        return today()

    def compose(self) -> ComposeResult:
        """Choosers, preview list and table, notes, footer."""
        periods = recent_periods(self._today())
        yield Static(Text("Export · Partnership summary (anonymised)"), id="export-header")
        with Horizontal(id="export-controls"):
            with Vertical(classes="field"):
                yield Label(Text("Period"))
                yield Select([(p, p) for p in periods], value=periods[1], allow_blank=False, id="export-period")
            with Vertical(classes="field"):
                yield Label(Text("Area"))
                yield Select([("All areas", ALL_AREAS)], value=ALL_AREAS, allow_blank=False, id="export-area")
            with Vertical(classes="field"):
                yield Label(Text("Format"))
                yield Select([(f, f) for f in FORMATS], value="html", allow_blank=False, id="export-format")
            with Vertical(classes="field wide"):
                yield Label(Text("Folder"))
                yield Input(str(Path(self.config.store_dir) / "exports"), id="export-folder")
            yield Button(Text("Preview"), id="export-preview-button")
            yield Button(Text("Write"), id="export-write-button", variant="primary", disabled=True)
        with Horizontal(id="export-body"):
            yield OptionList(id="export-tables")
            yield Table(id="export-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(SIDE_NOTE), id="export-note")
        yield Static(Text("Choose a period and press Preview (F5)."), id="export-status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Load the area names."""
        self._load_areas()

    # --- workers ----------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="export-areas", exit_on_error=False)
    def _load_areas(self) -> None:
        self.post_message(self.AreasLoaded(reporting.known_areas(self.store)))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _prepare(self, request: ExportRequest) -> None:
        try:
            self.post_message(self.PreviewReady(prepare(self.store, request)))
        except (ExportError, StoreError) as exc:
            self.post_message(self.Failed(str(exc)))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, prepared: Prepared, folder: Path) -> None:
        try:
            self.post_message(self.Written(write(self.store, prepared, folder)))
        except ExportRefused as refused:
            self.post_message(self.Refused(refused.conflicts))
        except (ExportError, ExportPathError, StoreError) as exc:
            self.post_message(self.Failed(str(exc)))
        except OSError as exc:
            self.post_message(self.Failed(f"Could not write: {exc.strerror or 'I/O error'}; nothing was written."))

    # --- actions ----------------------------------------------------------------------------------------

    def request(self) -> ExportRequest:
        """The request the choosers describe."""
        area = self.query_one("#export-area", Select).value
        return ExportRequest(
            period=str(self.query_one("#export-period", Select).value),
            area=None if area == ALL_AREAS else str(area),
            fmt=str(self.query_one("#export-format", Select).value),
            as_of=self._today(),
        )

    def action_preview(self) -> None:
        """Build the anonymised tables in a worker."""
        self.prepared = None
        self.query_one("#export-write-button", Button).disabled = True
        self._status("Building the anonymised tables…")
        self._prepare(self.request())

    def action_write(self) -> None:
        """Write the previewed export (re-prepared if the choices changed since)."""
        if self.prepared is None or self.prepared.request != self.request():
            self._status("Preview first (F5): the choices changed since the last preview.")
            return
        folder = Path(self.query_one("#export-folder", Input).value.strip() or ".").expanduser()
        self._status("Writing…")
        self._write(self.prepared, folder)

    def action_back(self) -> None:
        """Leave the screen."""
        self.app.pop_screen()

    @on(Button.Pressed, "#export-preview-button")
    def _preview_pressed(self) -> None:
        self.action_preview()

    @on(Button.Pressed, "#export-write-button")
    def _write_pressed(self) -> None:
        self.action_write()

    # --- results ----------------------------------------------------------------------------------------

    @on(AreasLoaded)
    def _areas(self, message: AreasLoaded) -> None:
        options = [("All areas", ALL_AREAS), *((one_line(a, 40), a) for a in message.areas)]
        self.query_one("#export-area", Select).set_options(options)

    @on(PreviewReady)
    def _prepared(self, message: PreviewReady) -> None:
        self.prepared = message.prepared
        tables = self.query_one("#export-tables", OptionList)
        tables.clear_options()
        tables.add_options([Option(Text(f"{n}. {t.title}"), id=t.key)
                            for n, t in enumerate(message.prepared.summary.tables, 1)])
        tables.highlighted = 0
        self.show_table(message.prepared.summary.tables[0])
        counts = message.prepared.counts
        if message.prepared.conflicts:
            self._refusal(list(message.prepared.conflicts))
            return
        self.query_one("#export-write-button", Button).disabled = False
        self._status(
            f"{message.prepared.summary.period.describe()} · {message.prepared.summary.area}: "
            f"{counts['tables']} tables, {counts['cells']} figures, {counts['withheld_primary']} shown as <10, "
            f"{counts['withheld_secondary'] + counts['withheld_dominance']} withheld (*). Press Write (ctrl+s)."
        )

    @on(OptionList.OptionHighlighted, "#export-tables")
    def _table_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if self.prepared is None:
            return
        chosen = next((t for t in self.prepared.summary.tables if t.key == event.option.id), None)
        if chosen is not None:
            self.show_table(chosen)

    @on(Written)
    def _written(self, message: Written) -> None:
        self.written = message.paths
        self.query_one("#export-write-button", Button).disabled = True
        folder = message.paths[0].parent if message.paths else ""
        self._status(f"Wrote {len(message.paths)} file(s) into {folder}. The export is recorded in the audit.")

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._refusal(message.conflicts)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._status(message.text)

    # --- display ----------------------------------------------------------------------------------------

    def show_table(self, table: SafeTable) -> None:
        """Fill the preview with one table; withheld figures stand out."""
        view = self.query_one("#export-table", DataTable)
        view.clear(columns=True)
        view.add_column(Text("Group"), key="group")
        for i, col in enumerate((*table.columns, *table.extra_columns)):
            view.add_column(Text(col), key=f"c{i}")
        for n, (dimension, row) in enumerate(table.rows()):
            label = row.label if dimension == "All" else f"{dimension}: {row.label}"
            cells = [Text(c.text, style="bold reverse" if c.withheld else "") for c in row.cells]
            view.add_row(Text(label, style="bold" if dimension == "All" else ""), *cells,
                         *(Text(x) for x in row.extras), key=f"r{n}")

    def _refusal(self, conflicts: list[Conflict]) -> None:
        self.query_one("#export-write-button", Button).disabled = True
        lines = [f"Refused: together with an earlier export this would let someone work out a number between 1 "
                 f"and 9 ({len(conflicts)} figure(s)). Choose a scope that does not nest with the earlier one."]
        lines += [f"• {c.explain()}" for c in conflicts[:5]]
        if len(conflicts) > 5:
            lines.append(f"… and {len(conflicts) - 5} more.")
        self._status("\n".join(lines))

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(Text(text))

    def resume_point(self) -> tuple[str, Any]:
        """Where to come back to after a lock."""
        return ("main", "export")

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette."""
        return [
            ("Export: Preview", "Build the anonymised partnership tables", self.action_preview),
            ("Export: Write", "Write the previewed partnership summary", self.action_write),
        ]
