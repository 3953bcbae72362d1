"""Pilot tests of VictimToldModal: closes the obligation; late when told after the due date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from caseload.domain.enums import Channel, MilestoneKind
from caseload.domain.model import VictimUpdate
from caseload.screens.victim_told import VictimToldModal
from caseload.store.store import Store
from tests.app.form_helpers import new_store, run_modal, snapshot

TUESDAY = date(2026, 12, 29)


def charged_update(store: Store, case_id: str) -> VictimUpdate:
    """The update owed for "charged" on Thu 24 Dec 2026 (due Tue 29 Dec 2026)."""
    _, updates = store.add_milestone(case_id, kind=MilestoneKind.CHARGED, occurred_on=date(2026, 12, 24))
    assert updates[0].due_on == TUESDAY
    return updates[0]


async def test_told_on_time_with_channel(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    update = charged_update(store, case_id)
    async with run_modal(store, VictimToldModal(store, update, TUESDAY), today=TUESDAY) as run:
        assert "charge decision on Thu 24 Dec 2026" in run.text()
        assert run.shown("#timeliness") == "on time (due Tue 29 Dec 2026)"
        await run.press("tab", "t", "ctrl+s")  # told today, by text
        assert run.results and run.results[0].told_on == TUESDAY
        stored = run.store.get(VictimUpdate, update.id)
    assert stored is not None
    assert (stored.told_on, stored.told_channel, stored.late) == (TUESDAY, Channel.TEXT, False)


async def test_told_after_due_date_is_late(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    update = charged_update(store, case_id)
    today = date(2027, 1, 4)
    async with run_modal(store, VictimToldModal(store, update, today), today=today) as run:
        await run.fill("#told DateInput", "31/12/2026")
        assert run.shown("#timeliness") == "late: due Tue 29 Dec 2026, told 2 working days after"
        await run.press("ctrl+s")
        assert "late" in run.text()  # the notification after closing
        stored = run.store.get(VictimUpdate, update.id)
    assert stored is not None and stored.told_on == date(2026, 12, 31) and stored.late


async def test_cancel_and_bad_dates_write_nothing(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    update = charged_update(store, case_id)
    async with run_modal(store, VictimToldModal(store, update, TUESDAY), today=TUESDAY) as run:
        before = snapshot(run.store)
        await run.fill("#told DateInput", "29-12-2026")
        await run.press("ctrl+s")
        assert "Told on: write the date as 2026-12-24 or 24/12/2026." in run.message()
        await run.fill("#told DateInput", "2026-12-23")
        await run.press("ctrl+s")
        assert "Told on: it is before the event (Thu 24 Dec 2026)." in run.message()
        assert not run.dismissed and snapshot(run.store) == before
        await run.press("escape")
        assert run.results == [None] and snapshot(run.store) == before


async def test_already_told_is_refused_in_words(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    update = charged_update(store, case_id)
    store.mark_update_told(update, told_on=TUESDAY, channel=Channel.PHONE)
    async with run_modal(store, VictimToldModal(store, update, TUESDAY), today=TUESDAY) as run:
        assert "Already marked told on Tue 29 Dec 2026." in run.message()
        before = snapshot(run.store)
        await run.press("ctrl+s")
        assert "already marked told" in run.message() and not run.dismissed
        assert snapshot(run.store) == before
