"""Criminal-justice milestone: kind, date, outcome code (NFA only), detail — and the victim updates it owes.

While typing, the form says which Victims' Code update the milestone will create and by when; after saving it
shows the updates the store actually recorded, with their due dates in working days, before it closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, Static

from caseload.domain.calendar import working_days_between
from caseload.domain.casefile import CaseFile
from caseload.domain.enums import MilestoneKind
from caseload.domain.model import Case, CjsMilestone, VictimUpdate
from caseload.domain.sanitise import one_line
from caseload.domain.victims_code import allowed_working_days, obligations_for
from caseload.screens.form_modal import FormModal
from caseload.store.store import Store
from caseload.widgets.form_fields import (
    NOTHING,
    ChoiceRow,
    DateField,
    FieldError,
    FormRow,
    choices,
    long_day,
    text_input,
    warm_calendar,
)
from caseload.widgets.privacy import level3

MILESTONE_CHOICES = choices(
    (
        ("p", MilestoneKind.REPORTED, "reported"),
        ("r", MilestoneKind.CRIMED, "crimed"),
        ("t", MilestoneKind.NOT_CRIMED, "not crimed"),
        ("a", MilestoneKind.ARREST, "arrest"),
        ("i", MilestoneKind.INTERVIEW_UNDER_CAUTION, "interview under caution"),
        ("l", MilestoneKind.RELEASE_WITHOUT_CHARGE, "release without charge"),
        ("b", MilestoneKind.BAIL, "bail"),
        ("u", MilestoneKind.RUI, "RUI"),
        ("g", MilestoneKind.BAIL_CONDITIONS_CHANGED, "bail conditions changed"),
        ("m", MilestoneKind.REMAND, "remand"),
        ("d", MilestoneKind.DECISION_NOT_TO_INVESTIGATE, "decision not to investigate"),
        ("n", MilestoneKind.NFA, "NFA"),
        ("c", MilestoneKind.CHARGED, "charged"),
        ("f", MilestoneKind.FIRST_HEARING, "first hearing"),
        ("h", MilestoneKind.HEARING_DATE_SET, "hearing date set"),
        ("e", MilestoneKind.EVIDENCE_REQUIRED, "evidence required"),
        ("o", MilestoneKind.COURT_BAIL_OUTCOME, "court bail outcome"),
        ("w", MilestoneKind.WARRANT, "warrant"),
        ("j", MilestoneKind.TRIAL_DATE, "trial date"),
        ("v", MilestoneKind.VERDICT, "verdict"),
        ("s", MilestoneKind.SENTENCE, "sentence"),
        ("k", MilestoneKind.APPEAL, "appeal"),
        ("y", MilestoneKind.RELEASE_FROM_CUSTODY, "release from custody"),
    )
)
KIND_LABELS = {c.value: c.label for c in MILESTONE_CHOICES}
OUTCOME_HINT = "NFA outcome code 1–22: 15 evidential difficulties, 16 victim does not support."


def obligation_line(kind: MilestoneKind, update: VictimUpdate, case: Case) -> str:
    """``charged on Thu 24 Dec 2026 → police / CPS must tell the victim by Tue 29 Dec 2026 (1 working day,
    enhanced rights)``."""
    days = allowed_working_days(update, case)
    if days is None:
        days = working_days_between(update.event_on, update.due_on)
    rights = "enhanced rights" if case.enhanced_rights else "standard rights"
    who = one_line(update.who_tells, 40)
    return (
        f"{KIND_LABELS.get(kind, kind.value)} on {long_day(update.event_on)} → {who} must tell the "
        f"victim by {long_day(update.due_on)} ({days} working day{'' if days == 1 else 's'}, {rights})"
    )


@dataclass(frozen=True, slots=True)
class MilestoneInput:
    """What the worker typed."""

    kind: MilestoneKind
    occurred_on: date
    outcome_code: int | None
    detail: str


class MilestoneModal(FormModal[tuple[CjsMilestone, tuple[VictimUpdate, ...]] | None]):
    """Add a criminal-justice milestone to a case; dismisses with the milestone and the updates it created."""

    def __init__(self, store: Store, case_id: str, today: date) -> None:
        super().__init__(store, today)
        self.case_id = case_id
        self.casefile: CaseFile | None = None

    def heading(self) -> Text:
        """``Criminal-justice milestone · C-… · name``."""
        text = Text("Criminal-justice milestone")
        if self.casefile is not None:
            text.append(f" · {one_line(self.casefile.case.reference, 20)} · ")
            text.append(level3(self.casefile.subject.display_name, self.privacy, 40))
        return text

    def fields(self) -> ComposeResult:
        """Kind, date, outcome code, detail, what it will owe, the result after saving."""
        yield FormRow("Milestone", ChoiceRow(MILESTONE_CHOICES, NOTHING, id="kind"))
        yield FormRow("Date", DateField(self.today, label="Date", required=True, id="on"))
        yield FormRow("Outcome code", text_input(id="outcome", placeholder="15 or 16 (NFA only)", max_length=2))
        yield Static(Text(OUTCOME_HINT), classes="form-note")
        yield FormRow("Detail", text_input(id="detail", level3=True))
        yield Static(Text(""), id="owed", classes="form-note")
        yield Static(Text(""), id="result", classes="form-result")
        yield Button(Text("Close"), id="close", compact=True)

    def on_mount(self) -> None:
        """Hide the close button until saved, then load."""
        self.query_one("#close", Button).display = False
        self.query_one("#outcome", Input).disabled = True
        super().on_mount()

    def load(self) -> CaseFile:
        """The case (enhanced rights decide the timescales); the bank-holiday tables are read here too, so
        the first preview does not stall typing."""
        warm_calendar(self.today)
        return self.store.casework_file(self.case_id)

    def show_loaded(self, data: Any) -> None:
        """Remember the case; focus the milestone."""
        self.casefile = data
        self.query_one("#kind", ChoiceRow).focus()
        self._preview()

    def show_privacy(self, privacy: bool) -> None:
        """The title holds the victim's name."""
        if self.loaded:
            self.set_heading(self.heading())

    @on(ChoiceRow.Changed, "#kind")
    def _kind_changed(self, event: ChoiceRow.Changed) -> None:
        nfa = event.row.value == MilestoneKind.NFA
        outcome = self.query_one("#outcome", Input)
        outcome.disabled = not nfa
        if not nfa:
            outcome.value = ""
        self._preview()

    @on(Input.Changed, "#on DateInput")
    def _date_changed(self, _event: Input.Changed) -> None:
        self._preview()

    def _preview(self) -> None:
        """What the milestone will owe, computed as the store will (pure rules, nothing saved)."""
        owed = self.query_one("#owed", Static)
        kind_row = self.query_one("#kind", ChoiceRow)
        if self.casefile is None or not kind_row.chosen or self.result is not None:
            owed.update(Text(""))
            return
        try:
            on_ = self.query_one("#on", DateField).value()
        except FieldError:
            on_ = None
        if on_ is None:
            owed.update(Text(""))
            return
        case = self.casefile.case
        updates = obligations_for(CjsMilestone("preview", case.id, kind_row.value, on_), case)
        if not updates:
            owed.update(Text("No Victims' Code update is owed for this milestone."))
            return
        owed.update(Text("Will owe: " + "; ".join(obligation_line(kind_row.value, u, case) for u in updates)))

    def collect(self) -> MilestoneInput:
        """Read and check the fields."""
        kind_row = self.query_one("#kind", ChoiceRow)
        if not kind_row.chosen:
            raise FieldError("Milestone: choose one (press its letter).", kind_row)
        kind: MilestoneKind = kind_row.value
        on_field = self.query_one("#on", DateField)
        on_ = on_field.required_value()
        if on_ > self.today:
            raise FieldError("Date: a milestone cannot be in the future (record a hearing date as "
                             "'hearing date set' on the day it was set).", on_field.input)
        box = self.query_one("#outcome", Input)
        code: int | None = None
        if kind == MilestoneKind.NFA and box.value.strip():
            if not box.value.strip().isdigit() or not 1 <= int(box.value) <= 22:
                raise FieldError("Outcome code: a number from 1 to 22 (15 or 16 for most NFAs).", box)
            code = int(box.value)
        return MilestoneInput(kind, on_, code, self.query_one("#detail", Input).value.strip())

    def write(self, payload: Any) -> tuple[CjsMilestone, tuple[VictimUpdate, ...]]:
        """The milestone and its updates, in one transaction."""
        p: MilestoneInput = payload
        return self.store.add_milestone(self.case_id, kind=p.kind, occurred_on=p.occurred_on,
                                        outcome_code=p.outcome_code, detail=p.detail)

    def after_save(self, result: Any) -> None:
        """Show what the store recorded, then wait for the worker to close."""
        milestone, updates = result
        assert self.casefile is not None
        case = self.casefile.case
        if updates:
            lines = [obligation_line(milestone.kind, u, case) for u in updates]
            text = "Saved. " + "\n".join(lines)
        else:
            text = f"Saved. {KIND_LABELS.get(milestone.kind, '')} on {long_day(milestone.occurred_on)}: no " \
                   "Victims' Code update is owed for it."
        self.query_one("#owed", Static).update(Text(""))
        self.query_one("#result", Static).update(Text(text))
        for widget in self.query("#form-body ChoiceRow, #form-body Input"):
            widget.disabled = True
        close = self.query_one("#close", Button)
        close.display = True
        close.focus()
        self.say("Enter, ctrl+s or esc: close.")

    @on(Button.Pressed, "#close")
    def _close(self, _event: Button.Pressed) -> None:
        self.dismiss(self.result)
