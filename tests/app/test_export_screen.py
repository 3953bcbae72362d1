"""Pilot: the export screen previews with withheld figures marked, writes, and explains a ledger refusal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Button, DataTable, Input, OptionList, Select, Static

from caseload.app import make_app
from caseload.config import Config
from caseload.screens.export import ExportScreen
from caseload.store import ledger
from caseload.store.store import Store
from tests.conftest import PASSPHRASE
from tests.unit.export.popstore import add_cases, load_synthetic, supervisor_store


def _store(store_dir: Path) -> None:
    s = supervisor_store(store_dir)
    load_synthetic(s, 120)
    add_cases(s, 20, date(2026, 8, 3))
    add_cases(s, 4, date(2026, 2, 9))
    s.lock()


def _status(screen: ExportScreen) -> str:
    return str(screen.query_one("#export-status", Static).render())


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_preview_write_then_refusal(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    _store(store_dir)
    store = Store.open(store_dir, PASSPHRASE)
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(Config(store_dir=store_dir), store=store, today=lambda: date(2026, 12, 31))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = ExportScreen(store, app.config)
        app.push_screen(screen)
        await _settle(app, pilot)
        area = screen.query_one("#export-area", Select)
        assert any("Northshire" in str(o[0]) for o in area._options)
        screen.query_one("#export-period", Select).value = "2026-Q3"
        screen.query_one("#export-format", Select).value = "md"
        screen.query_one("#export-folder", Input).value = str(out)
        await pilot.press("f5")
        await _settle(app, pilot)
        assert screen.prepared is not None
        assert screen.query_one("#export-tables", OptionList).option_count == 17
        table = screen.query_one("#export-table", DataTable)
        tables = screen.query_one("#export-tables", OptionList)
        shown: list[str] = []
        for i in range(tables.option_count):
            tables.highlighted = i
            await pilot.pause()
            assert table.row_count >= 1
            if tables.get_option_at_index(i).id != "first_attempt":  # medians are not counts
                shown += [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]
        assert "<10" in shown and "All" in shown
        assert all(x in ("0", "<10", "*", "n/a") or not x.isdigit() or int(x) % 5 == 0 for x in shown)
        assert not screen.query_one("#export-write-button", Button).disabled
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert len(screen.written) == 1 and screen.written[0].parent == out.resolve()
        assert screen.written[0].read_bytes().startswith(b"# Partnership summary")
        assert "Wrote 1 file" in _status(screen)
        assert len(ledger.entries(store)) == 1
        # the year to date nests the quarter and was built to leak: refused, in words, nothing written
        screen.query_one("#export-period", Select).value = "2026"
        await pilot.press("f5")
        await _settle(app, pilot)
        text = _status(screen)
        assert text.startswith("Refused") and "between 1 and 9" in text and "column" in text
        assert screen.query_one("#export-write-button", Button).disabled
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert len(list(out.iterdir())) == 1 and len(ledger.entries(store)) == 1


async def test_bad_folder_is_a_message_not_a_crash(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    _store(store_dir)
    store = Store.open(store_dir, PASSPHRASE)
    app = make_app(Config(store_dir=store_dir), store=store, today=lambda: date(2026, 12, 31))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = ExportScreen(store, app.config)
        app.push_screen(screen)
        await _settle(app, pilot)
        screen.query_one("#export-folder", Input).value = str(tmp_path / "missing")
        await pilot.press("f5")
        await _settle(app, pilot)
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "does not exist" in _status(screen)
        assert app.screen is screen
