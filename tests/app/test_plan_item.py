"""Pilot tests of PlanItemModal: add and edit a safety-plan item, the plan's review date, versions."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

from caseload.domain.enums import ClosureReason, ItemStatus, SafetyCategory
from caseload.domain.model import Case, SafetyPlan, SafetyPlanItem
from caseload.screens.plan_item import PlanItemModal
from caseload.store.errors import ConflictError
from tests.app.form_helpers import TODAY, new_store, run_modal, snapshot


async def test_add_item_saves_typed_values_and_review(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        assert "Safety-plan item" in run.text() and "Testina Fictional" in run.text()
        await run.press("d", "tab")  # category: digital / tech safety
        await run.pilot.press(*"He tracks her phone")
        await run.press("tab")
        await run.pilot.press(*"Check phone for trackers")
        await run.press("enter")  # enter moves on to Who
        await run.pilot.press(*"IDVA")
        await run.press("tab")
        await run.pilot.press(*"24/12/2026")
        await run.press("tab", "i")  # status: in progress
        await run.type_into("#review DateInput", "2027-01-08")
        await run.press("ctrl+s")
        assert run.results and isinstance(run.results[0], SafetyPlanItem)
        items = run.store.all(SafetyPlanItem)
        plans = run.store.all(SafetyPlan)
    assert len(items) == 1 and len(plans) == 1
    item = items[0]
    assert (item.category, item.risk, item.action, item.who) == (
        SafetyCategory.DIGITAL_SAFETY, "He tracks her phone", "Check phone for trackers", "IDVA")
    assert item.due_on == date(2026, 12, 24) and item.status == ItemStatus.IN_PROGRESS
    assert item.plan_id == plans[0].id and plans[0].review_on == date(2027, 1, 8)


async def test_default_review_makes_no_second_write(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        await run.press("h")
        await run.type_into("#action", "Fit a door chain")
        await run.type_into("#who", "Sanctuary scheme")
        await run.press("ctrl+s")
        plans = run.store.all(SafetyPlan)
    assert plans[0].review_on == TODAY + timedelta(days=28) and plans[0].version == 1


async def test_cancel_writes_nothing(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        before = snapshot(run.store)
        await run.press("c")
        await run.type_into("#action", "Tell the school")
        await run.type_into("#who", "IDVA")
        await run.press("escape")
        assert run.results == [None]
        assert snapshot(run.store) == before


async def test_bad_date_is_explained_and_nothing_written(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        before = snapshot(run.store)
        await run.press("c")
        await run.type_into("#action", "Tell the school")
        await run.type_into("#who", "IDVA")
        await run.type_into("#due DateInput", "31/02/2027")
        assert "there is no such date" in run.text()  # the hint beside the box, as typed
        await run.press("ctrl+s")
        assert not run.dismissed
        assert "By when: there is no such date." in run.message()
        await run.type_into("#due DateInput", "next week")
        await run.press("ctrl+s")
        assert "By when: write the date as 2026-12-24 or 24/12/2026." in run.message()
        assert snapshot(run.store) == before


async def test_missing_fields_are_named(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        await run.press("ctrl+s")
        assert "Category: choose one" in run.message()
        await run.press("m", "ctrl+s")
        assert "Action: say what will be done." in run.message()
        assert not run.dismissed


async def test_edit_saves_over_the_version_seen(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    item = store.add_plan_item(case_id, on=TODAY, category=SafetyCategory.HOUSING, risk="Homeless risk",
                               action="Refer to housing", who="IDVA")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY, item)) as run:
        assert "edit" in run.text()
        await run.type_into("#action", "Housing options appointment booked")
        run.modal.query_one("#status").focus()
        await run.press("d", "ctrl+s")
        assert run.results and run.results[0].version == 2
        stored = run.store.get(SafetyPlanItem, item.id)
    assert stored is not None
    assert (stored.action, stored.status, stored.category, stored.risk) == (
        "Housing options appointment booked", ItemStatus.DONE, SafetyCategory.HOUSING, "Homeless risk")


async def test_stale_edit_is_a_conflict_in_words(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    item = store.add_plan_item(case_id, on=TODAY, category=SafetyCategory.HOUSING, risk="r", action="a", who="IDVA")
    store.update_plan_item(dataclasses.replace(item, action="changed elsewhere"))
    async with run_modal(store, PlanItemModal(store, case_id, TODAY, item)) as run:
        before = snapshot(run.store)
        await run.type_into("#action", "my change")
        await run.press("ctrl+s")
        assert not run.dismissed
        assert "was changed by someone else" in run.message()
        assert snapshot(run.store) == before


async def test_privacy_masks_name_and_level3_text(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    item = store.add_plan_item(case_id, on=TODAY, category=SafetyCategory.HOUSING, risk="CANARYRISK",
                               action="CANARYACTION", who="IDVA")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY, item)) as run:
        assert "CANARYRISK" in run.text() and "Testina" in run.text()
        run.app.privacy = True
        await run.settle()
        text = run.text()
        assert "CANARYRISK" not in text and "CANARYACTION" not in text and "Testina" not in text
        assert "IDVA" in text  # level 2 stays


async def test_review_refused_after_item_saved_then_retry_edits_not_adds(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        real = run.store.set_plan_review
        calls: list[date] = []

        def refuse_once(case: str, review_on: date, **kw: object) -> SafetyPlan:
            calls.append(review_on)
            if len(calls) == 1:
                raise ConflictError("This safety plan")
            return real(case, review_on, **kw)  # type: ignore[arg-type]

        run.store.set_plan_review = refuse_once  # type: ignore[method-assign]
        await run.press("u")
        await run.fill("#action", "Homeless application")
        await run.fill("#who", "IDVA")
        await run.fill("#review DateInput", "2027-01-04")
        await run.press("ctrl+s")
        assert "The item was saved, but not the review date" in run.message() and not run.dismissed
        assert "edit" in run.text()
        await run.press("ctrl+s")  # retry: the saved item is edited (version 2), not added again
        assert run.results and run.results[0].version == 2
        items, plans = run.store.all(SafetyPlanItem), run.store.all(SafetyPlan)
    assert len(items) == 1 and items[0].action == "Homeless application"
    assert [p.review_on for p in plans] == [date(2027, 1, 4)] and calls == [date(2027, 1, 4)] * 2


async def test_unexpected_failure_is_one_plain_line(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        def broken(*_a: object, **_k: object) -> SafetyPlanItem:
            raise RuntimeError("CANARYDETAIL")

        run.store.add_plan_item = broken  # type: ignore[method-assign]
        await run.press("u")
        await run.fill("#action", "x")
        await run.fill("#who", "IDVA")
        await run.press("ctrl+s")
        assert run.message() == "That did not work (RuntimeError); nothing was changed."
        assert "CANARYDETAIL" not in run.text() and not run.dismissed


async def test_closed_case_refusal_in_words(tmp_path: Path) -> None:
    store, case_id = new_store(tmp_path / "store")
    case = store.get(Case, case_id)
    assert case is not None
    store.close_case(case, on=TODAY, reason=ClosureReason.MOVED_AWAY, abuse_stopped=None, feels_safer=None)
    async with run_modal(store, PlanItemModal(store, case_id, TODAY)) as run:
        before = snapshot(run.store)
        await run.press("u")
        await run.fill("#action", "x")
        await run.fill("#who", "IDVA")
        await run.press("ctrl+s")
        assert run.message() == "The case is closed; reopen it first." and snapshot(run.store) == before
