"""Victim told: record when and how the victim was told about an update she was owed; closes the obligation.

Told after the due date is late (told on the due date is on time); the form says which before saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from caseload.domain.calendar import working_days_between
from caseload.domain.casefile import CaseFile
from caseload.domain.enums import Channel
from caseload.domain.model import VictimUpdate
from caseload.domain.sanitise import one_line
from caseload.screens.form_modal import FormModal
from caseload.store.store import Store
from caseload.widgets.form_fields import ChoiceRow, DateField, FieldError, FormRow, choices, long_day, warm_calendar
from caseload.widgets.privacy import level3

CHANNEL_CHOICES = choices(
    (
        ("p", Channel.PHONE, "phone"),
        ("t", Channel.TEXT, "text"),
        ("e", Channel.EMAIL, "email"),
        ("v", Channel.VOICEMAIL, "voicemail"),
        ("f", Channel.FACE_TO_FACE, "face to face"),
        ("i", Channel.VIDEO, "video"),
        ("l", Channel.LETTER, "letter"),
    )
)


def timeliness(update: VictimUpdate, told_on: date) -> str:
    """``on time`` / ``late: …`` / why it cannot be, for telling the victim on ``told_on``."""
    if told_on < update.event_on:
        return f"cannot be: that is before the event ({long_day(update.event_on)})"
    if told_on <= update.due_on:
        return f"on time (due {long_day(update.due_on)})"
    late = working_days_between(update.due_on, told_on)
    return f"late: due {long_day(update.due_on)}, told {late} working day{'' if late == 1 else 's'} after"


@dataclass(frozen=True, slots=True)
class ToldInput:
    """When and how the victim was told."""

    told_on: date
    channel: Channel


class VictimToldModal(FormModal[VictimUpdate | None]):
    """Mark ``update`` told (the version the worker saw); dismisses with the closed update."""

    def __init__(self, store: Store, update: VictimUpdate, today: date) -> None:
        super().__init__(store, today)
        self.update = update
        self.casefile: CaseFile | None = None

    def heading(self) -> Text:
        """``Victim told · C-… · name``."""
        text = Text("Victim told")
        if self.casefile is not None:
            text.append(f" · {one_line(self.casefile.case.reference, 20)} · ")
            text.append(level3(self.casefile.subject.display_name, self.privacy, 40))
        return text

    def fields(self) -> ComposeResult:
        """What was owed, the date told, the channel, on time or late."""
        u = self.update
        event, who = one_line(u.event, 60), one_line(u.who_tells, 40)
        yield Static(Text(f"Owed: {event} on {long_day(u.event_on)} · {who} tells the victim · due "
                          f"{long_day(u.due_on)}"), id="owed", classes="form-note")
        yield FormRow("Told on", DateField(self.today, label="Told on", required=True, id="told"))
        yield FormRow("How", ChoiceRow(CHANNEL_CHOICES, Channel.PHONE, id="channel"))
        yield Static(Text(timeliness(u, self.today)), id="timeliness", classes="form-note")

    def load(self) -> CaseFile:
        """The case (title, the victim's preferred update method); bank holidays read ahead of typing."""
        warm_calendar(self.today)
        return self.store.casework_file(self.update.case_id)

    def show_loaded(self, data: Any) -> None:
        """Default the channel to how the victim wants updates; say if it is already told."""
        self.casefile = data
        self.query_one("#channel", ChoiceRow).select(data.case.update_method)
        stored = next((u for u in data.updates if u.id == self.update.id), None)
        if stored is not None and stored.told_on is not None:
            self.say(f"Already marked told on {long_day(stored.told_on)}.", error=True)
        self.query_one("#told", DateField).input.focus()

    def show_privacy(self, privacy: bool) -> None:
        """The title holds the victim's name."""
        if self.loaded:
            self.set_heading(self.heading())

    @on(Input.Changed, "#told DateInput")
    def _date_changed(self, _event: Input.Changed) -> None:
        try:
            told = self.query_one("#told", DateField).value()
        except FieldError:
            told = None
        self.query_one("#timeliness", Static).update(Text("" if told is None else timeliness(self.update, told)))

    def collect(self) -> ToldInput:
        """Read and check the fields."""
        field = self.query_one("#told", DateField)
        told = field.required_value()
        if told < self.update.event_on:
            raise FieldError(f"Told on: it is before the event ({long_day(self.update.event_on)}).", field.input)
        if told > self.today:
            raise FieldError("Told on: it is in the future.", field.input)
        return ToldInput(told, self.query_one("#channel", ChoiceRow).value)

    def write(self, payload: Any) -> VictimUpdate:
        """Close the obligation (one transaction)."""
        p: ToldInput = payload
        return self.store.mark_update_told(self.update, told_on=p.told_on, channel=p.channel)

    def after_save(self, result: Any) -> None:
        """Say on time or late, then close."""
        told: VictimUpdate = result
        assert told.told_on is not None
        self.app.notify(f"Victim told — {timeliness(told, told.told_on)}.", markup=False,
                        severity="warning" if told.late else "information")
        self.dismiss(told)
