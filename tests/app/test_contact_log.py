"""Pilot tests of the contact quick-log modal against a temp store: the routine call in ≤ 10 keys (counted),
defaults from the safe-contact card, the unsafe-channel and outside-safe-times warning step (cancel stores
nothing, confirm stores), inline refusals, privacy mode and quick exit over the modal."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from caseload.domain.enums import Channel, ClosureReason, ContactKind, ContactOutcome, Role
from caseload.domain.model import Contact
from caseload.screens.contact_log import ContactLogModal
from caseload.store.store import Store
from tests.app.tui import SIZE, TODAY, new_app, screen_text, settle, unlock
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.casework_helpers import SAFE, VICTIM, referral_form

IN_SAFE_TIMES = datetime(2026, 12, 4, 11, 20, tzinfo=UTC)  # Friday; London is on UTC in December
OUTSIDE_SAFE_TIMES = datetime(2026, 12, 4, 19, 5, tzinfo=UTC)
NOTE = "Safety plan reviewed, calls OK"


def make_case_store(store_dir: Path, **form: Any) -> str:
    """A store with one victim case (safe times 10:00–14:00 weekdays, phone preferred, texts and voicemail
    unsafe) held by the signed-in IDVA; returns the case id."""
    s = Store.create(store_dir, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    try:
        return s.create_victim_case(referral_form(received_on=date(2026, 12, 1), **form)).case.id
    finally:
        s.lock()


@pytest.fixture
def case_store(tmp_path: Path) -> tuple[Path, str]:
    store_dir = tmp_path / "store"
    return store_dir, make_case_store(store_dir)


def keys_for(text: str) -> list[str]:
    """Key names that type ``text``."""
    names = {" ": "space", ",": "comma", ".": "full_stop"}
    return [names.get(ch, ch) for ch in text]


async def open_modal(pilot: Any, app: Any, case_id: str, now: datetime) -> list[Any]:
    """Unlock, push the modal, wait for its case to load; the list receives the dismiss result."""
    await unlock(pilot, app)
    results: list[Any] = []
    app.push_screen(ContactLogModal(app.store, case_id, TODAY, now=lambda: now), results.append)
    await settle(pilot, app)
    assert isinstance(app.screen, ContactLogModal) and app.screen.casefile is not None
    return results


async def test_routine_call_in_at_most_ten_keys(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        results = await open_modal(pilot, app, case_id, IN_SAFE_TIMES)
        text = screen_text(app)
        assert "safe times 10:00–14:00 · now 11:20 ✔" in text
        revision = app.data_revision
        # phoned (p), spoke (c, s: said explicitly, though the card's defaults already are), 10 minutes, note
        keys = ["c", "p", "s", "1", "0", "tab"]
        await pilot.press(*keys)
        await pilot.press(*keys_for(NOTE))
        await pilot.press("ctrl+s")
        keys.append("ctrl+s")
        await settle(pilot, app)
        print(f"routine contact log: {len(keys)} keys plus the note text")
        assert len(keys) <= 10
        assert not isinstance(app.screen, ContactLogModal)
        stored = app.store.all(Contact)
        assert len(stored) == 1
        c = stored[0]
        assert (c.kind, c.channel, c.outcome, c.minutes, c.note) == (
            ContactKind.CONTACT, Channel.PHONE, ContactOutcome.SPOKE, 10, NOTE,
        )
        assert c.at == IN_SAFE_TIMES and c.case_id == case_id
        assert results == [c]
        assert app.data_revision == revision + 1


async def test_defaults_from_the_safe_contact_card(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_modal(pilot, app, case_id, IN_SAFE_TIMES)
        keys = ["1", "0", "enter", *keys_for("ok"), "enter"]  # enter in the note saves
        await pilot.press(*keys)
        await settle(pilot, app)
        print(f"routine contact log with the card's defaults: {len(keys) - 2} keys plus the note text")
        [c] = app.store.all(Contact)
        assert (c.kind, c.channel, c.outcome, c.minutes, c.note) == (
            ContactKind.CONTACT, Channel.PHONE, ContactOutcome.SPOKE, 10, "ok",
        )


async def test_text_preferred_defaults_to_a_text_attempt(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    safe = dataclasses.replace(SAFE, preferred_channel=Channel.TEXT, text_safe=True)
    case_id = make_case_store(store_dir, safe_contact=safe)
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_modal(pilot, app, case_id, IN_SAFE_TIMES)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        [c] = app.store.all(Contact)
        assert (c.kind, c.channel, c.outcome) == (ContactKind.ATTEMPT, Channel.TEXT, ContactOutcome.LEFT_MESSAGE)


async def test_unsafe_channel_warns_and_cancelling_stores_nothing(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        results = await open_modal(pilot, app, case_id, IN_SAFE_TIMES)
        modal = app.screen
        await pilot.press("t")  # texts are marked unsafe for this victim
        assert "texts are not safe for this victim" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert modal.confirming and "Save anyway?" in screen_text(app)
        assert app.store.all(Contact) == []
        await pilot.press("n")  # back to the form: still nothing saved, choices work again
        await settle(pilot, app)
        assert app.screen is modal and not modal.confirming
        assert app.store.all(Contact) == []
        await pilot.press("ctrl+s")  # warned again, then cancel the whole modal
        await settle(pilot, app)
        assert modal.confirming
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is not modal
        assert results == [None]
        assert app.store.all(Contact) == []
        assert not [e for e in app.store.audit_entries(case_id, limit=50) if e.event == "contact.logged"]


async def test_voicemail_and_outside_safe_times_confirmed_is_saved(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_modal(pilot, app, case_id, OUTSIDE_SAFE_TIMES)
        text = screen_text(app)
        assert "now 19:05 ✘" in text and "19:05 is outside safe times 10:00–14:00" in text
        await pilot.press("o")  # voicemail → an attempt, message left
        assert "voicemail is not safe for this victim" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.store.all(Contact) == []
        await pilot.press("y")
        await settle(pilot, app)
        [c] = app.store.all(Contact)
        assert (c.kind, c.channel, c.outcome) == (ContactKind.ATTEMPT, Channel.VOICEMAIL, ContactOutcome.LEFT_MESSAGE)


async def test_refusals_are_shown_in_the_modal(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_modal(pilot, app, case_id, IN_SAFE_TIMES)
        modal = app.screen
        await pilot.press("9", "9", "9", "9", "ctrl+s")
        await settle(pilot, app)
        assert "the duration must be 0 to 1440 minutes" in screen_text(app)
        modal.query_one("#contact-minutes", Input).value = "5"
        case = app.store.casework_file(case_id).case
        app.store.close_case(case, on=TODAY, reason=ClosureReason.MOVED_AWAY, abuse_stopped=None, feels_safer=None)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is modal
        assert "closed" in str(modal.error).lower()
        assert "Traceback" not in screen_text(app)
        assert app.store.all(Contact) == []


async def test_privacy_masks_the_name_note_and_safe_times(case_store) -> None:  # type: ignore[no-untyped-def]
    store_dir, case_id = case_store
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_modal(pilot, app, case_id, OUTSIDE_SAFE_TIMES)
        await pilot.press("tab", *keys_for("PRIVATENOTE"))
        text = screen_text(app)
        assert VICTIM.given_name in text and "PRIVATENOTE" in text and "10:00" in text
        await pilot.press("f9")
        await settle(pilot, app)
        text = screen_text(app)
        assert VICTIM.given_name not in text and "PRIVATENOTE" not in text and "10:00" not in text
        assert "outside safe times" in text  # the warning's summary still says what is wrong


async def test_quick_exit_over_the_modal_locks(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    canary = "CANARYQUICK"
    case_id = make_case_store(store_dir, victim=dataclasses.replace(VICTIM, given_name=canary))
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_modal(pilot, app, case_id, IN_SAFE_TIMES)
        assert canary in screen_text(app)
        await pilot.press("f12")
        await settle(pilot, app)
        assert app.locked and app.store is None
        assert canary not in screen_text(app) and "C-2026" not in screen_text(app)
