"""The case list's "has overdue" filter (o): the cases it keeps are exactly those with overdue work on the
app's day — worked out from the due facts the store keeps, as `caseload due` does — for an IDVA (her cases)
and a supervisor (every case), and the list says while it is still checking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caseload.app import make_app
from caseload.config import Config
from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain.due import due_items
from caseload.domain.enums import Role
from caseload.screens.case_list import CaseListScreen
from caseload.store.keys import KdfParams, read_keys
from caseload.store.store import Store
from tests.app.tui import SIZE, keys, settle

TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store_dir = tmp_path_factory.mktemp("overdue") / "demo"
    build_demo(store_dir, 40, 11, TODAY, kdf=KdfParams())
    return store_dir


def _expected(store_dir: Path, user: str, role: Role) -> set[str]:
    """Overdue cases the slow way: every case file through the due rules."""
    store = Store.open(store_dir, DEMO_PASSPHRASE, user, verify=False)
    try:
        me = store.me()
        assert me is not None
        worker_id = None if role is Role.SUPERVISOR else me.id
        files = store.due_casefiles(worker_id=worker_id)
        return {i.case_id for i in due_items(files, TODAY, worker_id=worker_id, horizon_days=0) if i.days_overdue > 0}
    finally:
        store.lock()


@pytest.mark.parametrize("role", [Role.IDVA, Role.SUPERVISOR])
async def test_has_overdue_keeps_exactly_the_cases_with_overdue_work(demo_dir: Path, role: Role) -> None:
    user = next(s.user for s in read_keys(demo_dir / "keys.json").slots if s.role == role)
    expected = _expected(demo_dir, user, role)
    assert expected  # the demo has overdue work
    store = Store.open(demo_dir, DEMO_PASSPHRASE, user, verify=False)
    app = make_app(Config(store_dir=demo_dir, user=user), store=store, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await keys(pilot, app, "2")
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        await settle(pilot, app)
        assert screen.overdue == expected & {lr.row.case.id for lr in screen.rows}
        await keys(pilot, app, "o")
        shown = {lr.row.case.id for lr in screen.shown}
        assert shown and shown <= expected
        assert all(lr.row.case.is_open for lr in screen.shown)  # the status filter (open) still applies
        assert "with overdue work" in str(screen.query_one("#cases-summary").render())
        await keys(pilot, app, "o")
        assert len(screen.shown) > len(shown)
