"""Orders and bail: add or edit one (type, start, end, conditions); record a breach of one.

A breach is also an incident (the store records both in one transaction), so it counts towards MARAC repeat
and escalation and brings the DASH review forward.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import OrderType, PersonRole
from caseload.domain.model import Incident, OrderBreach, ProtectiveOrder
from caseload.domain.sanitise import one_line
from caseload.domain.schedules import ORDER_LABELS
from caseload.screens.form_modal import FormModal
from caseload.store.casework_cjs import NO_CONDITIONS
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
)
from caseload.widgets.privacy import level3

ORDER_CHOICES = choices(
    (
        ("n", OrderType.DVPN, "DVPN"),
        ("o", OrderType.DVPO, "DVPO"),
        ("a", OrderType.DAPN, "DAPN"),
        ("p", OrderType.DAPO, "DAPO"),
        ("m", OrderType.NON_MOLESTATION, "non-molestation"),
        ("r", OrderType.RESTRAINING, "restraining"),
        ("s", OrderType.STALKING_PROTECTION, "stalking protection"),
        ("f", OrderType.FGM_PROTECTION, "FGM protection"),
        ("g", OrderType.FORCED_MARRIAGE_PROTECTION, "forced marriage protection"),
        ("b", OrderType.BARRING, "barring (family court)"),
        ("c", OrderType.PRE_CHARGE_BAIL, "pre-charge bail"),
        ("u", OrderType.RELEASED_UNDER_INVESTIGATION, "released under investigation"),
        ("d", OrderType.REMAND, "remand"),
        ("v", OrderType.DVDS_DISCLOSURE, "DVDS disclosure"),
        ("y", OrderType.SANCTUARY, "sanctuary scheme"),
        ("e", OrderType.REFUGE, "refuge"),
    )
)
HINTS: dict[OrderType, str] = {
    OrderType.DVPN: "A DVPN lasts 48 hours: the end is filled in as 2 days after the start.",
    OrderType.DVPO: "A DVPO lasts 14 to 28 days: type the end date the court set.",
    OrderType.PRE_CHARGE_BAIL: "Bail ends on the date set; conditions lapsing is a danger point (alert 7 days before).",
    OrderType.RELEASED_UNDER_INVESTIGATION: "Release under investigation carries no conditions.",
}
GRAVITY_CHOICES = choices((("1", 1, "minor"), ("2", 2, "low"), ("3", 3, "moderate"), ("4", 4, "serious"),
                           ("5", 5, "grave")))


def _case_heading(title: str, casefile: CaseFile | None, privacy: bool) -> Text:
    text = Text(title)
    if casefile is not None:
        text.append(f" · {one_line(casefile.case.reference, 20)} · ")
        text.append(level3(casefile.subject.display_name, privacy, 40))
    return text


@dataclass(frozen=True, slots=True)
class OrderInput:
    """What the worker typed for an order."""

    kind: OrderType
    starts_on: date
    ends_on: date | None
    conditions: str


class OrderModal(FormModal[ProtectiveOrder | None]):
    """Add an order or bail to a case, or edit ``order`` (the version the worker saw)."""

    def __init__(self, store: Store, case_id: str, today: date, order: ProtectiveOrder | None = None) -> None:
        super().__init__(store, today)
        self.case_id = case_id
        self.order = order
        self.casefile: CaseFile | None = None

    def heading(self) -> Text:
        """``Order or bail · new · C-… · name``."""
        return _case_heading(f"Order or bail · {'edit' if self.order else 'new'}", self.casefile, self.privacy)

    def fields(self) -> ComposeResult:
        """Type, start, end, conditions."""
        o = self.order
        yield FormRow("Type", ChoiceRow(ORDER_CHOICES, o.kind if o else NOTHING, id="kind"))
        yield Static(Text(""), id="kind-hint", classes="form-note")
        yield FormRow("Starts", DateField(o.starts_on if o else self.today, label="Starts", required=True,
                                          id="starts"))
        yield FormRow("Ends", DateField(o.ends_on if o else None, label="Ends", id="ends"))
        yield FormRow("Conditions", text_input(o.conditions if o else "", id="conditions", level3=True,
                                               placeholder="e.g. not to contact her or enter Example Road"))

    def load(self) -> CaseFile:
        """The case (for the title; a closed case is refused by the store)."""
        return self.store.casework_file(self.case_id)

    def show_loaded(self, data: Any) -> None:
        """Remember the case; focus the type."""
        self.casefile = data
        self.query_one("#kind", ChoiceRow).focus()

    def show_privacy(self, privacy: bool) -> None:
        """The title holds the victim's name."""
        if self.loaded:
            self.set_heading(self.heading())

    @on(ChoiceRow.Changed, "#kind")
    def _kind_changed(self, event: ChoiceRow.Changed) -> None:
        kind: OrderType = event.row.value
        self.query_one("#kind-hint", Static).update(Text(HINTS.get(kind, "")))
        ends = self.query_one("#ends", DateField)
        if kind == OrderType.DVPN and not ends.input.value.strip():
            try:
                start = self.query_one("#starts", DateField).value()
            except FieldError:
                return
            if start is not None:
                ends.set_date(start + timedelta(days=2))

    def collect(self) -> OrderInput:
        """Read and check the fields (the same rules as the store, said before saving)."""
        kind_row = self.query_one("#kind", ChoiceRow)
        if not kind_row.chosen:
            raise FieldError("Type: choose one (press its letter).", kind_row)
        kind: OrderType = kind_row.value
        starts = self.query_one("#starts", DateField).required_value()
        ends_field = self.query_one("#ends", DateField)
        ends = ends_field.value()
        if ends is not None and ends < starts:
            raise FieldError("Ends: it cannot end before it starts.", ends_field.input)
        conditions = self.query_one("#conditions", Input)
        if kind in NO_CONDITIONS and conditions.value.strip():
            raise FieldError("Conditions: release under investigation carries no conditions.", conditions)
        return OrderInput(kind, starts, ends, conditions.value.strip())

    def write(self, payload: Any) -> ProtectiveOrder:
        """Add the order, or save the edit over the version seen."""
        p: OrderInput = payload
        if self.order is None:
            return self.store.add_order(self.case_id, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on,
                                        conditions=p.conditions)
        return self.store.update_order(dataclasses.replace(self.order, kind=p.kind, starts_on=p.starts_on,
                                                           ends_on=p.ends_on, conditions=p.conditions))


@dataclass(frozen=True, slots=True)
class BreachInput:
    """What the worker typed for a breach."""

    occurred_on: date
    note: str
    gravity: int
    perpetrator_id: str | None


class BreachModal(FormModal[tuple[OrderBreach, Incident] | None]):
    """Record a breach of ``order`` (date, note); the store records it as an incident too."""

    def __init__(self, store: Store, order: ProtectiveOrder, today: date) -> None:
        super().__init__(store, today)
        self.order = order
        self.casefile: CaseFile | None = None
        self.perpetrators: list[tuple[str, str]] = []

    def heading(self) -> Text:
        """``Breach of DVPO · C-… · name``."""
        return _case_heading(f"Breach of {ORDER_LABELS[self.order.kind]}", self.casefile, self.privacy)

    def fields(self) -> ComposeResult:
        """The order, the date, the note, gravity and (with several) which perpetrator."""
        yield Static(Text(""), id="order-line", classes="form-note")
        yield FormRow("Date of breach", DateField(self.today, label="Date of breach", required=True, id="on"))
        yield FormRow("What happened", text_input(id="note", level3=True))
        yield FormRow("Gravity", ChoiceRow(GRAVITY_CHOICES, 3, id="gravity"))
        yield FormRow("Who breached", ChoiceRow((), id="perpetrator"), id="perpetrator-row")
        yield Static(Text("A breach is also recorded as an incident: it counts for MARAC repeat and escalation "
                          "and brings the DASH review forward."), classes="form-note")

    def load(self) -> CaseFile:
        """The case file (perpetrators to choose from)."""
        return self.store.casework_file(self.order.case_id)

    def show_loaded(self, data: Any) -> None:
        """Show the order; offer the perpetrators when there are several."""
        cf: CaseFile = data
        self.casefile = cf
        self.perpetrators = [
            (p.person_id, person.display_name)
            for p in cf.parties
            if p.role == PersonRole.PERPETRATOR and (person := cf.person(p.person_id)) is not None
        ]
        self._show_order()
        self._perpetrator_choices()
        self.query_one("#perpetrator-row").display = len(self.perpetrators) > 1
        self.query_one("#on", DateField).input.focus()

    def _show_order(self) -> None:
        o = self.order
        text = Text(f"{ORDER_LABELS[o.kind]} from {long_day(o.starts_on)}")
        text.append(f" to {long_day(o.ends_on)}" if o.ends_on else " (no end date)")
        if o.conditions:
            text.append(" · ")
            text.append(level3(o.conditions, self.privacy, 120))
        self.query_one("#order-line", Static).update(text)

    def _perpetrator_choices(self) -> None:
        row = self.query_one("#perpetrator", ChoiceRow)
        keep = row.value if row.chosen else NOTHING
        row.set_options(choices((str(n), pid, level3(name, self.privacy, 30))
                                for n, (pid, name) in enumerate(self.perpetrators[:9], 1)),
                        keep if keep is not NOTHING else NOTHING)

    def show_privacy(self, privacy: bool) -> None:
        """Names and conditions are level 3."""
        if self.loaded:
            self.set_heading(self.heading())
            self._show_order()
            self._perpetrator_choices()

    def collect(self) -> BreachInput:
        """Read and check the fields."""
        field = self.query_one("#on", DateField)
        on_ = field.required_value()
        if on_ < self.order.starts_on:
            raise FieldError(f"Date of breach: it is before the order started ({long_day(self.order.starts_on)}).",
                             field.input)
        if on_ > self.today:
            raise FieldError("Date of breach: it is in the future.", field.input)
        if self.order.ends_on is not None and on_ > self.order.ends_on:
            raise FieldError(f"Date of breach: the order ended on {long_day(self.order.ends_on)}; record what "
                             "happened after that as a new incident.", field.input)
        who: str | None = None
        if len(self.perpetrators) > 1:
            row = self.query_one("#perpetrator", ChoiceRow)
            if not row.chosen:
                raise FieldError("Who breached: choose one (press its number).", row)
            who = row.value
        gravity: int = self.query_one("#gravity", ChoiceRow).value
        return BreachInput(on_, self.query_one("#note", Input).value.strip(), gravity, who)

    def write(self, payload: Any) -> tuple[OrderBreach, Incident]:
        """Record the breach and its incident (one transaction)."""
        p: BreachInput = payload
        return self.store.record_breach(self.order.id, occurred_on=p.occurred_on, note=p.note,
                                        perpetrator_id=p.perpetrator_id, gravity=p.gravity)
