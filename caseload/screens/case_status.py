"""Case status: only the next actions the workflow allows (numbers to pick); closing with a reason and an exit
snapshot; reopening a closed case.

:class:`CaseStatusModal` lists :func:`caseload.domain.workflow.next_actions` for the case as it is stored now;
"Close case" opens :class:`CloseCaseModal` on top. Closing as "deceased" warns that a legal hold for a
Domestic Homicide Review is set (the store sets it in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from caseload.domain import workflow
from caseload.domain.casefile import CaseFile
from caseload.domain.enums import ClosureReason, RiskLevel
from caseload.domain.model import Case
from caseload.domain.sanitise import one_line
from caseload.domain.schedules import effective_risk
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
    yes_no_unknown,
)
from caseload.widgets.privacy import level3

REASON_CHOICES = choices(
    (
        ("r", ClosureReason.RISK_REDUCED, "risk reduced / needs met"),
        ("d", ClosureReason.DECLINED, "declined"),
        ("u", ClosureReason.UNABLE_TO_CONTACT, "unable to contact"),
        ("m", ClosureReason.MOVED_AWAY, "moved away"),
        ("t", ClosureReason.TRANSFERRED, "transferred"),
        ("o", ClosureReason.OTHER_SERVICE, "other service"),
        ("c", ClosureReason.DECEASED, "deceased"),
    )
)
RISK_CHOICES = choices((("h", RiskLevel.HIGH, "high"), ("m", RiskLevel.MEDIUM, "medium"),
                        ("s", RiskLevel.STANDARD, "standard")))
DHR_WARNING = ("A legal hold for a Domestic Homicide Review will be set on this case: it cannot be disposed of "
               "while the hold stands. Tell your supervisor.")


def _heading(title: str, casefile: CaseFile | None, privacy: bool) -> Text:
    text = Text(title)
    if casefile is not None:
        text.append(f" · {one_line(casefile.case.reference, 20)} · ")
        text.append(level3(casefile.subject.display_name, privacy, 40))
        text.append(f" · {workflow.status_label(casefile.case.status)}")
    return text


class CaseStatusModal(FormModal[Case | None]):
    """Move the case on by one allowed action; dismisses with the case as saved."""

    BINDINGS = [Binding("enter", "save", "Do it", id="status.do", priority=True, tooltip="Apply the chosen action")]

    def __init__(self, store: Store, case_id: str, today: date) -> None:
        super().__init__(store, today)
        self.case_id = case_id
        self.casefile: CaseFile | None = None
        self.actions: tuple[workflow.NextAction, ...] = ()

    def heading(self) -> Text:
        """``Case status · C-… · name · Active support``."""
        return _heading("Case status", self.casefile, self.privacy)

    def fields(self) -> ComposeResult:
        """The allowed actions, one per line, numbered."""
        yield Static(Text("Press a number, then enter."), classes="form-note")
        yield FormRow("Next", ChoiceRow((), NOTHING, vertical=True, id="action"))

    def load(self) -> CaseFile:
        """The case as stored now (its status and version)."""
        return self.store.casework_file(self.case_id)

    def show_loaded(self, data: Any) -> None:
        """Offer the valid next actions."""
        self.casefile = data
        self.actions = workflow.next_actions(data.case)
        row = self.query_one("#action", ChoiceRow)
        row.set_options(choices((str(n), a, a.label) for n, a in enumerate(self.actions, 1)), NOTHING)
        row.focus()

    def show_privacy(self, privacy: bool) -> None:
        """The title holds the victim's name."""
        if self.loaded:
            self.set_heading(self.heading())

    def collect(self) -> workflow.NextAction | None:
        """The chosen action; "Close case" opens the closing form instead of saving here."""
        row = self.query_one("#action", ChoiceRow)
        if not row.chosen:
            raise FieldError("Choose an action (press its number).", row)
        action: workflow.NextAction = row.value
        if action.kind is workflow.ActionKind.CLOSE:
            self.app.push_screen(CloseCaseModal(self.store, self.case_id, self.today), callback=self._close_done)
            return None
        return action

    def _close_done(self, case: Case | None) -> None:
        if case is not None:
            self.dismiss(case)

    def write(self, payload: Any) -> Case:
        """A plain status change, or reopening (one transaction each)."""
        action: workflow.NextAction = payload
        assert self.casefile is not None
        if action.kind is workflow.ActionKind.REOPEN:
            return self.store.reopen_case(self.casefile.case, action.to)
        return self.store.change_status(self.casefile.case, action.to)


@dataclass(frozen=True, slots=True)
class CloseInput:
    """The closure as typed."""

    on: date
    reason: ClosureReason
    risk_level: RiskLevel
    abuse_stopped: bool | None
    feels_safer: bool | None


class CloseCaseModal(FormModal[Case | None]):
    """Close a case with a closure reason and an exit snapshot; dismisses with the closed case."""

    def __init__(self, store: Store, case_id: str, today: date) -> None:
        super().__init__(store, today)
        self.case_id = case_id
        self.casefile: CaseFile | None = None

    def heading(self) -> Text:
        """``Close case · C-… · name · status``."""
        return _heading("Close case", self.casefile, self.privacy)

    def fields(self) -> ComposeResult:
        """Reason, date, and the exit snapshot."""
        yield FormRow("Reason", ChoiceRow(REASON_CHOICES, NOTHING, id="reason"))
        yield Static(Text(DHR_WARNING), id="dhr", classes="form-warning")
        yield FormRow("Closed on", DateField(self.today, label="Closed on", required=True, id="on"))
        yield Static(Text("Exit snapshot (for outcome returns)"), classes="form-section")
        yield FormRow("Risk at exit", ChoiceRow(RISK_CHOICES, NOTHING, id="risk"))
        yield FormRow("Abuse stopped", ChoiceRow(yes_no_unknown(), NOTHING, id="stopped"))
        yield FormRow("Feels safer", ChoiceRow(yes_no_unknown(), NOTHING, id="safer"))

    def on_mount(self) -> None:
        """The warning shows only for "deceased"."""
        self.query_one("#dhr").display = False
        super().on_mount()

    def load(self) -> CaseFile:
        """The case (its version, opening date and risk)."""
        return self.store.casework_file(self.case_id)

    def show_loaded(self, data: Any) -> None:
        """Default the exit risk to the case's effective risk."""
        self.casefile = data
        self.query_one("#risk", ChoiceRow).select(effective_risk(data))
        if not data.case.is_open:
            self.say("This case is already closed.", error=True)
        self.query_one("#reason", ChoiceRow).focus()

    def show_privacy(self, privacy: bool) -> None:
        """The title holds the victim's name."""
        if self.loaded:
            self.set_heading(self.heading())

    @on(ChoiceRow.Changed, "#reason")
    def _reason(self, event: ChoiceRow.Changed) -> None:
        self.query_one("#dhr").display = event.row.value == ClosureReason.DECEASED

    def collect(self) -> CloseInput:
        """Read and check the fields."""
        assert self.casefile is not None
        rows = {name: self.query_one(f"#{name}", ChoiceRow) for name in ("reason", "risk", "stopped", "safer")}
        words = {"reason": "Reason: choose one (press its letter).",
                 "risk": "Risk at exit: choose h, m or s.",
                 "stopped": "Abuse stopped: y, n or k (not known).",
                 "safer": "Feels safer: y, n or k (not known)."}
        for name, row in rows.items():
            if not row.chosen:
                raise FieldError(words[name], row)
        field = self.query_one("#on", DateField)
        on_ = field.required_value()
        opened = self.casefile.case.opened_on
        if on_ < opened:
            raise FieldError(f"Closed on: it is before the case was opened ({long_day(opened)}).", field.input)
        if on_ > self.today:
            raise FieldError("Closed on: it is in the future.", field.input)
        return CloseInput(on_, rows["reason"].value, rows["risk"].value, rows["stopped"].value,
                          rows["safer"].value)

    def write(self, payload: Any) -> Case:
        """Close with the exit snapshot (one transaction)."""
        p: CloseInput = payload
        assert self.casefile is not None
        return self.store.close_case(self.casefile.case, on=p.on, reason=p.reason, abuse_stopped=p.abuse_stopped,
                                     feels_safer=p.feels_safer, risk_level=p.risk_level)

    def after_save(self, result: Any) -> None:
        """Say that the legal hold is set, then close."""
        closed: Case = result
        if closed.closure_reason == ClosureReason.DECEASED:
            self.app.notify("Case closed. Legal hold set for a Domestic Homicide Review.", markup=False,
                            severity="warning")
        self.dismiss(closed)
