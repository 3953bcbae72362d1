"""MARAC listing modal: the meeting date a case was heard and the actions agreed there.

Each action (agency, action, due date) becomes a safety-plan item in category "MARAC action" on the case's
current plan, through :meth:`~caseload.store.casework_risk.RiskMixin.record_marac_listing` (a new listing,
linked to the case's latest referral) or :meth:`~caseload.store.casework_risk.RiskMixin.add_marac_actions`
(more actions on a recorded listing) — one transaction each. Rows left blank are ignored; a half-filled row
or an unreadable date is refused in plain words before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from caseload.domain.forms import MaracAction
from caseload.domain.model import MaracListing
from caseload.screens.base import CaseloadModal, bump_revision
from caseload.screens.marac_referral import labelled_input, parse_day
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar


class MaracListingModal(CaseloadModal[MaracListing | None]):
    """Record a MARAC meeting date with the actions agreed (each becomes a safety-plan item), or add actions
    to a recorded ``listing``. Dismissed with the listing, or None."""

    CSS_PATH = "marac_referral.tcss"
    AUTO_FOCUS = "#listing-date"
    ROWS = 3
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="listing.save", tooltip="Save the listing and its actions"),
        Binding("ctrl+n", "add_row", "More actions", id="listing.add_row", tooltip="Another action row"),
        Binding("escape", "cancel", "Cancel", id="listing.cancel", tooltip="Close without saving"),
    ]

    @dataclass
    class Done(Message):
        """Saved (``listing``) or refused (``text``)."""

        listing: MaracListing | None
        text: str = ""

    def __init__(self, store: Store, case_id: str, today: date, *, listing: MaracListing | None = None) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self.today = today
        self.listing = listing
        self.meeting_on = listing.meeting_on if listing else today
        self.rows = 0
        self.busy = False

    def compose(self) -> ComposeResult:
        """Meeting date (or the listing's), action rows agency / action / due, messages."""
        with Vertical(id="listing-box"):
            title = "Add MARAC actions" if self.listing else "Record MARAC listing"
            yield Static(Text(f"{title} · actions become safety-plan items (category MARAC action)"),
                         id="listing-header")
            yield from labelled_input("Meeting date", "e.g. 17/12/2026", "listing-date")
            yield Horizontal(
                Static(Text("Agency"), classes="agency"),
                Static(Text("Action agreed"), classes="action"),
                Static(Text("Due (dd/mm/yyyy)"), classes="due"),
                id="listing-cols",
                classes="listing-row",
            )
            yield Vertical(id="listing-rows")
            yield Static(Text(""), id="listing-message")
            yield KeyBar()

    def on_mount(self) -> None:
        """The date, the first action rows."""
        box = self.query_one("#listing-date", Input)
        box.value = self.meeting_on.strftime("%d/%m/%Y")
        box.disabled = self.listing is not None
        for _ in range(self.ROWS):
            self.action_add_row()

    def action_add_row(self) -> None:
        """One more agency / action / due row."""
        self.rows += 1
        n = self.rows
        self.query_one("#listing-rows").mount(
            Horizontal(
                Input(placeholder="agency", max_length=100, compact=True, id=f"agency-{n}", classes="agency"),
                Input(placeholder="action", max_length=500, compact=True, id=f"action-{n}", classes="action"),
                Input(placeholder="due", max_length=20, compact=True, id=f"due-{n}", classes="due"),
                classes="listing-row",
            )
        )

    def actions(self) -> tuple[list[MaracAction], list[str]]:
        """The filled-in rows as actions, and what is wrong with any of them."""
        out: list[MaracAction] = []
        problems: list[str] = []
        for n in range(1, self.rows + 1):
            agency, action, due = (
                self.query_one(f"#{k}-{n}", Input).value.strip() for k in ("agency", "action", "due")
            )
            if not (agency or action or due):
                continue
            due_on = parse_day(due, self.today) if due else None
            if not (agency and action):
                problems.append(f"row {n}: agency and action are needed")
            elif due and due_on is None:
                problems.append(f"row {n}: the due date is not a date (dd/mm/yyyy)")
            else:
                out.append(MaracAction(agency, action, due_on))
        return out, problems

    def action_save(self) -> None:
        """Check the form, then save in a worker."""
        if self.busy:
            return
        meeting = parse_day(self.query_one("#listing-date", Input).value, self.today)
        actions, problems = self.actions()
        if meeting is None:
            problems.insert(0, "the meeting date is not a date (dd/mm/yyyy)")
        if self.listing is not None and not actions and not problems:
            problems.append("add at least one action")
        if problems or meeting is None:
            self._say("Cannot save: " + "; ".join(problems) + ".")
            return
        self.busy = True
        self._save(meeting, actions)

    @work(thread=True, exclusive=True, group="listing-save", exit_on_error=False)
    def _save(self, meeting: date, actions: list[MaracAction]) -> None:
        try:
            if self.listing is not None:
                self.store.add_marac_actions(self.listing.id, actions)
                listing = self.listing
            else:
                referrals = self.store.casework_file(self.case_id).marac_referrals
                latest = max(referrals, key=lambda r: (r.referred_on, r.id), default=None)
                listing = self.store.record_marac_listing(
                    self.case_id, meeting_on=meeting, referral_id=latest.id if latest else None, actions=actions
                )
        except StoreError as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        self.post_message(self.Done(listing))

    @on(Done)
    def _done(self, message: Done) -> None:
        self.busy = False
        if message.listing is None:
            self._say(message.text)
            return
        bump_revision(self)
        self.dismiss(message.listing)

    def _say(self, text: str) -> None:
        self.query_one("#listing-message", Static).update(Text(text, style="bold red"))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
