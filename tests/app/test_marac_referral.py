"""Pilot tests of the MARAC referral and listing modals against a temp store: the referral built from the
case and DASH (criteria, reasons, answers shown), consent and "who is feared / safe to talk to" saved, the
document written with the DASH answers under a generated name, the folder guard's refusals in words, nothing
offered when no criterion is met, listing + action → safety-plan item read back from the store."""

from __future__ import annotations

import html
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, RadioSet

from caseload.documents.marac import md_text
from caseload.domain.dash import QUESTIONS
from caseload.domain.enums import Consent, DashAnswer, MaracCriterion, SafetyCategory
from caseload.domain.model import MaracListing, MaracReferral, SafetyPlanItem
from caseload.screens.marac_listing import MaracListingModal
from caseload.screens.marac_referral import MaracReferralModal, parse_day
from caseload.store.store import Store
from tests.app.test_contact_log import keys_for, make_case_store
from tests.app.tui import SIZE, TODAY, new_app, screen_text, settle, unlock
from tests.conftest import PASSPHRASE
from tests.unit.store.casework_helpers import answers

WORDS = {DashAnswer.YES: "Yes", DashAnswer.NO: "No", DashAnswer.NOT_KNOWN: "Not known"}
NAME = re.compile(r"^marac-referral-\d{8}-[0-9a-f]{8}\.(html|md)$")


def case_with_dash(store_dir: Path, yes: int = 15) -> str:
    """A victim case with a DASH of ``yes`` yes answers on 2 Dec 2026."""
    case_id = make_case_store(store_dir)
    s = Store.open(store_dir, PASSPHRASE)
    s.save_dash(case_id, answers(yes), assessed_on=date(2026, 12, 2))
    s.lock()
    return case_id


@pytest.fixture
def high_case(tmp_path: Path) -> tuple[Path, str]:
    store_dir = tmp_path / "store"
    return store_dir, case_with_dash(store_dir)


async def open_referral(
    pilot: Any, app: Any, case_id: str, folder: Path, *, privacy: bool = False
) -> tuple[MaracReferralModal, list[Any]]:
    await unlock(pilot, app)
    app.privacy = privacy
    results: list[Any] = []
    modal = MaracReferralModal(app.store, case_id, TODAY, folder=folder)
    app.push_screen(modal, results.append)
    await settle(pilot, app)
    assert app.screen is modal and modal.document is not None
    return modal, results


async def fill_and_save(pilot: Any, app: Any, modal: MaracReferralModal) -> MaracReferral:
    """Consent (first option: aware and consents), feared, safe to talk; ctrl+s."""
    modal.query_one("#marac-consent", RadioSet).focus()
    await pilot.pause()
    await pilot.press("enter", "tab", "tab", *keys_for("Exemplar Person"), "tab", *keys_for("her sister"))
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    assert modal.referral is not None, screen_text(app)
    return modal.referral


async def test_referral_built_saved_and_written_with_the_dash_answers(high_case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = high_case
    out = tmp_path / "out"
    out.mkdir()
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, results = await open_referral(pilot, app, case_id, out)
        text = screen_text(app)
        assert "✔ visible high risk: DASH score 15 on 2 Dec 2026 (14 or more)" in text
        assert "DASH of 2 Dec 2026 · score 15 · HIGH" in text
        assert "Yes       Has the current incident resulted in injury?" in text
        assert "Testina Fictional" in text and "Exemplar Person" in text
        assert "Save referral" in text
        referral = await fill_and_save(pilot, app, modal)
        [stored] = app.store.all(MaracReferral)
        assert stored == referral
        assert stored.consent == Consent.CONSENTED and stored.feared == "Exemplar Person"
        assert stored.safe_to_talk == "her sister" and MaracCriterion.VISIBLE_HIGH_RISK in stored.criteria
        assert "identifiable" in screen_text(app) and "secure email" in screen_text(app)
        assert modal.query_one("#marac-folder", Input).value == str(out)
        await pilot.press("ctrl+s")  # HTML is the default format
        await settle(pilot, app)
        assert modal.written is not None and modal.written.parent == out
        assert NAME.match(modal.written.name) and modal.written.suffix == ".html"
        assert "C-2026" not in modal.written.name and "Testina" not in modal.written.name
        assert os.stat(modal.written).st_mode & 0o777 == 0o600
        page = modal.written.read_text(encoding="utf-8")
        for n, (question, answer) in enumerate(zip(QUESTIONS, answers(15), strict=True), 1):
            assert f"<tr><td>{n}</td><td>{html.escape(question)}</td><td>{WORDS[answer]}</td></tr>" in page
        assert "Exemplar Person" in page and "her sister" in page
        assert "Written:" in screen_text(app)
        assert [e for e in app.store.audit_entries(case_id, limit=20) if e.event == "marac.document_written"]
        await pilot.press("escape")
        await settle(pilot, app)
        assert results == [referral]


async def test_markdown_document(high_case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = high_case
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_referral(pilot, app, case_id, tmp_path)
        await fill_and_save(pilot, app, modal)
        modal.query_one("#marac-format", RadioSet).focus()
        await pilot.pause()
        await pilot.press("right", "enter", "ctrl+s")
        await settle(pilot, app)
        assert modal.written is not None and modal.written.suffix == ".md" and NAME.match(modal.written.name)
        page = modal.written.read_text(encoding="utf-8")
        for n, question in enumerate(QUESTIONS, 1):
            assert f"| {n} | {md_text(question, one_line=True)} |" in page


async def test_folder_guard_refusals_are_shown(high_case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = high_case
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_referral(pilot, app, case_id, link)
        await fill_and_save(pilot, app, modal)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "symbolic link" in screen_text(app) and modal.written is None
        assert list(real.iterdir()) == []
        modal.query_one("#marac-folder", Input).value = str(link / "sub")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "symbolic link" in screen_text(app)
        modal.query_one("#marac-folder", Input).value = str(tmp_path / "missing")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "The chosen folder does not exist." in screen_text(app) and modal.written is None
        assert "Traceback" not in screen_text(app)
        assert list(real.iterdir()) == [] and not (tmp_path / "missing").exists()


async def test_consent_and_feared_are_required(high_case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = high_case
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, results = await open_referral(pilot, app, case_id, tmp_path)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Choose the victim's consent position first" in screen_text(app)
        modal.query_one("#marac-consent", RadioSet).focus()
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # aware, does not consent: no reason, nobody feared
        await settle(pilot, app)
        text = screen_text(app)
        assert "say why the victim has not consented" in text and "say whom the victim fears" in text
        assert app.store.all(MaracReferral) == []
        await pilot.press("escape")
        await settle(pilot, app)
        assert results == [None] and app.store.all(MaracReferral) == []


async def test_nothing_offered_when_no_criterion_is_met(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    case_id = case_with_dash(store_dir, yes=5)
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_referral(pilot, app, case_id, tmp_path)
        text = screen_text(app)
        assert "meets no MARAC criterion on 4 Dec 2026" in text
        assert "✘ visible high risk: DASH score 5 on 2 Dec 2026 is below 14" in text
        assert "Save referral" not in text  # the save key is not offered
        await fill_and_save_attempt(pilot, modal)
        assert app.store.all(MaracReferral) == []


async def fill_and_save_attempt(pilot: Any, modal: MaracReferralModal) -> None:
    modal.query_one("#marac-consent", RadioSet).focus()
    await pilot.pause()
    await pilot.press("enter", "tab", "tab", *keys_for("Someone"), "tab", *keys_for("nobody"), "ctrl+s")
    await pilot.pause()


async def test_privacy_masks_names(high_case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = high_case
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_referral(pilot, app, case_id, tmp_path, privacy=True)  # on before it opens
        text = screen_text(app)
        assert "Testina" not in text and "Exemplar" not in text and "DASH of 2 Dec 2026" in text
        assert modal.query_one("#marac-feared", Input).password
        await pilot.press("f9")
        await settle(pilot, app)
        assert "Testina" in screen_text(app) and not modal.query_one("#marac-feared", Input).password


async def test_listing_and_actions_become_safety_plan_items(high_case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = high_case
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        modal, _ = await open_referral(pilot, app, case_id, tmp_path)
        referral = await fill_and_save(pilot, app, modal)
        await pilot.press("escape")
        await settle(pilot, app)
        results: list[Any] = []
        listing_modal = MaracListingModal(app.store, case_id, TODAY)
        app.push_screen(listing_modal, results.append)
        await settle(pilot, app)
        date_box = listing_modal.query_one("#listing-date", Input)
        date_box.value = ""
        date_box.focus()
        await pilot.pause()
        await pilot.press(*keys_for("17/12/2026"), "tab", *keys_for("Police"), "tab",
                          *keys_for("Flag the address for urgent response"), "tab", *keys_for("21/12/2026"))
        listing_modal.query_one("#agency-2", Input).value = "Housing"  # half a row: refused in words
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "row 2: agency and action are needed" in screen_text(app)
        assert app.store.all(MaracListing) == []
        listing_modal.query_one("#agency-2", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        [listing] = app.store.all(MaracListing)
        assert results == [listing]
        assert listing.meeting_on == date(2026, 12, 17) and listing.referral_id == referral.id
        [item] = app.store.all(SafetyPlanItem)
        assert (item.category, item.who, item.agency, item.action, item.due_on, item.listing_id) == (
            SafetyCategory.MARAC_ACTION, "Police", "Police", "Flag the address for urgent response",
            date(2026, 12, 21), listing.id,
        )
        more = MaracListingModal(app.store, case_id, TODAY, listing=listing)
        app.push_screen(more)
        await settle(pilot, app)
        assert more.query_one("#listing-date", Input).value == "17/12/2026"
        more.query_one("#agency-1", Input).value = "Children's services"
        more.query_one("#action-1", Input).value = "Strategy meeting"
        more.query_one("#due-1", Input).value = "18/12"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        items = {i.agency: i for i in app.store.all(SafetyPlanItem)}
        assert set(items) == {"Police", "Children's services"}
        assert items["Children's services"].due_on == date(2026, 12, 18)
        assert items["Children's services"].listing_id == listing.id


def test_parse_day() -> None:
    on = date(2026, 12, 4)
    assert parse_day("2026-12-17", on) == date(2026, 12, 17)
    assert parse_day("17/12/2026", on) == date(2026, 12, 17)
    assert parse_day("17/12/26", on) == date(2026, 12, 17)
    assert parse_day("17/12", on) == date(2026, 12, 17)
    assert parse_day("17 Dec 2026", on) == date(2026, 12, 17)
    assert parse_day("17 december", on) == date(2026, 12, 17)
    assert parse_day("31/02/2026", on) is None
    assert parse_day("soon", on) is None
