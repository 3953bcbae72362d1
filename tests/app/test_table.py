"""The fast-drawing table draws exactly what Textual's DataTable draws (every cell, cursor, hover, zebra
stripes, truncation, wide characters, styles), and falls back for anything it does not handle."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from caseload.widgets.table import Table

ROWS: list[tuple[Any, ...]] = [
    (Text("C-2026-0001"), Text("Testina Fictional"), Text("HIGH", style="bold red"), Text("")),
    (Text("C-2026-0002"), Text("名前テスト名前テスト名前テスト名前"), Text("medium", style="yellow"), Text("x" * 80)),
    (Text("C-2026-0003"), Text.assemble(("bold", "bold"), " plain ", ("ital", "italic")), Text("standard"),
     Text("ellipsis " * 10, overflow="ellipsis")),
    (Text("C-2026-0004"), Text("right", justify="right"), Text("tab\there"), "a plain string"),
    (Text("C-2026-0005"), Text("two\nlines"), Text("😀 emoji 😀" * 4), Text("end", end="")),
    (Text("C-2026-0006", style="dim"), Text.assemble("a ", ("b", "bold"), style="underline"), Text("名前"), None),
]


class Pair(App[None]):
    """Both tables side by side, with the same rows."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="orig", cursor_type="row", zebra_stripes=True)
        yield Table(id="fast", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for n, label in enumerate(("Ref", "Name", "Risk", "Note")):
                table.add_column(label, key=str(n), width=None if n < 2 else 12)
            table.add_rows(ROWS)


def _lines(table: DataTable[Any]) -> list[list[Segment]]:
    return [list(Segment.simplify(table.render_line(y))) for y in range(table.size.height)]


async def _both(app: App[None], pilot: Any) -> tuple[list[list[Segment]], list[list[Segment]]]:
    """Each table's lines, each drawn while it has the focus (focus changes the colours)."""
    out = []
    for name in ("#orig", "#fast"):
        table = app.query_one(name, DataTable)
        table.focus()
        await pilot.pause()
        out.append(_lines(table))
    return out[0], out[1]


async def test_fast_table_draws_the_same_as_datatable() -> None:
    app = Pair()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        orig, fast = app.query_one("#orig", DataTable), app.query_one("#fast", Table)
        assert orig.size == fast.size
        assert orig.virtual_size == fast.virtual_size
        assert [c.content_width for c in orig.ordered_columns] == [c.content_width for c in fast.ordered_columns]
        assert len(_lines(fast)) == len(ROWS) + 1
        for row in range(len(ROWS)):
            for coordinate in (Coordinate(row, 0), Coordinate(row, 2)):
                orig.cursor_coordinate = fast.cursor_coordinate = coordinate
                orig.hover_coordinate = fast.hover_coordinate = Coordinate(len(ROWS) - 1 - row, 1)
                want_lines, got_lines = await _both(app, pilot)
                assert got_lines == want_lines


async def test_fast_table_with_fixed_columns_and_narrow_cells() -> None:
    app = Pair()
    async with app.run_test(size=(40, 12)) as pilot:
        for table in app.query(DataTable):
            table.fixed_columns = 1
            table.cell_padding = 0
        want_lines, got_lines = await _both(app, pilot)
        assert got_lines == want_lines


async def test_fast_table_follows_new_rows_and_columns() -> None:
    app = Pair()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        for table in app.query(DataTable):
            table.add_row(Text("C-2026-0006 with a much longer reference"), Text("x"), Text(""), Text("y"))
            table.clear(columns=True)
            for label in ("One", "Two", "Three"):
                table.add_column(label)
            table.add_rows([(Text("a"), Text("bb" * 30), Text("ccc")), (Text("dddd"), Text(""), Text("e\nf"))])
        await pilot.pause()
        orig, fast = app.query_one("#orig", DataTable), app.query_one("#fast", Table)
        assert [c.label.plain for c in fast.ordered_columns] == ["One", "Two", "Three"]
        assert orig.virtual_size == fast.virtual_size
        assert [c.content_width for c in orig.ordered_columns] == [c.content_width for c in fast.ordered_columns]
        want_lines, got_lines = await _both(app, pilot)
        assert got_lines == want_lines
