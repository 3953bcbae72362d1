"""Contact quick-log: log a contact or an attempt in a few keys, warned when it is not safe for this victim.

Single letters pick the kind, channel and outcome (every letter is unique, so no row has to be focused
first); a digit starts the minutes; ``tab`` or ``enter`` moves on to the note; ``ctrl+s`` saves. Defaults
come from the victim's safe-contact card (her preferred channel). A live line shows her safe times against
the current time (``now`` is injectable), and the warnings of
:func:`caseload.domain.contact_safety.contact_warnings` are listed as the worker chooses. When there are any,
saving needs a second step: ``y`` / ``ctrl+s`` saves anyway, ``n`` goes back, ``esc`` cancels — nothing is
written until confirmed.

The store call (:meth:`~caseload.store.casework.CaseworkMixin.log_contact`, one transaction) runs in a thread
worker; a refusal is shown in the modal in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from caseload.domain.casefile import CaseFile
from caseload.domain.contact_safety import (
    ONE_WAY_CHANNELS,
    ContactWarning,
    WarningKind,
    contact_problems,
    contact_warnings,
    local_time,
)
from caseload.domain.enums import CaseKind, Channel, ContactKind, ContactOutcome
from caseload.domain.levels import L3
from caseload.domain.model import Contact, SafeContact
from caseload.screens.base import CaseloadModal, bump_revision
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import MASK, level3

KINDS: tuple[tuple[ContactKind, str, str], ...] = (
    (ContactKind.ATTEMPT, "a", "attempt"),
    (ContactKind.CONTACT, "c", "contact"),
)
CHANNELS: tuple[tuple[Channel, str, str], ...] = (
    (Channel.PHONE, "p", "phone"),
    (Channel.TEXT, "t", "text"),
    (Channel.EMAIL, "e", "email"),
    (Channel.VOICEMAIL, "o", "voicemail"),
    (Channel.FACE_TO_FACE, "f", "face to face"),
    (Channel.VIDEO, "v", "video"),
    (Channel.LETTER, "w", "letter"),
)
OUTCOMES: tuple[tuple[ContactOutcome, str, str], ...] = (
    (ContactOutcome.SPOKE, "s", "spoke"),
    (ContactOutcome.NO_ANSWER, "n", "no answer"),
    (ContactOutcome.UNSAFE_TO_TALK, "u", "unsafe to talk"),
    (ContactOutcome.LEFT_MESSAGE, "l", "left message"),
    (ContactOutcome.REPLIED, "r", "replied"),
    (ContactOutcome.MET, "m", "met"),
)
LETTERS: dict[str, tuple[str, str]] = {
    key: (field, value.value)
    for field, choices in (("kind", KINDS), ("channel", CHANNELS), ("outcome", OUTCOMES))
    for value, key, _label in choices
}
"""Each choice letter → (field, value)."""
TWO_WAY = (ContactOutcome.SPOKE, ContactOutcome.MET, ContactOutcome.REPLIED)
TIME_WARNINGS = frozenset(
    {WarningKind.OUTSIDE_SAFE_DAYS, WarningKind.OUTSIDE_SAFE_TIMES, WarningKind.SAFE_TIMES_UNREADABLE}
)
CLOCK_TICK_S = 20.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def key_label(key: str, label: str) -> str:
    """``(p)hone``: the key letter in brackets where it occurs in the label, else appended (``letter (w)``)."""
    at = label.find(key)
    if at < 0:
        return f"{label} ({key})"
    return f"{label[:at]}({key}){label[at + 1 :]}"


def _bindings() -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    out: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
        Binding("ctrl+s", "save", "Save", id="contact.save", tooltip="Save the contact (warns first if unsafe)"),
        Binding("escape", "cancel", "Cancel", id="contact.cancel", tooltip="Close without saving"),
        Binding("y", "confirm", "Save anyway", id="contact.confirm", tooltip="Save despite the warning"),
        Binding("n", "back", "Back", id="contact.back", tooltip="Back to the form without saving"),
        Binding("f1", "app.help", "Help", id="contact.help", show=False, tooltip="Keys for this form"),
    ]
    for field, choices in (("kind", KINDS), ("channel", CHANNELS), ("outcome", OUTCOMES)):
        for value, key, label in choices:
            out.append(
                Binding(key, f"pick('{field}', '{value.value}')", label, id=f"contact.{field}.{value.value}",
                        show=False, tooltip=f"{field.capitalize()}: {label}")
            )
    out += [
        Binding(str(d), f"digit({d})", str(d), id=f"contact.digit{d}", show=False, tooltip="Start the minutes")
        for d in range(10)
    ]
    return out


@dataclass(frozen=True, slots=True)
class Draft:
    """What the form holds: kind, channel, outcome (minutes and note live in their inputs)."""

    kind: ContactKind
    channel: Channel
    outcome: ContactOutcome


def default_draft(safe: SafeContact | None) -> Draft:
    """Defaults from the safe-contact card: her preferred channel; a conversation for a two-way channel,
    an attempt with a message left for a one-way one."""
    channel = safe.preferred_channel if safe is not None else Channel.PHONE
    if channel in ONE_WAY_CHANNELS or channel == Channel.VOICEMAIL:
        return Draft(ContactKind.ATTEMPT, Channel(channel), ContactOutcome.LEFT_MESSAGE)
    outcome = ContactOutcome.MET if channel == Channel.FACE_TO_FACE else ContactOutcome.SPOKE
    return Draft(ContactKind.CONTACT, Channel(channel), outcome)


def picked(draft: Draft, field: str, value: str) -> Draft:
    """The draft after choosing ``value`` for ``field``, with the other choices made consistent where the
    choice decides them (spoke → a contact, no answer → an attempt, voicemail → an attempt, message left)."""
    kind, channel, outcome = draft.kind, draft.channel, draft.outcome
    if field == "kind":
        kind = ContactKind(value)
        if kind == ContactKind.ATTEMPT and outcome in TWO_WAY:
            outcome = ContactOutcome.LEFT_MESSAGE if channel in ONE_WAY_CHANNELS else ContactOutcome.NO_ANSWER
        elif kind == ContactKind.CONTACT and outcome in (ContactOutcome.NO_ANSWER, ContactOutcome.LEFT_MESSAGE):
            outcome = _two_way_outcome(channel)
    elif field == "channel":
        channel = Channel(value)
        if channel == Channel.VOICEMAIL:
            kind, outcome = ContactKind.ATTEMPT, ContactOutcome.LEFT_MESSAGE
        elif kind == ContactKind.CONTACT and outcome in TWO_WAY:
            outcome = _two_way_outcome(channel)
    else:
        outcome = ContactOutcome(value)
        if outcome in TWO_WAY:
            kind = ContactKind.CONTACT
        elif outcome in (ContactOutcome.NO_ANSWER, ContactOutcome.LEFT_MESSAGE):
            kind = ContactKind.ATTEMPT
    return Draft(kind, channel, outcome)


def _two_way_outcome(channel: Channel) -> ContactOutcome:
    if channel in ONE_WAY_CHANNELS:
        return ContactOutcome.REPLIED
    return ContactOutcome.MET if channel == Channel.FACE_TO_FACE else ContactOutcome.SPOKE


def choice_line(title: str, choices: tuple[tuple[object, str, str], ...], chosen: object) -> Text:
    """One row of choices, the chosen one bracketed and highlighted (labels are ours: no stored text)."""
    text = Text(f"  {title:<9} ")
    for value, key, label in choices:
        shown = key_label(key, label)
        if value == chosen:
            text.append(f"[{shown}]", style="reverse bold")
        else:
            text.append(f" {shown} ")
        text.append(" ")
    return text


def warning_text(warning: ContactWarning, privacy: bool) -> str:
    """A warning in words; in privacy mode one that quotes safe times or days gives its summary only."""
    return warning.summary if privacy and warning.level is L3 else warning.message


def safe_line(casefile: CaseFile, at: datetime, privacy: bool) -> Text:
    """"safe times 10:00–14:00 · now 11:20 ✔": her safe times against the current local time."""
    now = local_time(at).strftime("%H:%M")
    if casefile.case.kind != CaseKind.VICTIM:
        return Text(f"now {now}")
    safe = casefile.safe_contact
    if safe is None:
        return Text(f"no safe-contact arrangements recorded · now {now} ✘")
    ok = not any(
        w.kind in TIME_WARNINGS
        for w in contact_warnings(safe, ContactKind.CONTACT, Channel.PHONE, ContactOutcome.SPOKE, at)
    )
    if privacy:
        times = MASK
    elif safe.safe_from.strip() or safe.safe_until.strip():
        times = f"{level3(safe.safe_from, False, 8) or '00:00'}–{level3(safe.safe_until, False, 8) or '24:00'}"
    else:
        times = "any time"
    text = Text(f"safe times {times} · now {now} ")
    text.append("✔" if ok else "✘", style="bold green" if ok else "bold red")
    return text


class MinutesInput(Input):
    """The minutes: digits only; a letter goes on to the form (it picks a choice) instead of being refused."""

    async def _on_key(self, event: events.Key) -> None:
        """A letter is not for this box: it picks a choice on the form at once (in typing order), and the
        cursor leaves the box."""
        if event.character and event.character.isalpha():
            event.prevent_default()
            event.stop()
            screen = self.screen
            if isinstance(screen, ContactLogModal):
                screen.letter(event.character.lower())


class ContactLogModal(CaseloadModal[Contact | None]):
    """Log a contact or an attempt on a case. Dismissed with the saved :class:`Contact`, or None."""

    CSS_PATH = "contact_log.tcss"
    AUTO_FOCUS = "#contact-minutes"
    BINDINGS = _bindings()

    class Loaded(Message):
        """The case file arrived (None when the case is not available)."""

        def __init__(self, casefile: CaseFile | None) -> None:
            super().__init__()
            self.casefile = casefile

    class Saved(Message):
        """The contact was stored."""

        def __init__(self, contact: Contact) -> None:
            super().__init__()
            self.contact = contact

    class Failed(Message):
        """The store refused; ``text`` is one plain line without case data."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self, store: Store, case_id: str, today: date, *, now: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self.today = today
        self.now = now or _utc_now
        self.casefile: CaseFile | None = None
        self.draft = default_draft(None)
        self.confirming = False
        self.saving = False
        self.error = ""

    def compose(self) -> ComposeResult:
        """Header with the safe-times line, the three rows of choices, minutes, note, warnings, footer."""
        with Vertical(id="contact-box"):
            yield Static(Text("Log contact · loading…"), id="contact-header")
            yield Static(Text(""), id="contact-choices")
            with Vertical(id="contact-fields"):
                yield Static(Text("  Minutes"), classes="contact-label")
                yield MinutesInput(
                    placeholder="0", type="integer", max_length=4, select_on_focus=False, id="contact-minutes"
                )
                yield Static(Text("  Note"), classes="contact-label")
                yield Input(placeholder="short note (optional)", max_length=2000, id="contact-note")
            yield Static(Text(""), id="contact-warnings")
            yield Static(Text(""), id="contact-error")
            yield KeyBar()

    def on_mount(self) -> None:
        """Load the case; keep the clock line fresh; follow privacy mode."""
        self.watch(self.app, "privacy", self._privacy_changed, init=True)
        self.set_interval(CLOCK_TICK_S, self.refresh_view, name="contact-clock")
        self._load()

    @work(thread=True, exclusive=True, group="contact-log", exit_on_error=False)
    def _load(self) -> None:
        try:
            casefile = self.store.casework_file(self.case_id)
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(casefile))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.casefile = message.casefile
        if message.casefile is not None:
            self.draft = default_draft(message.casefile.safe_contact)
        self.refresh_view()
        self.refresh_bindings()

    def _privacy_changed(self, _value: bool) -> None:
        self.query_one("#contact-note", Input).password = self.privacy
        self.refresh_view()

    # --- what the worker sees ----------------------------------------------------------------------------

    def minutes(self) -> int | None:
        """Minutes typed (blank is 0); None when unreadable."""
        raw = self.query_one("#contact-minutes", Input).value.strip()
        try:
            return int(raw) if raw else 0
        except ValueError:
            return None

    def warnings(self) -> tuple[ContactWarning, ...]:
        """Safety warnings for the draft at the current time (none for a Drive case: no safe-contact card)."""
        cf = self.casefile
        if cf is None or cf.case.kind != CaseKind.VICTIM:
            return ()
        d = self.draft
        return contact_warnings(cf.safe_contact, d.kind, d.channel, d.outcome, self.now())

    def problems(self) -> tuple[str, ...]:
        """Why the draft cannot be saved as it is, in plain words."""
        minutes = self.minutes()
        if minutes is None:
            return ("the minutes must be a whole number",)
        d = self.draft
        return contact_problems(d.kind, d.channel, d.outcome, minutes)

    def refresh_view(self) -> None:
        """Redraw the header, choices, warnings and messages from the draft."""
        cf = self.casefile
        header = Text("Log contact · ")
        if cf is None:
            header.append("loading…" if not self.error else "case not available")
        else:
            header.append(f"{cf.case.reference} · ")
            header.append(level3(cf.subject.display_name, self.privacy, 30))
            header.append("    ")
            header.append_text(safe_line(cf, self.now(), self.privacy))
        self.query_one("#contact-header", Static).update(header)
        d = self.draft
        choices = Text("\n").join(
            [
                choice_line("Kind", KINDS, d.kind),
                choice_line("Channel", CHANNELS, d.channel),
                choice_line("Outcome", OUTCOMES, d.outcome),
            ]
        )
        self.query_one("#contact-choices", Static).update(choices)
        lines = [Text(f"  ⚠ {warning_text(w, self.privacy)}", style="bold yellow") for w in self.warnings()]
        lines += [Text(f"  ✘ {p}", style="bold red") for p in self.problems()]
        if self.confirming:
            lines.append(Text("  Save anyway?  y or ctrl+s save · n back to the form · esc cancel", style="reverse"))
        self.query_one("#contact-warnings", Static).update(Text("\n").join(lines))
        self.query_one("#contact-error", Static).update(Text(self.error, style="bold red"))

    # --- keys ----------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a warning waits for confirmation only y / n / save / cancel work; y and n are choices
        otherwise. Nothing is saved before the case has loaded or while a save runs."""
        if action in ("confirm", "back"):
            return self.confirming
        if action in ("pick", "digit"):
            return not self.confirming and not self.saving
        if action == "save":
            return self.casefile is not None and not self.saving
        return True

    def action_pick(self, field: str, value: str) -> None:
        """Choose a kind, channel or outcome."""
        self.draft = picked(self.draft, field, value)
        self.error = ""
        self.refresh_view()

    def letter(self, key: str) -> None:
        """A choice letter typed in the minutes box: pick it as its binding would and leave the box."""
        self.set_focus(None)
        if key in LETTERS and self.check_action("pick", LETTERS[key]):
            self.action_pick(*LETTERS[key])

    def action_digit(self, digit: int) -> None:
        """A digit typed outside the inputs starts the minutes afresh and puts the cursor there."""
        box = self.query_one("#contact-minutes", Input)
        box.value = str(digit)
        box.cursor_position = len(box.value)
        self.set_focus(box)  # at once: the next digit typed must land in the box
        self.refresh_view()

    @on(Input.Changed, "#contact-minutes")
    def _minutes_changed(self, _event: Input.Changed) -> None:
        self.refresh_view()

    @on(Input.Submitted, "#contact-minutes")
    def _minutes_done(self, _event: Input.Submitted) -> None:
        self.set_focus(self.query_one("#contact-note", Input))

    @on(Input.Submitted, "#contact-note")
    def _note_done(self, _event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save, or first ask for confirmation when the contact is not safe for this victim."""
        if self.casefile is None or self.saving:
            return
        problems = self.problems()
        if problems:
            self.error = "Cannot save yet: " + "; ".join(problems) + "."
            self.refresh_view()
            return
        if self.confirming or not self.warnings():
            self._start_save()
            return
        self.confirming = True
        self.set_focus(None)  # y / n must not be typed into the note
        self.refresh_bindings()
        self.refresh_view()

    def action_confirm(self) -> None:
        """Save despite the warnings."""
        if self.confirming:
            self._start_save()

    def action_back(self) -> None:
        """Leave the warning step without saving."""
        self.confirming = False
        self.refresh_bindings()
        self.refresh_view()
        self.set_focus(None)  # letters pick choices again

    def action_cancel(self) -> None:
        """Close without saving anything."""
        self.dismiss(None)

    def _start_save(self) -> None:
        minutes = self.minutes()
        if minutes is None:
            return
        self.saving = True
        self.error = ""
        self.refresh_bindings()
        note = self.query_one("#contact-note", Input).value.strip()
        self._save(self.draft, minutes, note, self.now())

    @work(thread=True, exclusive=True, group="contact-save", exit_on_error=False)
    def _save(self, draft: Draft, minutes: int, note: str, at: datetime) -> None:
        try:
            contact = self.store.log_contact(
                self.case_id,
                at=at,
                kind=draft.kind,
                channel=draft.channel,
                outcome=draft.outcome,
                minutes=minutes,
                note=note,
            )
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Saved(contact))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        bump_revision(self)
        self.dismiss(message.contact)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.saving = False
        self.confirming = False
        self.error = message.text
        self.refresh_bindings()
        self.refresh_view()
