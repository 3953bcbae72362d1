"""Editing keys of the case view: each opens a modal that saves in one store transaction, then the case
reloads and Today / the case list are told something changed. The modals live in their own modules.

Which keys apply depends on the case: victim-only work (DASH, MARAC, safety plan, victim updates) is not
offered on a Drive case, nothing but a status change (reopen) is offered on a closed case, and MARAC referral
only when the criteria are met.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, TabbedContent

from caseload.domain.enums import CaseKind, Role
from caseload.screens import case_tabs as tabs
from caseload.screens.base import CaseloadScreen

VICTIM_ONLY = frozenset({"dash", "marac", "marac_listing", "plan_item", "edit_plan_item", "told"})
DRIVE_ONLY = frozenset({"intervention", "session", "behaviour", "link_victim", "share", "allocate"})
EDIT_ACTIONS = frozenset({"log_contact", "dash", "marac", "marac_listing", "plan_item", "edit_plan_item", "order",
                          "breach", "milestone", "told", "status", "close_case"}) | DRIVE_ONLY
WHEN_OPEN = frozenset({"log_contact", "dash", "marac", "marac_listing", "plan_item", "edit_plan_item", "order",
                       "breach", "milestone", "told", "close_case"}) | DRIVE_ONLY


class CaseEditingScreen(CaseloadScreen[None]):
    """The case view's editing actions (mixed into :class:`caseload.screens.case_view.CaseScreen`)."""

    BINDINGS = [
        Binding("c", "log_contact", "Contact", id="case.contact", tooltip="Log a contact or an attempt"),
        Binding("d", "dash", "DASH", id="case.dash", tooltip="New DASH risk assessment (a new snapshot)"),
        Binding("m", "marac", "MARAC", id="case.marac", tooltip="MARAC referral (offered when the criteria are met)"),
        Binding("l", "marac_listing", "Listing", id="case.listing", show=False,
                tooltip="Record a MARAC listing and its actions"),
        Binding("s", "plan_item", "Plan", id="case.plan", tooltip="Add a safety-plan item"),
        Binding("e", "edit_plan_item", "Edit item", id="case.edit_item", show=False,
                tooltip="Edit the safety-plan item under the cursor"),
        Binding("o", "order", "Order", id="case.order", tooltip="Add an order or bail"),
        Binding("b", "breach", "Breach", id="case.breach", show=False,
                tooltip="Record a breach of the order under the cursor"),
        Binding("j", "milestone", "CJS", id="case.milestone", tooltip="Add a criminal-justice milestone"),
        Binding("t", "told", "Told", id="case.told", tooltip="Mark the victim told (the update under the cursor)"),
        Binding("u", "status", "Status", id="case.status", tooltip="Change status: only the valid next steps"),
        Binding("x", "close_case", "Close", id="case.close", tooltip="Close the case with an exit snapshot"),
        Binding("a", "intervention", "Action", id="case.drive_action",
                tooltip="Drive: add an intervention action (disruption, behaviour change, support)"),
        Binding("g", "session", "Session", id="case.drive_session", tooltip="Drive: record a session"),
        Binding("v", "behaviour", "Behaviours", id="case.drive_behaviour",
                tooltip="Drive: record a behaviour review (intake, then each review)"),
        Binding("k", "link_victim", "Link victim", id="case.drive_link", show=False,
                tooltip="Drive: link a victim, or record a hidden victim"),
        Binding("i", "share", "Tell IDVA", id="case.drive_share",
                tooltip="Drive: record information bearing on a linked victim's safety for her IDVA"),
        Binding("y", "allocate", "Allocate", id="case.drive_allocate",
                tooltip="Drive: allocate the case to a Drive case manager"),
    ]

    # Provided by CaseScreen.
    store: Any
    case_id: str
    ctx: tabs.CaseContext | None

    def action_reload(self) -> None:  # pragma: no cover - overridden
        """Read the case again (CaseScreen)."""
        raise NotImplementedError

    def show_tab(self, key: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _day(self) -> date:
        today: Any = getattr(self.app, "today", date.today)
        return today()  # type: ignore[no-any-return]

    def editing_allowed(self, action: str) -> bool:
        """Whether an editing action applies to the loaded case (see the module docstring)."""
        ctx = self.ctx
        if ctx is None:
            return False
        case = ctx.casefile.case
        if action in VICTIM_ONLY and case.kind is not CaseKind.VICTIM:
            return False
        if action in DRIVE_ONLY and case.kind is not CaseKind.PERPETRATOR:
            return False
        if action in WHEN_OPEN and not case.is_open:
            return False
        if action == "marac":
            return any(r.met for r in ctx.marac)
        if action == "status":
            return ctx.role is not Role.DRIVE or case.kind is CaseKind.PERPETRATOR
        if action == "allocate":  # a referred case; a supervisor may also re-allocate
            return ctx.role is Role.SUPERVISOR or (ctx.role is Role.DRIVE and case.status == "referred")
        return True

    def _open(self, modal: Screen[Any]) -> None:
        self.app.push_screen(modal, callback=self._edited)

    def _edited(self, result: object | None) -> None:
        if result is None:
            return  # the modal told the app about the write (bump_revision) when it saved
        self.notify("Saved.", markup=False)
        self.action_reload()

    def _row(self, table_id: str, items: list[Any], tab: str, what: str) -> Any | None:
        """The record under the cursor of a tab's table, or None (and the tab shown, with a hint)."""
        if self.query_one(TabbedContent).active != tab:
            self.show_tab(tab)
            self.notify(f"Choose the {what} with ↑/↓, then press the key again.", markup=False)
            return None
        table = self.query_one(f"#{table_id}", DataTable)
        if not items or table.row_count == 0:
            self.notify(f"There is no {what} on this case.", markup=False)
            return None
        return items[min(table.cursor_row, len(items) - 1)]

    def action_log_contact(self) -> None:
        """Contact quick-log."""
        from caseload.screens.contact_log import ContactLogModal

        self._open(ContactLogModal(self.store, self.case_id, self._day(), now=getattr(self.app, "now", None)))

    def action_dash(self) -> None:
        """New DASH."""
        from caseload.screens.dash_form import DashFormModal

        self._open(DashFormModal(self.store, self.case_id, self._day()))

    def action_marac(self) -> None:
        """MARAC referral built from the case and the DASH."""
        from caseload.screens.marac_referral import MaracReferralModal

        self._open(MaracReferralModal(self.store, self.case_id, self._day()))

    def action_marac_listing(self) -> None:
        """MARAC listing date and actions (they become safety-plan items)."""
        from caseload.screens.marac_listing import MaracListingModal

        self._open(MaracListingModal(self.store, self.case_id, self._day()))

    def action_plan_item(self) -> None:
        """Add a safety-plan item."""
        from caseload.screens.plan_item import PlanItemModal

        self._open(PlanItemModal(self.store, self.case_id, self._day()))

    def action_edit_plan_item(self) -> None:
        """Edit the plan item under the cursor."""
        from caseload.screens.plan_item import PlanItemModal

        if self.ctx is None:
            return
        item = self._row("plan-table", tabs.plan_items_in_order(self.ctx), "plan", "safety-plan item")
        if item is not None:
            self._open(PlanItemModal(self.store, self.case_id, self._day(), item=item))

    def action_order(self) -> None:
        """Add an order or bail."""
        from caseload.screens.order_form import OrderModal

        self._open(OrderModal(self.store, self.case_id, self._day()))

    def action_breach(self) -> None:
        """Record a breach of the order under the cursor."""
        from caseload.screens.order_form import BreachModal

        if self.ctx is None:
            return
        order = self._row("orders-table", tabs.orders_in_order(self.ctx), "orders", "order")
        if order is not None:
            self._open(BreachModal(self.store, order, self._day()))

    def action_milestone(self) -> None:
        """Add a criminal-justice milestone (it creates the victim-update obligations)."""
        from caseload.screens.milestone_form import MilestoneModal

        self._open(MilestoneModal(self.store, self.case_id, self._day()))

    def action_told(self) -> None:
        """Mark the victim told about the update under the cursor."""
        from caseload.screens.victim_told import VictimToldModal

        if self.ctx is None:
            return
        update = self._row("updates-table", tabs.updates_in_order(self.ctx), "updates", "victim update")
        if update is None:
            return
        if update.told_on is not None:
            self.notify("The victim was already told about that one.", markup=False)
            return
        self._open(VictimToldModal(self.store, update, self._day()))

    def action_status(self) -> None:
        """Change status: the valid next steps (incl. reopen)."""
        from caseload.screens.case_status import CaseStatusModal

        self._open(CaseStatusModal(self.store, self.case_id, self._day()))

    def action_close_case(self) -> None:
        """Close with a reason and an exit snapshot."""
        from caseload.screens.case_status import CloseCaseModal

        self._open(CloseCaseModal(self.store, self.case_id, self._day()))

    def action_intervention(self) -> None:
        """Drive: add an intervention action."""
        from caseload.screens.drive_forms import InterventionActionModal

        self._open(InterventionActionModal(self.store, self.case_id, self._day()))

    def action_session(self) -> None:
        """Drive: record a behaviour-change session."""
        from caseload.screens.drive_forms import SessionModal

        self._open(SessionModal(self.store, self.case_id, self._day()))

    def action_behaviour(self) -> None:
        """Drive: record a behaviour review."""
        from caseload.screens.drive_forms import BehaviourReviewModal

        self._open(BehaviourReviewModal(self.store, self.case_id, self._day()))

    def action_link_victim(self) -> None:
        """Drive: link a victim (or a hidden victim)."""
        from caseload.screens.drive_forms import LinkVictimModal

        self._open(LinkVictimModal(self.store, self.case_id, self._day()))

    def action_share(self) -> None:
        """Drive: information for a linked victim's IDVA (an update she owes within a working day)."""
        from caseload.screens.drive_forms import DriveInfoModal

        self._open(DriveInfoModal(self.store, self.case_id, self._day()))

    def action_allocate(self) -> None:
        """Drive: allocate to a Drive case manager ("referred" → "allocated")."""
        from caseload.screens.drive_referral import AllocateModal

        self._open(AllocateModal(self.store, self.case_id, self._day()))

    def edit_palette(self) -> list[tuple[str, str, Any]]:
        """Palette entries for the editing actions that apply."""
        out = []
        for b in CaseEditingScreen.BINDINGS:
            assert isinstance(b, Binding)
            if self.editing_allowed(b.action):
                out.append((f"Case: {b.tooltip}", f"key {b.key}", getattr(self, f"action_{b.action}")))
        return out
