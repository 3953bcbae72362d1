"""Pilot: the supervisor review — figures per worker, drill-down to the right cases and into a case, closure
approval (stored and audited), who viewed / what a worker opened, privacy masking, and a non-supervisor who
sees a plain message and no one's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from caseload.app import CaseloadApp, make_app
from caseload.config import Config
from caseload.domain.review import Figure
from caseload.screens.case_view import CaseScreen
from caseload.screens.review import COLUMNS, ReviewScreen, sparkline
from caseload.screens.review_cases import AuditListScreen, ReviewCasesScreen
from caseload.store import review
from caseload.store.store import Store
from tests.app.tui import SIZE, screen_text, settle
from tests.conftest import PASSPHRASE
from tests.unit.store.review_helpers import LEAD, TODAY, WORKER_A, Team, make_team_store


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Team]:
    d = tmp_path / "team"
    return d, make_team_store(d)


def _app(store_dir: Path, user: str) -> tuple[CaseloadApp, Store]:
    store = Store.open(store_dir, PASSPHRASE, user)
    return make_app(Config(store_dir=store_dir), store=store, today=lambda: TODAY), store


async def _review(app: CaseloadApp, pilot: Any, store: Store) -> ReviewScreen:
    await settle(pilot, app)
    screen = ReviewScreen(store)
    await app.push_screen(screen)
    await settle(pilot, app)
    return screen


def _column(figure: Figure) -> int:
    return next(i for i, (_, key, f) in enumerate(COLUMNS) if f is figure and key != "spark")


def test_sparkline_scales_to_the_largest() -> None:
    assert sparkline((0, 1, 2, 4)) == " ▃▅█"
    assert sparkline((0, 0)) == "  "


async def test_figures_drill_down_and_open_a_case(team: tuple[Path, Team]) -> None:
    d, t = team
    app, store = _app(d, LEAD)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot, store)
        assert screen.data is not None
        names = [r.user_name for r in screen.data.rows]
        assert names == ["", "A. Worker", "C. Worker"]
        a = screen.data.rows[1].figures
        assert a.count(Figure.OPEN) == 2 and a.cases[Figure.OVERDUE_CONTACTS] == (t.cases["A-LATE"].id,)
        text = screen_text(app)
        assert "team North" in text and "A. Worker" in text and "2.0 (3)" in text
        table = screen.query_one("#review-workers", DataTable)
        table.cursor_coordinate = table.validate_cursor_coordinate(table.cursor_coordinate._replace(
            row=1, column=_column(Figure.DASH_OVERDUE)))
        await pilot.press("enter")
        await settle(pilot, app)
        drill = app.screen
        assert isinstance(drill, ReviewCasesScreen)
        assert [c.case_id for c in drill.cases] == [t.cases["A-LATE"].id]
        assert "QZALATE" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == t.cases["A-LATE"].id
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewCasesScreen)
        await pilot.press("v")
        await settle(pilot, app)
        viewed = app.screen
        assert isinstance(viewed, AuditListScreen)
        assert [(e.actor, e.event, e.case_id) for e in viewed.entries] == [(LEAD, "case.viewed", t.cases["A-LATE"].id)]
        assert "Who viewed C-2026-0001" in screen_text(app)
        app._escapes.clear()  # three Esc within 2 s would be the quick exit
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewCasesScreen)
        app._escapes.clear()
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is screen
        table.cursor_coordinate = table.validate_cursor_coordinate(table.cursor_coordinate._replace(
            row=0, column=_column(Figure.NEW_12M)))
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewCasesScreen)
        assert {c.case_id for c in app.screen.cases} == {
            t.cases[k].id for k in ("A-LATE", "A-FINE", "A-CLOSED", "C-FINE")}
    assert not store.is_open


async def test_approve_closure_is_stored_and_audited(team: tuple[Path, Team]) -> None:
    d, t = team
    closed = t.cases["A-CLOSED"]
    app, store = _app(d, LEAD)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot, store)
        assert screen.data is not None and [i.case_id for i in screen.data.awaiting.items] == [closed.id]
        assert "1 older closures not approved" in screen_text(app)
        await pilot.press("a")  # first press moves to the closures list
        await settle(pilot, app)
        assert review.approvals(store, closed.id) == []
        await pilot.press("a")
        await settle(pilot, app)
        approvals = review.approvals(store, closed.id)
        assert len(approvals) == 1 and approvals[0].closed_on == closed.closed_on
        assert approvals[0].approved_by == t.users["lead"].id
        assert store.audit_entries(closed.id, limit=1)[0].event == "closure.approved"
        assert screen.data is not None and screen.data.awaiting.items == ()
        assert "Closures awaiting approval (0)" in screen_text(app)
    with Store.open(d, PASSPHRASE, LEAD) as again:
        assert len(review.approvals(again, closed.id)) == 1


async def test_opened_by_and_privacy(team: tuple[Path, Team]) -> None:
    d, t = team
    with Store.open(d, PASSPHRASE, WORKER_A) as worker:
        worker.audit_event("case.viewed", t.cases["A-FINE"].id)
    app, store = _app(d, LEAD)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot, store)
        assert "QZACLOSED" in screen_text(app)
        app.privacy = True
        await pilot.pause()
        assert "QZACLOSED" not in screen_text(app) and "●" in screen_text(app)
        app.privacy = False
        table = screen.query_one("#review-workers", DataTable)
        table.move_cursor(row=1)
        await pilot.press("o")
        await settle(pilot, app)
        opened = app.screen
        assert isinstance(opened, AuditListScreen)
        assert [(e.actor, e.case_id) for e in opened.entries] == [(WORKER_A, t.cases["A-FINE"].id)]
        assert "C-2026-0002" in screen_text(app)


async def test_non_supervisor_sees_a_message_and_no_figures(team: tuple[Path, Team]) -> None:
    d, _ = team
    app, store = _app(d, WORKER_A)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _review(app, pilot, store)
        text = screen_text(app)
        assert "Review is for supervisors" in text
        assert screen.data is None
        assert "C. Worker" not in text and "QZCFINE" not in text and "Closures awaiting" not in text
        await pilot.press("a", "o", "enter", "f5")
        await settle(pilot, app)
        assert screen.data is None and isinstance(app.screen, ReviewScreen)
