"""New referral → victim case: referral, victim and demographics, safe contact, the people she fears, children.

One long form in a scrolling body; ``tab`` / ``enter`` move on, each choice row has its own keys. Before the
case is created the store is asked for cases with the same name and date of birth: when there are any their
references are shown and only an explicit "create anyway" (``ctrl+y``) creates another case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import (
    AbuseType,
    AgeBand,
    ChildAgeBand,
    Ethnicity,
    LinkKind,
    ReferralSource,
    Role,
    Sex,
)
from caseload.domain.forms import (
    ChildDetails,
    PerpetratorDetails,
    PersonDetails,
    ReferralForm,
    SafeContactDetails,
    referral_problems,
)
from caseload.domain.model import User
from caseload.domain.sanitise import one_line
from caseload.screens.form_modal import FormModal
from caseload.screens.victim_told import CHANNEL_CHOICES
from caseload.store.casework import DuplicateCase
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.form_fields import (
    ChoiceRow,
    DateField,
    FieldError,
    FormRow,
    ToggleRow,
    choices,
    parse_hhmm,
    text_input,
    yes_no,
    yes_no_unknown,
)

SOURCE_CHOICES = choices((
    ("p", ReferralSource.POLICE, "police"), ("m", ReferralSource.MARAC, "MARAC"),
    ("h", ReferralSource.HEALTH, "health / hospital"), ("s", ReferralSource.SELF, "self"),
    ("f", ReferralSource.FAMILY_FRIEND, "family / friend"), ("u", ReferralSource.HOUSING, "housing"),
    ("c", ReferralSource.CHILDRENS_SERVICES, "children's services"),
    ("a", ReferralSource.ADULT_SOCIAL_CARE, "adult social care"), ("d", ReferralSource.DRIVE, "Drive"),
    ("v", ReferralSource.VICTIM_SERVICE, "victim service"), ("o", ReferralSource.OTHER, "other"),
))
AGE_CHOICES = choices((
    ("1", AgeBand.B16_17, "16–17"), ("2", AgeBand.B18_24, "18–24"), ("3", AgeBand.B25_34, "25–34"),
    ("4", AgeBand.B35_44, "35–44"), ("5", AgeBand.B45_54, "45–54"), ("6", AgeBand.B55_64, "55–64"),
    ("7", AgeBand.B65_PLUS, "65+"), ("n", AgeBand.NOT_RECORDED, "not recorded (from date of birth)"),
))
SEX_CHOICES = choices((("f", Sex.FEMALE, "female"), ("m", Sex.MALE, "male"), ("n", Sex.NOT_RECORDED, "not recorded")))
ETHNICITY_CHOICES = choices((
    ("w", Ethnicity.WHITE, "white"), ("x", Ethnicity.MIXED, "mixed"), ("a", Ethnicity.ASIAN, "Asian"),
    ("b", Ethnicity.BLACK, "Black"), ("o", Ethnicity.OTHER, "other"), ("n", Ethnicity.NOT_RECORDED, "not recorded"),
))
RELATION_CHOICES = choices((("c", LinkKind.CURRENT_PARTNER, "current partner"),
                            ("e", LinkKind.EX_PARTNER, "ex-partner"), ("f", LinkKind.FAMILY_MEMBER, "family member")))
CHILD_AGE_CHOICES = choices((("1", ChildAgeBand.UNDER_5, "0–4"), ("2", ChildAgeBand.B5_10, "5–10"),
                             ("3", ChildAgeBand.B11_15, "11–15"), ("4", ChildAgeBand.B16_17, "16–17")))
DAY_CHOICES = choices((str(n + 1), n, day) for n, day in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")))
ABUSE_CHOICES = choices((chr(ord("a") + n), t, t.value.replace("_", " ")) for n, t in enumerate(AbuseType))
_AGE_FLOORS = ((65, AgeBand.B65_PLUS), (55, AgeBand.B55_64), (45, AgeBand.B45_54), (35, AgeBand.B35_44),
               (25, AgeBand.B25_34), (18, AgeBand.B18_24), (16, AgeBand.B16_17))


def age_band_on(born: date, on: date) -> AgeBand:
    """The age band of someone born on ``born`` as of ``on`` (not recorded under 16)."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((band for floor, band in _AGE_FLOORS if age >= floor), AgeBand.NOT_RECORDED)


def _name_problem(given: Input, family: Input, who: str) -> None:
    if not (given.value.strip() or family.value.strip()):
        raise FieldError(f"{who}: a name is needed.", given)


class PersonBlock(Vertical):
    """A person the victim fears: names, date of birth, sex, relationship. All blank = left out."""

    def __init__(self, number: int) -> None:
        super().__init__(classes="person-block")
        self.number = number

    def compose(self) -> ComposeResult:
        """The fields."""
        yield Static(Text(f"Person {self.number} the victim fears"), classes="form-section")
        yield FormRow("Given name", text_input(level3=True, id=f"p{self.number}-given"))
        yield FormRow("Family name", text_input(level3=True, id=f"p{self.number}-family"))
        yield FormRow("Date of birth", DateField(label=f"Person {self.number} date of birth",
                                                 id=f"p{self.number}-dob"))
        yield FormRow("Sex", ChoiceRow(SEX_CHOICES, Sex.MALE, id=f"p{self.number}-sex"))
        yield FormRow("Relationship", ChoiceRow(RELATION_CHOICES, id=f"p{self.number}-rel"))

    def read(self) -> PerpetratorDetails | None:
        """The details typed (None when names and date of birth are blank)."""
        n = self.number
        given, family = self.query_one(f"#p{n}-given", Input), self.query_one(f"#p{n}-family", Input)
        dob = self.query_one(f"#p{n}-dob", DateField).value()
        if not (given.value.strip() or family.value.strip() or dob):
            return None
        _name_problem(given, family, f"Person {n} the victim fears")
        person = PersonDetails(given.value.strip(), family.value.strip(), dob,
                               sex=self.query_one(f"#p{n}-sex", ChoiceRow).value)
        return PerpetratorDetails(person, self.query_one(f"#p{n}-rel", ChoiceRow).value)


class ChildBlock(Vertical):
    """A child on the case: name, age band, date of birth, school informed. A blank name = left out."""

    def __init__(self, number: int) -> None:
        super().__init__(classes="child-block")
        self.number = number

    def compose(self) -> ComposeResult:
        """The fields."""
        n = self.number
        yield Static(Text(f"Child {n}"), classes="form-section")
        yield FormRow("Name", text_input(level3=True, id=f"c{n}-name"))
        yield FormRow("Age band", ChoiceRow(CHILD_AGE_CHOICES, id=f"c{n}-age"))
        yield FormRow("Date of birth", DateField(label=f"Child {n} date of birth", id=f"c{n}-dob"))
        yield FormRow("School told", ChoiceRow(yes_no(), False, id=f"c{n}-school"))

    def read(self) -> ChildDetails | None:
        """The child typed (None when the name and date of birth are blank)."""
        n = self.number
        name = self.query_one(f"#c{n}-name", Input)
        dob = self.query_one(f"#c{n}-dob", DateField).value()
        if not name.value.strip():
            if dob is None:
                return None
            raise FieldError(f"Child {n}: a name is needed (first name is enough).", name)
        return ChildDetails(name.value.strip(), self.query_one(f"#c{n}-age", ChoiceRow).value, dob,
                            school_informed=self.query_one(f"#c{n}-school", ChoiceRow).value)


class ReferralFormModal(FormModal[CaseFile | None]):
    """A new victim case from a referral; dismisses with the new case file."""

    TALL = True
    BINDINGS = [
        Binding("ctrl+n", "add_child", "Add child", id="referral.add_child", tooltip="Another child"),
        Binding("ctrl+t", "add_person", "Add person", id="referral.add_person",
                tooltip="Another person the victim fears"),
        Binding("ctrl+y", "create_anyway", "Create anyway", id="referral.create_anyway",
                tooltip="Create a new case although a case with this name and date of birth exists"),
    ]

    def __init__(self, store: Store, today: date) -> None:
        super().__init__(store, today)
        self.person_count = 1
        self.child_count = 0
        self.duplicates: tuple[str, ...] = ()
        self.duplicate_key: tuple[str, str, date | None] | None = None
        self.allow_duplicate = False

    def heading(self) -> Text:
        """The title."""
        return Text("New referral → victim case")

    def fields(self) -> ComposeResult:
        """Victim, referral, safe contact, people feared, children, case details."""
        yield Static(Text("Victim"), classes="form-section")
        yield FormRow("Given name", text_input(id="given", level3=True))
        yield FormRow("Family name", text_input(id="family", level3=True))
        yield FormRow("Date of birth", DateField(label="Date of birth", id="dob"))
        yield FormRow("Age band", ChoiceRow(AGE_CHOICES, AgeBand.NOT_RECORDED, id="age"))
        yield FormRow("Sex", ChoiceRow(SEX_CHOICES, Sex.FEMALE, id="sex"))
        yield FormRow("Ethnicity", ChoiceRow(ETHNICITY_CHOICES, Ethnicity.NOT_RECORDED, id="ethnicity"))
        yield FormRow("Disability", ChoiceRow(yes_no_unknown(), None, id="disability"))
        yield FormRow("LGBT+", ChoiceRow(yes_no_unknown(), None, id="lgbt"))
        yield FormRow("Interpreter", ChoiceRow(yes_no(), False, id="interpreter"))
        yield FormRow("Phone", text_input(id="phone", level3=True))
        yield FormRow("Address", text_input(id="address", level3=True))
        yield FormRow("Postcode", text_input(id="postcode", level3=True, max_length=10))
        yield Static(Text("Referral"), classes="form-section")
        yield FormRow("Received on", DateField(self.today, label="Received on", required=True, id="received"))
        yield FormRow("Source", ChoiceRow(SOURCE_CHOICES, ReferralSource.POLICE, id="source"))
        yield FormRow("Referrer", text_input(id="referrer", level3=True, placeholder="who referred, which agency"))
        yield FormRow("Reason", text_input(id="reason", level3=True))
        yield FormRow("Worker", ChoiceRow((), id="worker"))
        yield Static(Text("Safe contact"), classes="form-section")
        yield FormRow("Safe numbers", text_input(id="numbers", level3=True, placeholder="comma between numbers"))
        yield FormRow("Safe from", text_input(id="safe-from", level3=True, placeholder="e.g. 10:00", max_length=5))
        yield FormRow("Safe until", text_input(id="safe-until", level3=True, placeholder="e.g. 14:00", max_length=5))
        yield FormRow("Safe days", ToggleRow(DAY_CHOICES, range(5), id="days"))
        yield FormRow("Texts safe", ChoiceRow(yes_no(), False, id="text-safe"))
        yield FormRow("Voicemail safe", ChoiceRow(yes_no(), False, id="voicemail-safe"))
        yield FormRow("Email safe", ChoiceRow(yes_no(), False, id="email-safe"))
        yield FormRow("Code word", text_input(id="code-word", level3=True))
        yield FormRow("Preferred", ChoiceRow(CHANNEL_CHOICES, id="channel"))
        yield FormRow("Must not know", text_input(id="must-not-know", level3=True))
        yield PersonBlock(1)
        yield Button(Text("Add another person the victim fears (ctrl+t)"), id="add-person", compact=True)
        yield Button(Text("Add a child (ctrl+n)"), id="add-child", compact=True)
        yield Static(Text("Case"), classes="form-section")
        yield FormRow("Enhanced rights", ChoiceRow(yes_no(), True, id="enhanced"))
        yield FormRow("Abuse types", ToggleRow(ABUSE_CHOICES, id="abuse"))
        yield FormRow("Area", text_input(id="area"))

    def below_fields(self) -> ComposeResult:
        """The duplicate warning and "create anyway", in view whatever the scroll."""
        yield Static(Text(""), id="duplicates", classes="form-warning")
        yield Button(Text("Create anyway (ctrl+y)"), id="create-anyway", variant="warning", compact=True)

    def on_mount(self) -> None:
        """The duplicate warning shows only when there are candidates."""
        self.query_one("#create-anyway").display = False
        self.query_one("#duplicates").display = False
        super().on_mount()

    def load(self) -> tuple[list[User], User | None]:
        """Who can hold a victim case, and me."""
        users = [u for u in self.store.users() if u.active and u.role in (Role.IDVA, Role.SUPERVISOR)]
        return users, self.store.me()

    def show_loaded(self, data: Any) -> None:
        """Offer the workers; me first chosen."""
        users, me = data
        self.query_one("#worker", ChoiceRow).set_options(
            choices((str(n), u.id, one_line(u.name, 40)) for n, u in enumerate(users[:9], 1)), me.id if me else None)
        self.query_one("#given", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"Create anyway" only once duplicates were found."""
        if action == "create_anyway":
            return bool(self.duplicates)
        return True

    @on(Button.Pressed, "#add-child")
    async def action_add_child(self) -> None:
        """Another child block, its name focused."""
        self.child_count += 1
        block = ChildBlock(self.child_count)
        await self.query_one("#form-body").mount(block, before=self.query_one("#add-child"))
        self.refresh_privacy()
        first = block.query_one(Input)
        (first if first.display else block.query_one(ChoiceRow)).focus()
        block.scroll_visible()

    @on(Button.Pressed, "#add-person")
    async def action_add_person(self) -> None:
        """Another person the victim fears, the given name focused."""
        self.person_count += 1
        block = PersonBlock(self.person_count)
        await self.query_one("#form-body").mount(block, before=self.query_one("#add-person"))
        self.refresh_privacy()
        first = block.query_one(Input)
        (first if first.display else block.query_one(ChoiceRow)).focus()
        block.scroll_visible()

    def _text(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def collect(self) -> ReferralForm:
        """Build the referral form from the fields (first problem raised)."""
        received = self.query_one("#received", DateField).required_value()
        given, family = self.query_one("#given", Input), self.query_one("#family", Input)
        _name_problem(given, family, "Victim")
        dob = self.query_one("#dob", DateField).value()
        age: AgeBand = self.query_one("#age", ChoiceRow).value
        if age == AgeBand.NOT_RECORDED and dob is not None:
            age = age_band_on(dob, received)
        victim = PersonDetails(
            given.value.strip(), family.value.strip(), dob, age_band=age,
            sex=self.query_one("#sex", ChoiceRow).value, ethnicity=self.query_one("#ethnicity", ChoiceRow).value,
            disability=self.query_one("#disability", ChoiceRow).value, lgbt=self.query_one("#lgbt", ChoiceRow).value,
            interpreter_needed=self.query_one("#interpreter", ChoiceRow).value, phone=self._text("#phone"),
            address=self._text("#address"), postcode=self._text("#postcode"))
        safe = SafeContactDetails(
            safe_numbers=tuple(n.strip() for n in self._text("#numbers").split(",") if n.strip()),
            safe_from=parse_hhmm(self._text("#safe-from"), "Safe from", self.query_one("#safe-from")),
            safe_until=parse_hhmm(self._text("#safe-until"), "Safe until", self.query_one("#safe-until")),
            safe_weekdays=self.query_one("#days", ToggleRow).values,
            text_safe=self.query_one("#text-safe", ChoiceRow).value,
            voicemail_safe=self.query_one("#voicemail-safe", ChoiceRow).value,
            email_safe=self.query_one("#email-safe", ChoiceRow).value, code_word=self._text("#code-word"),
            preferred_channel=self.query_one("#channel", ChoiceRow).value,
            who_must_not_know=self._text("#must-not-know"))
        perps = tuple(p for b in self.query(PersonBlock).results(PersonBlock) if (p := b.read()) is not None)
        kids = tuple(c for b in self.query(ChildBlock).results(ChildBlock) if (c := b.read()) is not None)
        worker = self.query_one("#worker", ChoiceRow)
        form = ReferralForm(
            victim=victim, received_on=received, source=self.query_one("#source", ChoiceRow).value,
            referrer=self._text("#referrer"), reason=self._text("#reason"),
            worker_id=worker.value if worker.chosen else None, perpetrators=perps, children=kids,
            safe_contact=safe, area=self._text("#area"), enhanced_rights=self.query_one("#enhanced", ChoiceRow).value,
            abuse_types=self.query_one("#abuse", ToggleRow).values)
        problems = referral_problems(form, self.today)
        if problems:
            raise FieldError(f"Cannot create the case: {problems[0]}.")
        return form

    @staticmethod
    def _key(form: ReferralForm) -> tuple[str, str, date | None]:
        v = form.victim
        return v.given_name.strip().casefold(), v.family_name.strip().casefold(), v.date_of_birth

    def write(self, payload: Any) -> CaseFile:
        """Check for duplicates (unless confirmed for this very name and date of birth), then create."""
        form: ReferralForm = payload
        confirmed = self.allow_duplicate and self.duplicate_key == self._key(form)
        if not confirmed:
            v = form.victim
            found = self.store.find_duplicates(v.given_name, v.family_name, v.date_of_birth)
            if found:
                raise DuplicateCase(found)
        return self.store.create_victim_case(form, allow_duplicate=confirmed)

    def show_refusal(self, text: str, error: StoreError | None) -> None:
        """Duplicates: show their references and offer "create anyway"."""
        self.allow_duplicate = False
        if not isinstance(error, DuplicateCase):
            super().show_refusal(text, error)
            return
        try:
            self.duplicate_key = self._key(self.collect())
        except FieldError:
            self.duplicate_key = None
        self.duplicates = error.references
        refs = ", ".join(one_line(r, 20) for r in error.references)
        self.query_one("#duplicates", Static).update(Text(
            f"Possible duplicate: {refs} has the same name and date of birth. Check that "
            "case first; press ctrl+y to create a new case anyway."))
        self.query_one("#duplicates").display = True
        button = self.query_one("#create-anyway", Button)
        button.display = True
        button.focus()
        self.refresh_bindings()
        self.say("Not created yet: a case with this name and date of birth exists.", error=True)

    @on(Button.Pressed, "#create-anyway")
    def action_create_anyway(self) -> None:
        """Create although duplicates exist — only for the name and date of birth that were checked."""
        if not self.duplicates or self.busy:
            return
        try:
            form = self.collect()
        except FieldError as exc:
            self.say(str(exc), error=True)
            return
        self.allow_duplicate = self._key(form) == self.duplicate_key
        self.start_save(form)
