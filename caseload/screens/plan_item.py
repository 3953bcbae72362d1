"""Safety-plan item: risk → action → who → by when → status, in a category; and the plan's review date.

Adds a new item (the store creates the plan when the case has none) or edits one: an edit saves over the
version the worker opened, so a change made meanwhile by someone else is refused as a conflict, in words.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import ItemStatus, SafetyCategory
from caseload.domain.model import SafetyPlan, SafetyPlanItem
from caseload.domain.sanitise import one_line
from caseload.screens.base import bump_revision
from caseload.screens.form_modal import FormModal
from caseload.store.casework_risk import PLAN_REVIEW_DAYS
from caseload.store.errors import StoreError
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

CATEGORY_CHOICES = choices(
    (
        ("h", SafetyCategory.HOME_SECURITY, "home security / sanctuary"),
        ("o", SafetyCategory.PROTECTIVE_ORDERS, "protective orders"),
        ("e", SafetyCategory.ESCAPE_PLAN, "escape plan"),
        ("c", SafetyCategory.CHILDREN, "children"),
        ("d", SafetyCategory.DIGITAL_SAFETY, "digital / tech safety"),
        ("f", SafetyCategory.FINANCES, "finances"),
        ("l", SafetyCategory.HEALTH, "health"),
        ("u", SafetyCategory.HOUSING, "housing"),
        ("t", SafetyCategory.COURT, "court"),
        ("m", SafetyCategory.MARAC_ACTION, "MARAC action"),
    )
)
STATUS_CHOICES = choices(
    (
        ("o", ItemStatus.OPEN, "open"),
        ("i", ItemStatus.IN_PROGRESS, "in progress"),
        ("d", ItemStatus.DONE, "done"),
        ("n", ItemStatus.NOT_NEEDED, "not needed"),
    )
)


@dataclass(frozen=True, slots=True)
class PlanItemInput:
    """What the worker typed."""

    category: SafetyCategory
    risk: str
    action: str
    who: str
    due_on: date | None
    status: ItemStatus
    review_on: date


def current_plan(casefile: CaseFile) -> SafetyPlan | None:
    """The case's current plan (the newest one marked current), or None."""
    return max((p for p in casefile.plans if p.current), key=lambda p: (p.created_on, p.id), default=None)


class PlanItemModal(FormModal[SafetyPlanItem | None]):
    """Add a safety-plan item, or edit ``item`` (the version the worker saw). Dismisses with the saved item."""

    def __init__(self, store: Store, case_id: str, today: date, item: SafetyPlanItem | None = None) -> None:
        super().__init__(store, today)
        self.case_id = case_id
        self.item = item
        self.casefile: CaseFile | None = None
        self.plan: SafetyPlan | None = None
        self.review_seen: date | None = None
        self.partly_saved = False

    def heading(self) -> Text:
        """``Safety-plan item · new · C-2026-0001 · name``."""
        text = Text(f"Safety-plan item · {'edit' if self.item is not None else 'new'}")
        if self.casefile is not None:
            text.append(f" · {one_line(self.casefile.case.reference, 20)} · ")
            text.append(level3(self.casefile.subject.display_name, self.privacy, 40))
        return text

    def fields(self) -> ComposeResult:
        """Category, risk, action, who, by when, status, plan review."""
        item = self.item
        yield FormRow("Category", ChoiceRow(CATEGORY_CHOICES, item.category if item else NOTHING, id="category"))
        yield FormRow("Risk addressed", text_input(item.risk if item else "", id="risk", level3=True,
                                                   placeholder="e.g. DASH 8: he follows her from work"))
        yield FormRow("Action", text_input(item.action if item else "", id="action", level3=True))
        yield FormRow("Who", text_input(item.who if item else "", id="who", placeholder="victim, IDVA, police…"))
        yield FormRow("By when", DateField(item.due_on if item else None, label="By when", id="due"))
        yield FormRow("Status", ChoiceRow(STATUS_CHOICES, item.status if item else ItemStatus.OPEN, id="status"))
        yield Static(Text("Safety plan"), classes="form-section")
        yield FormRow("Plan review", DateField(None, label="Plan review", required=True, id="review"))
        yield Static(Text(""), id="plan-note", classes="form-note")

    def load(self) -> CaseFile:
        """The case file as the write methods see it (current plan and its version)."""
        return self.store.casework_file(self.case_id)

    def show_loaded(self, data: Any) -> None:
        """Fill the review date from the current plan (4 weeks on when there is none)."""
        self.casefile = data
        self.plan = current_plan(data)
        review = self.plan.review_on if self.plan else self.today + timedelta(days=PLAN_REVIEW_DAYS)
        self.review_seen = review  # with no plan, the store makes one with this very review date
        self.query_one("#review", DateField).set_date(review)
        if self.plan is None:
            note = "No current plan: saving creates one today."
        else:
            late = " (overdue)" if self.plan.review_on < self.today else ""
            note = f"Plan made {long_day(self.plan.created_on)}; review due {long_day(self.plan.review_on)}{late}."
        self.query_one("#plan-note", Static).update(Text(note))
        self.query_one("#category", ChoiceRow).focus()

    def show_privacy(self, privacy: bool) -> None:
        """The title holds the victim's name."""
        if self.loaded:
            self.set_heading(self.heading())

    def show_refusal(self, text: str, error: StoreError | None) -> None:
        """Say why; when the item was saved but not the review date, lists reload and the form now edits it."""
        if self.partly_saved:
            self.partly_saved = False
            bump_revision(self)
            self.set_heading(self.heading())
        super().show_refusal(text, error)

    def collect(self) -> PlanItemInput:
        """Read and check the fields."""
        category = self.query_one("#category", ChoiceRow)
        if not category.chosen:
            raise FieldError("Category: choose one (press its letter).", category)
        action, who = self.query_one("#action", Input), self.query_one("#who", Input)
        if not action.value.strip():
            raise FieldError("Action: say what will be done.", action)
        if not who.value.strip():
            raise FieldError("Who: say who will do it (victim, IDVA, an agency).", who)
        due = self.query_one("#due", DateField).value()
        review = self.query_one("#review", DateField).required_value()
        created = self.plan.created_on if self.plan else self.today
        if review < created:
            raise FieldError(f"Plan review: it cannot be before the plan was made ({long_day(created)}).",
                             self.query_one("#review", DateField).input)
        return PlanItemInput(
            category=category.value,
            risk=self.query_one("#risk", Input).value.strip(),
            action=action.value.strip(),
            who=who.value.strip(),
            due_on=due,
            status=self.query_one("#status", ChoiceRow).value,
            review_on=review,
        )

    def write(self, payload: Any) -> SafetyPlanItem:
        """Add or save the item; then, only if it changed, the plan's review date (a second call: when that
        one is refused the item stays saved and the form edits it from then on, so a retry never adds twice)."""
        p: PlanItemInput = payload
        if self.item is None:
            saved = self.store.add_plan_item(self.case_id, on=self.today, category=p.category, risk=p.risk,
                                             action=p.action, who=p.who, due_on=p.due_on, status=p.status)
        else:
            saved = self.store.update_plan_item(dataclasses.replace(
                self.item, category=p.category, risk=p.risk, action=p.action, who=p.who, due_on=p.due_on,
                status=p.status))
        self.item = saved
        if p.review_on != self.review_seen:
            try:
                plan = self.store.set_plan_review(self.case_id, p.review_on, on=self.today,
                                                  expected_version=self.plan.version if self.plan else None)
            except StoreError as exc:
                self.partly_saved = True
                raise StoreError(f"The item was saved, but not the review date: {exc}") from None
            self.plan, self.review_seen = plan, plan.review_on
        return saved
