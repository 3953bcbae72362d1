"""The start of the Drive case manager's journey: a new perpetrator case from its referral route, and
allocating it to a Drive case manager.

Both are :class:`~caseload.screens.drive_form_base.DriveFormModal` (``ctrl+s`` save, ``escape`` cancel, one
store call in a worker, refusals shown in words). Before the case is created the store checks for a
perpetrator case with the same name and date of birth: its references are shown and only ``ctrl+y``
("create anyway", for that very name and date of birth) creates another case.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select

from caseload.domain.drive import DriveReferralForm, ReferralRoute, referral_form_problems
from caseload.domain.enums import RiskLevel, Role
from caseload.domain.forms import PersonDetails
from caseload.domain.model import Case, User
from caseload.domain.sanitise import one_line
from caseload.screens.drive_form_base import DriveFormModal, labelled, parse_day
from caseload.store.casework import DuplicateCase
from caseload.store.store import Store

ROUTES: tuple[tuple[str, ReferralRoute], ...] = (
    ("MARAC", ReferralRoute.MARAC), ("Panel", ReferralRoute.PANEL),
    ("Police", ReferralRoute.POLICE), ("Other", ReferralRoute.OTHER),
)
RISKS: tuple[tuple[str, RiskLevel], ...] = (
    ("High", RiskLevel.HIGH), ("Medium", RiskLevel.MEDIUM), ("Standard", RiskLevel.STANDARD),
)
_Key = tuple[str, str, date | None]


def _key(form: DriveReferralForm) -> _Key:
    s = form.subject
    return (s.given_name.strip().casefold(), s.family_name.strip().casefold(), s.date_of_birth)


class DriveReferralModal(DriveFormModal[Case | None]):
    """New Drive referral → a perpetrator case (status "referred", the signed-in user its worker).
    Dismisses with the new :class:`Case`, or None."""

    FORM_TITLE = "New Drive referral"
    CSS_PATH = ["drive_forms.tcss", "drive_referral.tcss"]  # type: ignore[assignment]  # two columns
    BINDINGS = [
        Binding("ctrl+y", "create_anyway", "Create anyway", id="drive_referral.anyway",
                tooltip="Create the case although a case with this name and date of birth exists"),
    ]

    def __init__(self, store: Store, today: date) -> None:
        super().__init__(store, "", today)
        self.duplicates: tuple[str, ...] = ()
        self.duplicate_key: _Key | None = None
        self.allow_duplicate = False

    def fields(self) -> Iterator[Widget]:
        """Service user (names, date of birth), referral date and route, disruption only, referrer,
        reason, area, risk level."""
        yield from labelled("Given name", Input(max_length=100, id="su-given", classes="level3"))
        yield from labelled("Family name", Input(max_length=100, id="su-family", classes="level3"))
        yield from labelled("Born", Input(placeholder="YYYY-MM-DD", max_length=10, id="su-dob", classes="level3"))
        yield from labelled("Received", Input(value=self.today.isoformat(), max_length=10, id="ref-date"))
        yield from labelled("Route", Select([(Text(label), r) for label, r in ROUTES], value=ReferralRoute.MARAC,
                                            allow_blank=False, id="ref-route"))
        yield from labelled("Panel", Checkbox(Text("Disruption plan only"), id="ref-disruption"))
        yield from labelled("Referrer", Input(max_length=200, id="ref-referrer", classes="level3"))
        yield from labelled("Reason", Input(max_length=1000, id="ref-reason", classes="level3"))
        yield from labelled("Area", Input(max_length=100, id="ref-area"))
        yield from labelled("Risk", Select([(Text(label), r) for label, r in RISKS], value=RiskLevel.HIGH,
                                           allow_blank=False, id="ref-risk"))

    def load(self) -> Any:
        """Nothing to read before the form is filled in."""
        return None

    def heading(self) -> str:
        """The title line."""
        return self.FORM_TITLE

    def show_loaded(self, data: Any) -> None:
        """Start at the service user's given name."""
        self.query_one("#su-given", Input).focus()

    def hint(self) -> Text:
        """The duplicate warning once the store found candidates."""
        if not self.duplicates:
            return Text("ctrl+s creates the case (status: referred); allocate it next with y.")
        refs = ", ".join(one_line(r) for r in self.duplicates)
        return Text(f"Possible duplicate: {refs} has the same name and date of birth. Check it; "
                    "ctrl+y creates another case anyway.")

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def collect(self) -> DriveReferralForm:
        """The referral as typed, checked."""
        route = self.query_one("#ref-route", Select).value
        risk = self.query_one("#ref-risk", Select).value
        if not isinstance(route, ReferralRoute) or not isinstance(risk, RiskLevel):
            raise ValueError("choose the route and the risk level")
        received = parse_day(self._value("#ref-date"), "referral date")
        assert received is not None
        subject = PersonDetails(
            given_name=self._value("#su-given").strip(), family_name=self._value("#su-family").strip(),
            date_of_birth=parse_day(self._value("#su-dob"), "date of birth", required=False),
        )
        form = DriveReferralForm(
            subject=subject, received_on=received, route=route,
            disruption_only=self.query_one("#ref-disruption", Checkbox).value,
            referrer=self._value("#ref-referrer").strip(), reason=self._value("#ref-reason").strip(),
            area=self._value("#ref-area").strip(), risk_level=risk,
        )
        problems = referral_form_problems(form, self.today)
        if problems:
            raise ValueError("; ".join(problems))
        return form

    def write(self, values: DriveReferralForm) -> Case:
        """Create the case; a duplicate is refused unless confirmed for this name and date of birth."""
        confirmed = self.allow_duplicate and self.duplicate_key == _key(values)
        try:
            return self.store.create_perpetrator_case(values, allow_duplicate=confirmed)
        except DuplicateCase as exc:
            self.app.call_from_thread(self._found_duplicates, exc.references, _key(values))
            raise

    def _found_duplicates(self, references: tuple[str, ...], key: _Key) -> None:
        self.duplicates, self.duplicate_key, self.allow_duplicate = references, key, False
        self.refresh_hint()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"Create anyway" only once duplicates were found."""
        if action == "create_anyway":
            return bool(self.duplicates) and not self.busy
        return super().check_action(action, parameters)

    def action_create_anyway(self) -> None:
        """Create although duplicates exist — only for the name and date of birth that were checked."""
        if not self.duplicates or self.busy:
            return
        self.allow_duplicate = True
        self.action_save()


class AllocateModal(DriveFormModal[Case | None]):
    """Allocate a Drive case to a Drive case manager (a "referred" case becomes "allocated"). Dismisses
    with the saved :class:`Case`, or None."""

    FORM_TITLE = "Allocate"

    def fields(self) -> Iterator[Widget]:
        """The case manager."""
        yield from labelled("Case manager", Select([], allow_blank=True, id="allocate-worker"))

    def load(self) -> tuple[Any, list[User], str | None]:
        """The case file, the active Drive case managers and my id."""
        managers = [u for u in self.store.users() if u.active and u.role is Role.DRIVE]
        me = self.store.me()
        return self.store.casework_file(self.case_id), managers, me.id if me is not None else None

    def heading(self) -> str:
        """Title with the case reference (level 2)."""
        return f"{self.FORM_TITLE} · {self.data[0].case.reference}"

    def show_loaded(self, data: Any) -> None:
        """Offer the case managers; the current worker (or me) first chosen when one of them."""
        casefile, managers, me = data
        box = self.query_one("#allocate-worker", Select)
        box.set_options([(Text(one_line(u.name)), u.id) for u in managers])
        ids = [u.id for u in managers]
        for choice in (casefile.case.worker_id, me):
            if choice in ids:
                box.value = choice
                break
        else:
            if ids:
                box.value = ids[0]
        box.focus()

    def collect(self) -> str:
        """The chosen case manager's id."""
        chosen = self.query_one("#allocate-worker", Select).value
        if not isinstance(chosen, str):
            raise ValueError("choose the Drive case manager")
        return chosen

    def write(self, values: str) -> Case:
        """Allocate (with the version read)."""
        return self.store.allocate(self.data[0].case, values)
