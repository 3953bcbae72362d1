"""Pilot tests of ReferralFormModal: the new case as stored, the duplicate check, cancel, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import (
    AbuseType,
    AgeBand,
    Channel,
    ChildAgeBand,
    Ethnicity,
    LinkKind,
    ReferralSource,
    Sex,
    VictimStatus,
)
from caseload.domain.model import Case
from caseload.screens.referral_form import ReferralFormModal, age_band_on
from tests.app.form_helpers import TODAY, ModalRun, new_store, run_modal, snapshot


async def _focus(run: ModalRun, selector: str, *keys: str) -> None:
    run.modal.query_one(selector).focus()
    await run.press(*keys)


async def test_full_referral_is_stored_as_typed(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "store")
    async with run_modal(store, ReferralFormModal(store, TODAY)) as run:
        assert "New referral" in run.text() and "[1] A. Worker" in run.text()
        await run.fill("#received DateInput", "18/12/2026")
        await _focus(run, "#source", "h")
        await run.fill("#referrer", "Ward 7 nurse, Example General")
        await run.fill("#given", "Exempla")
        await run.fill("#family", "Specimen")
        await run.fill("#dob DateInput", "1988-03-09")
        await _focus(run, "#ethnicity", "a")
        await _focus(run, "#disability", "y")
        await _focus(run, "#interpreter", "y")
        await run.fill("#numbers", "07700 900456, 07700 900789")
        await run.fill("#safe-from", "9:30")
        await run.fill("#safe-until", "13:00")
        await _focus(run, "#days", "5", "6")  # Friday off, Saturday on
        await _focus(run, "#text-safe", "y")
        await run.fill("#code-word", "marigold")
        await _focus(run, "#channel", "t")
        await run.fill("#must-not-know", "his mother")
        await run.fill("#p1-given", "Fabricated")
        await run.fill("#p1-family", "Partner")
        await _focus(run, "#p1-rel", "e")
        await run.press("ctrl+t")
        await run.fill("#p2-given", "Invented")
        await run.fill("#p2-family", "Brother")
        await _focus(run, "#p2-rel", "f")
        await run.press("ctrl+n")
        assert run.app.focused is run.modal.query_one("#c1-name")
        await run.fill("#c1-name", "Kit")
        await _focus(run, "#c1-age", "1")
        await run.press("ctrl+n")
        await run.fill("#c2-name", "Lou")
        await _focus(run, "#c2-age", "3")
        await _focus(run, "#c2-school", "y")
        await _focus(run, "#abuse", "a", "e")
        await run.press("ctrl+s")
        assert run.results and isinstance(run.results[0], CaseFile)
        new = run.results[0].case
        cf = run.store.casefile(new.id)
        me = run.store.me()
    assert cf is not None and me is not None
    c, v = cf.case, cf.subject
    assert (c.reference, c.status, c.worker_id, c.referral_source, c.opened_on) == (
        "C-2026-0002", VictimStatus.REFERRED, me.id, ReferralSource.HEALTH, date(2026, 12, 18))
    assert c.enhanced_rights and c.abuse_types == (AbuseType.PHYSICAL, AbuseType.COERCIVE_CONTROL)
    assert (v.given_name, v.family_name, v.date_of_birth, v.age_band, v.sex, v.ethnicity) == (
        "Exempla", "Specimen", date(1988, 3, 9), AgeBand.B35_44, Sex.FEMALE, Ethnicity.ASIAN)
    assert (v.disability, v.lgbt, v.interpreter_needed) == (True, None, True)
    assert cf.referrals[0].referrer == "Ward 7 nurse, Example General"
    s = cf.safe_contact
    assert s is not None
    assert s.safe_numbers == ("07700 900456", "07700 900789") and (s.safe_from, s.safe_until) == ("09:30", "13:00")
    assert s.safe_weekdays == (0, 1, 2, 3, 5) and (s.text_safe, s.voicemail_safe, s.email_safe) == (True, False, False)
    assert (s.code_word, s.preferred_channel, s.who_must_not_know) == ("marigold", Channel.TEXT, "his mother")
    people = {p.id: p for p in cf.people}
    assert sorted((people[p.person_id].family_name, p.relationship) for p in cf.parties) == [
        ("Brother", LinkKind.FAMILY_MEMBER), ("Partner", LinkKind.EX_PARTNER)]
    assert sorted((k.given_name, k.age_band, k.school_informed) for k in cf.children) == [
        ("Kit", ChildAgeBand.UNDER_5, False), ("Lou", ChildAgeBand.B11_15, True)]


async def test_duplicate_needs_create_anyway(tmp_path: Path) -> None:
    store, first = new_store(tmp_path / "store")  # Testina Fictional, born 2 Apr 1990: C-2026-0001
    async with run_modal(store, ReferralFormModal(store, TODAY)) as run:
        before = snapshot(run.store)
        await run.fill("#given", "testina")
        await run.fill("#family", "FICTIONAL")
        await run.fill("#dob DateInput", "02/04/1990")
        await run.press("ctrl+s")
        assert not run.dismissed
        assert "Possible duplicate: C-2026-0001" in run.shown("#duplicates")
        assert "C-2026-0001" in run.text() and "Create anyway" in run.text()
        assert snapshot(run.store) == before
        await run.press("ctrl+s")  # saving again is not "create anyway"
        assert not run.dismissed and snapshot(run.store) == before
        await run.press("ctrl+y")
        assert run.results and run.results[0] is not None
        cases = run.store.all(Case)
    assert len(cases) == 2 and {c.reference for c in cases} == {"C-2026-0001", "C-2026-0002"}
    assert first in {c.id for c in cases}


async def test_create_anyway_does_not_cover_a_changed_name(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "store")
    async with run_modal(store, ReferralFormModal(store, TODAY)) as run:
        await run.fill("#given", "Testina")
        await run.fill("#family", "Fictional")
        await run.fill("#dob DateInput", "1990-04-02")
        await run.press("ctrl+s")
        assert run.modal.query_one("#create-anyway").display
        await run.fill("#given", "Testina-Maria")
        await run.press("ctrl+y")  # a different person now: checked again, no duplicate, created
        assert run.results and run.results[0].subject.given_name == "Testina-Maria"


async def test_cancel_writes_nothing(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "store")
    async with run_modal(store, ReferralFormModal(store, TODAY)) as run:
        before = snapshot(run.store)
        await run.fill("#given", "Nobody")
        await run.press("escape")
        assert run.results == [None] and snapshot(run.store) == before


async def test_bad_input_is_explained_and_nothing_written(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "store")
    async with run_modal(store, ReferralFormModal(store, TODAY)) as run:
        before = snapshot(run.store)
        await run.press("ctrl+s")
        assert run.message() == "✘ Victim: a name is needed." or "Victim: a name is needed." in run.message()
        assert run.app.focused is run.modal.query_one("#given")
        await run.fill("#given", "Exempla")
        await run.fill("#dob DateInput", "30/02/1990")
        await run.press("ctrl+s")
        assert "Date of birth: there is no such date." in run.message()
        await run.fill("#dob DateInput", "2027-01-01")
        await run.press("ctrl+s")
        assert "date of birth is in the future" in run.message()
        await run.fill("#dob DateInput", "")
        await run.fill("#safe-from", "25:00")
        await run.press("ctrl+s")
        assert "Safe from: write the time as 10:00" in run.message()
        await run.fill("#safe-from", "")
        await run.press("ctrl+n")
        await run.fill("#c1-dob DateInput", "2019-06-01")
        await run.press("ctrl+s")
        assert "Child 1: a name is needed" in run.message()
        assert not run.dismissed and snapshot(run.store) == before


async def test_privacy_masks_typed_names(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "store")
    async with run_modal(store, ReferralFormModal(store, TODAY)) as run:
        await run.fill("#given", "CANARYNAME")
        assert "CANARYNAME" in run.text()
        await run.press("f9")
        assert "CANARYNAME" not in run.text()
        assert "●●●●●" in run.text() and not run.modal.query_one("#given", Input).display
        assert run.modal.query_one("#given", Input).value == "CANARYNAME"  # still typed, only hidden
        await run.press("ctrl+n")  # a child added in privacy mode is masked too; focus skips its name
        assert not run.modal.query_one("#c1-name", Input).display
        assert run.app.focused is run.modal.query_one("#c1-age")
        await run.press("f9")
        assert "CANARYNAME" in run.text()  # back to edit
        assert run.modal.query_one("#c1-name", Input).display


def test_age_band_from_date_of_birth() -> None:
    assert age_band_on(date(1990, 4, 2), date(2026, 4, 1)) == AgeBand.B35_44
    assert age_band_on(date(2008, 12, 22), date(2026, 12, 21)) == AgeBand.B16_17
    assert age_band_on(date(2011, 1, 1), date(2026, 12, 21)) == AgeBand.NOT_RECORDED
