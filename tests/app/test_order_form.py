"""Pilot tests of OrderModal and BreachModal."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from textual.widgets import Input

from caseload.domain.enums import IncidentKind, OrderType, PersonRole
from caseload.domain.forms import PerpetratorDetails, PersonDetails
from caseload.domain.model import Incident, OrderBreach, Party, ProtectiveOrder
from caseload.screens.order_form import BreachModal, OrderModal
from tests.app.form_helpers import TODAY, new_store, run_modal, snapshot
from tests.app.tui import control_chars
from tests.unit.store.casework_helpers import PERPETRATOR, referral_form


async def test_add_bail_with_conditions(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, OrderModal(store, case_id, TODAY)) as run:
        await run.press("c")  # pre-charge bail
        assert "Bail ends on the date set" in run.text()
        await run.fill("#starts DateInput", "18/12/2026")
        await run.fill("#ends DateInput", "2027-01-12")
        await run.fill("#conditions", "Not to contact the victim; not to enter Example Road")
        await run.press("ctrl+s")
        assert run.results and isinstance(run.results[0], ProtectiveOrder)
        orders = run.store.all(ProtectiveOrder)
    assert [(o.case_id, o.kind, o.starts_on, o.ends_on, o.conditions) for o in orders] == [
        (case_id, OrderType.PRE_CHARGE_BAIL, date(2026, 12, 18), date(2027, 1, 12),
         "Not to contact the victim; not to enter Example Road")]


async def test_dvpn_end_is_filled_in_48_hours(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, OrderModal(store, case_id, TODAY)) as run:
        await run.press("n", "ctrl+s")
        orders = run.store.all(ProtectiveOrder)
    assert [(o.kind, o.starts_on, o.ends_on) for o in orders] == [(OrderType.DVPN, TODAY, date(2026, 12, 23))]


async def test_bad_dates_and_rui_conditions_are_refused_before_saving(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, OrderModal(store, case_id, TODAY)) as run:
        before = snapshot(run.store)
        await run.press("ctrl+s")
        assert "Type: choose one" in run.message()
        await run.press("r")
        await run.fill("#ends DateInput", "1/1/26")
        await run.press("ctrl+s")
        assert "Ends: write the date as 2026-12-24 or 24/12/2026." in run.message()
        await run.fill("#ends DateInput", "01/12/2026")
        await run.press("ctrl+s")
        assert "Ends: it cannot end before it starts." in run.message()
        run.modal.query_one("#kind").focus()
        await run.press("u")
        await run.fill("#ends DateInput", "")
        await run.fill("#conditions", "report weekly")
        await run.press("ctrl+s")
        assert "release under investigation carries no conditions" in run.message()
        assert not run.dismissed and snapshot(run.store) == before
        await run.press("escape")
        assert run.results == [None] and snapshot(run.store) == before


async def test_edit_order_and_conflict(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    order = store.add_order(case_id, kind=OrderType.DVPO, starts_on=date(2026, 12, 10), ends_on=date(2027, 1, 7))
    async with run_modal(store, OrderModal(store, case_id, TODAY, order)) as run:
        await run.fill("#ends DateInput", "2027-01-14")
        await run.press("ctrl+s")
        stored = run.store.get(ProtectiveOrder, order.id)
    assert stored is not None and stored.ends_on == date(2027, 1, 14) and stored.version == 2

    async with run_modal(store_reopened := new_store(tmp_path / "s2")[0], OrderModal(
            store_reopened, case_id, TODAY, order)) as run:
        await run.press("ctrl+s")  # case_id is from another store: the store says so, in words
        assert "no longer exists" in run.message() and not run.dismissed


async def test_stale_order_edit_is_a_conflict(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    order = store.add_order(case_id, kind=OrderType.DVPO, starts_on=date(2026, 12, 10), ends_on=date(2027, 1, 7))
    store.update_order(dataclasses.replace(order, conditions="changed elsewhere"))
    async with run_modal(store, OrderModal(store, case_id, TODAY, order)) as run:
        before = snapshot(run.store)
        await run.press("ctrl+s")
        assert "was changed by someone else" in run.message()
        assert snapshot(run.store) == before


async def test_breach_is_also_an_incident(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    order = store.add_order(case_id, kind=OrderType.PRE_CHARGE_BAIL, starts_on=date(2026, 12, 10),
                            ends_on=date(2027, 1, 12), conditions="CANARYCONDITION")
    async with run_modal(store, BreachModal(store, order, TODAY)) as run:
        assert "CANARYCONDITION" in run.text()
        run.app.privacy = True
        await run.settle()
        assert "CANARYCONDITION" not in run.text() and "Testina" not in run.text()
        await run.fill("#on DateInput", "19/12/2026")
        await run.fill("#note", "Came to her door at night")
        run.modal.query_one("#gravity").focus()
        await run.press("4", "ctrl+s")
        assert run.results and run.results[0] is not None
        breaches, incidents = run.store.all(OrderBreach), run.store.all(Incident)
        perp = next(p.person_id for p in run.store.all(Party) if p.role == PersonRole.PERPETRATOR)
    assert [(b.order_id, b.occurred_on, b.note) for b in breaches] == [
        (order.id, date(2026, 12, 19), "Came to her door at night")]
    assert [(i.case_id, i.kind, i.occurred_on, i.gravity, i.perpetrator_id) for i in incidents] == [
        (case_id, IncidentKind.BREACH, date(2026, 12, 19), 4, perp)]


async def test_breach_with_two_perpetrators_asks_who(tmp_path: Path) -> None:
    second = PerpetratorDetails(PersonDetails(given_name="Sample", family_name="Brother"))
    form = referral_form(perpetrators=(PerpetratorDetails(PERPETRATOR), second))
    store, case_id = new_store(tmp_path / "store", form)
    order = store.add_order(case_id, kind=OrderType.NON_MOLESTATION, starts_on=date(2026, 12, 1))
    async with run_modal(store, BreachModal(store, order, TODAY)) as run:
        before = snapshot(run.store)
        await run.fill("#on DateInput", "30/11/2026")
        await run.press("ctrl+s")
        assert "before the order started" in run.message()
        await run.fill("#on DateInput", "2026-12-20")
        await run.press("ctrl+s")
        assert "Who breached: choose one" in run.message()
        assert snapshot(run.store) == before
        assert "Sample Brother" in run.text()
        await run.press("2", "ctrl+s")
        incidents = run.store.all(Incident)
        brother = next(p.id for p in run.store.people_by_id(
            pp.person_id for pp in run.store.all(Party)).values() if p.family_name == "Brother")
    assert [i.perpetrator_id for i in incidents] == [brother]


async def test_stored_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    nasty = "bail\x1b[2J\x1b]0;owned\x07 terms\u202e\x9b31m\r\nend"
    order = store.add_order(case_id, kind=OrderType.PRE_CHARGE_BAIL, starts_on=date(2026, 12, 10), conditions=nasty)
    async with run_modal(store, BreachModal(store, order, TODAY)) as run:
        assert "bail" in run.text() and "terms<RLO>" in run.text()
        assert control_chars(run.app) == set()
        await run.press("escape")
        run.app.push_screen(OrderModal(run.store, case_id, TODAY, order))
        await run.settle()
        box = run.modal.query_one("#conditions", Input)
        assert "\x1b" not in box.value and "\n" not in box.value and box.value.startswith("bail")
        assert control_chars(run.app) == set()
