"""Pilot: the settings screen changes my passphrase (old fails, new opens), adds a user whose new slot opens
the store, removes one after confirmation, backs up into the store's backups folder (the file passes the
store's own check), and reviews retention (legal hold shown and blocking; disposal needs the typed reference
and is audited). A non-supervisor cannot add, remove or review retention."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, Select, TabbedContent

from caseload.app import CaseloadApp, make_app
from caseload.config import Config
from caseload.domain.enums import CaseKind, ClosureReason, PersonRole, Role
from caseload.domain.ids import new_id
from caseload.domain.model import Case, Person
from caseload.screens.settings import SettingsScreen, size_text
from caseload.store import admin_backup
from caseload.store.errors import StoreError, WrongPassphrase
from caseload.store.store import Store
from tests.app.tui import SIZE, screen_text, settle
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.review_helpers import LEAD, TODAY, WORKER_A, Team, make_team_store

NEW_PASSPHRASE = "a brand new passphrase for the lead"


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Team]:
    d = tmp_path / "team"
    return d, make_team_store(d)


async def _settings(store_dir: Path, user: str, pilot_fn: Any) -> None:
    store = Store.open(store_dir, PASSPHRASE, user)
    app: CaseloadApp = make_app(Config(store_dir=store_dir), store=store, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = SettingsScreen(store, app.config, kdf=FLOOR)
        await app.push_screen(screen)
        await settle(pilot, app)
        await pilot_fn(app, pilot, screen, store)
    assert not store.is_open


def _type(screen: SettingsScreen, **values: str) -> None:
    for wid, value in values.items():
        screen.query_one(f"#{wid.replace('_', '-')}", Input).value = value


async def _press(app: Any, pilot: Any, screen: SettingsScreen, tab: str, button: str) -> None:
    screen.query_one(TabbedContent).active = tab
    await pilot.pause()
    screen.query_one(f"#{button}", Button).press()
    await settle(pilot, app)


def test_size_text() -> None:
    assert size_text(812) == "812 bytes" and size_text(4300) == "4.2 KB" and size_text(12_900_000) == "12.3 MB"


async def test_change_passphrase_old_fails_new_opens(team: tuple[Path, Team]) -> None:
    d, _ = team

    async def flow(app: Any, pilot: Any, screen: SettingsScreen, store: Store) -> None:
        _type(screen, pp_old=PASSPHRASE, pp_new=NEW_PASSPHRASE, pp_confirm="a different one entirely")
        await _press(app, pilot, screen, "tab-passphrase", "pp-change")
        assert "differ" in screen_text(app)
        _type(screen, pp_old="not my passphrase", pp_confirm=NEW_PASSPHRASE)
        await _press(app, pilot, screen, "tab-passphrase", "pp-change")
        assert "rong passphrase" in screen_text(app)
        _type(screen, pp_old=PASSPHRASE, pp_new=NEW_PASSPHRASE, pp_confirm=NEW_PASSPHRASE)
        await _press(app, pilot, screen, "tab-passphrase", "pp-change")
        assert "Passphrase changed" in screen_text(app)
        assert screen.query_one("#pp-old", Input).value == ""

    await _settings(d, LEAD, flow)
    with pytest.raises(WrongPassphrase):
        Store.open(d, PASSPHRASE, LEAD)
    with Store.open(d, NEW_PASSPHRASE, LEAD) as s:
        assert s.user_name == LEAD
    with Store.open(d, PASSPHRASE, WORKER_A) as s:  # other slots untouched
        assert s.role is Role.IDVA


async def test_add_and_remove_users(team: tuple[Path, Team]) -> None:
    d, _ = team
    newcomer_pp = "the newcomer's own passphrase"

    async def flow(app: Any, pilot: Any, screen: SettingsScreen, store: Store) -> None:
        assert [u.name for u in screen.users] == ["A. Worker", "C. Worker", "S. Lead"]
        _type(screen, user_name="D. Newcomer", user_pass=newcomer_pp)
        screen.query_one("#user-role", Select).value = Role.DRIVE.value
        await _press(app, pilot, screen, "tab-users", "user-add")
        assert "Added a key slot for D. Newcomer" in screen_text(app)
        assert any(u.name == "D. Newcomer" and u.has_slot and u.role is Role.DRIVE for u in screen.users)
        table = screen.query_one("#users-table", DataTable)
        table.move_cursor(row=[u.name for u in screen.users].index(WORKER_A))
        await _press(app, pilot, screen, "tab-users", "user-remove")
        await pilot.press("n")  # keep
        await settle(pilot, app)
        assert any(s.user == WORKER_A for s in store.slots)
        await _press(app, pilot, screen, "tab-users", "user-remove")
        await pilot.press("y")
        await settle(pilot, app)
        assert not any(s.user == WORKER_A for s in store.slots)
        assert "Removed the key slot of A. Worker" in screen_text(app)
        events = [e.event for e in store.audit_entries(limit=5)]
        assert "user.added" in events and "user.removed" in events

    await _settings(d, LEAD, flow)
    with Store.open(d, newcomer_pp, "D. Newcomer") as s:
        assert s.role is Role.DRIVE
    with pytest.raises(StoreError):
        Store.open(d, PASSPHRASE, WORKER_A)


async def test_backup_now_writes_a_file_that_passes_the_check(team: tuple[Path, Team], tmp_path: Path) -> None:
    d, _ = team

    async def flow(app: Any, pilot: Any, screen: SettingsScreen, store: Store) -> None:
        await _press(app, pilot, screen, "tab-backup", "backup-now")
        assert screen.last_backup is not None
        text = screen_text(app)
        assert screen.last_backup.name in text and "Backup written" in text
        assert "Restore is command-line only" in text
        assert store.audit_entries(limit=1)[0].event == "store.backed_up"

    await _settings(d, LEAD, flow)
    files = list((d / "backups").glob("*.clbackup"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    report = admin_backup.verify_backup(files[0], PASSPHRASE, WORKER_A, work=tmp_path / "verify")
    assert report.ok


def _old_cases(store_dir: Path) -> dict[str, Case]:
    out: dict[str, Case] = {}
    with Store.open(store_dir, PASSPHRASE, LEAD) as s:
        people, cases = [], []
        worker = next(u for u in s.users() if u.name == LEAD)
        for label, hold in (("OLD", False), ("HELD", True)):
            p = Person(id=new_id(), role=PersonRole.VICTIM, given_name=f"QZ{label}", family_name="Sample")
            c = Case(id=new_id(), reference=f"C-2015-{label}", kind=CaseKind.VICTIM, subject_id=p.id,
                     worker_id=worker.id, status="closed", opened_on=date(2015, 1, 5), closed_on=date(2015, 5, 1),
                     closure_reason=ClosureReason.RISK_REDUCED, legal_hold=hold,
                     legal_hold_reason="safeguarding review" if hold else "")
            people.append(p)
            cases.append(c)
            out[label] = c
        s.bulk_insert({"people": people, "cases": cases})
    return out


async def test_retention_hold_blocks_and_typed_disposal(team: tuple[Path, Team]) -> None:
    d, _ = team
    cases = _old_cases(d)

    async def flow(app: Any, pilot: Any, screen: SettingsScreen, store: Store) -> None:
        assert [(i.reference, i.offered) for i in screen.retention] == [("C-2015-OLD", True), ("C-2015-HELD", False)]
        screen.query_one(TabbedContent).active = "tab-retention"
        await pilot.pause()
        assert "no: legal hold" in screen_text(app)
        table = screen.query_one("#retention-table", DataTable)
        table.move_cursor(row=1)
        _type(screen, dispose_confirm="C-2015-HELD")
        await _press(app, pilot, screen, "tab-retention", "dispose")
        assert "legal hold" in screen_text(app) and store.get(Case, cases["HELD"].id) is not None
        table.move_cursor(row=0)
        _type(screen, dispose_confirm="C-2015-OL")
        await _press(app, pilot, screen, "tab-retention", "dispose")
        assert "nothing was deleted" in screen_text(app) and store.get(Case, cases["OLD"].id) is not None
        _type(screen, dispose_confirm="C-2015-OLD")
        await _press(app, pilot, screen, "tab-retention", "dispose")
        assert store.get(Case, cases["OLD"].id) is None and store.get(Case, cases["HELD"].id) is not None
        entry = store.audit_entries(limit=1)[0]
        assert entry.event == "cases.disposed" and entry.case_id is None and "C-2015" not in repr(entry.detail)
        assert [i.reference for i in screen.retention] == ["C-2015-HELD"]

    await _settings(d, LEAD, flow)


async def test_non_supervisor_cannot_administer(team: tuple[Path, Team]) -> None:
    d, _ = team

    async def flow(app: Any, pilot: Any, screen: SettingsScreen, store: Store) -> None:
        for wid in ("user-add", "user-remove", "dispose"):
            assert screen.query_one(f"#{wid}", Button).disabled
        assert screen.retention == []
        screen.query_one(TabbedContent).active = "tab-retention"
        await pilot.pause()
        assert "Retention review is for supervisors" in screen_text(app)
        screen._add_user("E. Sneaky", Role.SUPERVISOR, "a long enough passphrase")  # the store refuses too
        await settle(pilot, app)
        assert "Only a supervisor" in screen_text(app)
        assert not any(s.user == "E. Sneaky" for s in store.slots)

    await _settings(d, WORKER_A, flow)
