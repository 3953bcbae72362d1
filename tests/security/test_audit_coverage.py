"""Issue 7: every audit event kind in security.md ("Audit" rule) is produced by its action, and no entry's
detail carries case data.

One store, one real action per kind through the real API (the store, the admin and export services, and a
Pilot run of the app for the case view and the reveal), then the audit trail is read back.

security.md kind       | event name(s) the code writes           | action here
-----------------------|-----------------------------------------|------------------------------------------
unlock ok              | unlock.ok                               | Store.open / the app's unlock screen
unlock failed          | unlock.failed (recorded at next unlock) | Store.open with a wrong passphrase
case viewed            | case.viewed                             | app: Cases → open case (screens.case_view)
field revealed         | field.revealed                          | app: "r" on the case view
edit                   | case.created, contact.logged,           | create_victim_case, log_contact,
                       | case.status_changed, case.closed        | change_status, close_case
export                 | export.partnership (+ export.refused)   | export.service prepare + write
disposal               | cases.disposed                          | admin_retention.dispose
settings change        | settings.changed                        | Store.set_setting
user/slot change       | user.added, user.passphrase_changed,    | admin.add_user, admin.change_passphrase,
                       | user.removed                            | admin.remove_user
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from caseload.domain.enums import Channel, ClosureReason, ContactKind, ContactOutcome, Role
from caseload.domain.model import Case
from caseload.export.service import ExportRequest, prepare, write
from caseload.screens.case_view import CaseScreen
from caseload.store import admin, admin_retention
from caseload.store.audit import AuditEntry
from caseload.store.errors import WrongPassphrase
from caseload.store.store import Store
from tests.app.tui import SIZE, new_app, open_first_case, settle, unlock
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.casework_helpers import SAFE, VICTIM, referral_form

CANARY = "CANARYAUDIT7"
NOTE_CANARY = "CANARYNOTE7"
NEW_PASSPHRASE = "another horse battery staple"
SUPERVISOR = "S. Supervisor"

# security.md kind → the event names that must appear after its action.
EXPECTED: dict[str, tuple[str, ...]] = {
    "unlock ok": ("unlock.ok",),
    "unlock failed": ("unlock.failed",),
    "case viewed": ("case.viewed",),
    "field revealed": ("field.revealed",),
    "edit": ("case.created", "contact.logged", "case.status_changed", "case.closed"),
    "export": ("export.partnership",),
    "disposal": ("cases.disposed",),
    "settings change": ("settings.changed",),
    "user/slot change": ("user.added", "user.passphrase_changed", "user.removed"),
}


def _build(store_dir: Path) -> str:
    """A supervisor's store with one canary victim case, edited; returns the case id."""
    store = Store.create(store_dir, SUPERVISOR, Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    try:
        victim = dataclasses.replace(VICTIM, given_name=CANARY, family_name=f"{CANARY}son")
        safe = dataclasses.replace(SAFE, code_word=f"{CANARY}word")
        form = referral_form(victim=victim, safe_contact=safe, children=(), received_on=date(2026, 11, 2),
                             area="Exampleshire")
        cf = store.create_victim_case(form)
        store.log_contact(cf.case.id, at=datetime(2026, 11, 3, 10, 0, tzinfo=UTC), kind=ContactKind.CONTACT,
                          channel=Channel.PHONE, outcome=ContactOutcome.SPOKE, minutes=20,
                          note=f"Said {NOTE_CANARY} at the door", advance_status=False)
        stored = store.casefile(cf.case.id)
        assert stored is not None  # the canaries really are in the store, so the leak check can fail
        assert stored.subject.given_name == CANARY and stored.contacts[0].note.startswith(f"Said {NOTE_CANARY}")
        case = stored.case
        store.change_status(case, "assessment")
        store.set_setting("reveal_seconds", "120")
        return cf.case.id
    finally:
        store.lock()


async def _view_and_reveal(store_dir: Path, case_id: str) -> None:
    """The app, as a worker would use it: unlock, open the case, reveal its masked details."""
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        await open_first_case(pilot, app)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == case_id
        await pilot.press("r")
        await settle(pilot, app)
        assert app.screen.revealed


def _admin_and_export(store_dir: Path, case_id: str, out: Path) -> None:
    """Export, user/slot changes, closure and disposal, through the services the CLI and TUI call."""
    store = Store.open(store_dir, PASSPHRASE)
    try:
        files = write(store, prepare(store, ExportRequest("2026", None, "csv", as_of=date(2026, 12, 31))), out)
        assert files
        admin.add_user(store, "B. Worker", Role.IDVA, "b worker's own passphrase", kdf=FLOOR)
        admin.change_passphrase(store, PASSPHRASE, NEW_PASSPHRASE)
        admin.remove_user(store, "B. Worker")
        case = store.get(Case, case_id)
        assert case is not None
        store.close_case(case, on=date(2026, 12, 1), reason=ClosureReason.RISK_REDUCED,
                         abuse_stopped=True, feels_safer=True)
        admin_retention.dispose(store, [case.reference], on=date(2040, 1, 1))
        assert store.get(Case, case_id) is None
    finally:
        store.lock()


@pytest.fixture(scope="module")
def trail(tmp_path_factory: pytest.TempPathFactory) -> list[AuditEntry]:
    """Every audit entry after one real action per security.md kind (oldest first). Built once."""
    tmp_path = tmp_path_factory.mktemp("audit_coverage")
    store_dir = tmp_path / "store"
    case_id = _build(store_dir)
    with pytest.raises(WrongPassphrase):
        Store.open(store_dir, "not the passphrase at all")
    asyncio.run(_view_and_reveal(store_dir, case_id))
    out = tmp_path / "out"
    out.mkdir()
    _admin_and_export(store_dir, case_id, out)
    store = Store.open(store_dir, NEW_PASSPHRASE)
    try:
        assert store.check().ok
        return list(reversed(store.audit_entries(limit=10_000)))
    finally:
        store.lock()


def test_every_security_md_event_kind_is_audited(trail: list[AuditEntry]) -> None:
    events = [e.event for e in trail]
    missing = {kind: [n for n in names if n not in events] for kind, names in EXPECTED.items()}
    assert {k: v for k, v in missing.items() if v} == {}
    failed = next(e for e in trail if e.event == "unlock.failed")
    assert failed.detail["count"] == 1
    # the failure is recorded at the next unlock, just before that unlock's unlock.ok
    assert events[events.index("unlock.failed") + 1] == "unlock.ok"
    reveal = next(e for e in trail if e.event == "field.revealed")
    assert "code_word" in reveal.detail["fields"] and reveal.case_id
    export = next(e for e in trail if e.event == "export.partnership")
    assert {"period", "format", "threshold", "cells"} <= set(export.detail)  # parameters and cell counts
    assert export.detail["period"] == "2026" and export.detail["format"] == "csv"
    disposed = next(e for e in trail if e.event == "cases.disposed")
    assert disposed.detail["cases"] == 1 and disposed.case_id is None


def test_no_audit_entry_carries_case_data(trail: list[AuditEntry]) -> None:
    planted = (CANARY, NOTE_CANARY, "ZZ99 1AA", "07700 900123", VICTIM.address,
               PASSPHRASE, NEW_PASSPHRASE, "b worker's own passphrase")
    for entry in trail:
        text = json.dumps(entry.detail) + entry.event + (entry.case_id or "")
        leaked = [p for p in planted if p.casefold() in text.casefold()]
        assert not leaked, f"{entry.event} (#{entry.seq}) carries {leaked}"
