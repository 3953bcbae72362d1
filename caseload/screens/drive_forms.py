"""The Drive case manager's editing modals: intervention actions, sessions, behaviour reviews, linking a
victim (or recording a hidden victim) and sharing information with a linked victim's IDVA.

Each is a :class:`~caseload.screens.drive_form_base.DriveFormModal` (``ctrl+s`` save, ``escape`` cancel, one
store call in a worker, refusals shown in words) and dismisses with the saved record, or None.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select

from caseload.domain.drive import (
    STRAND_AGENCIES,
    Agency,
    BehaviourReview,
    BehaviourType,
    DriveSession,
    InterventionAction,
    LinkedVictim,
    SessionOutcome,
    Strand,
    next_review_stage,
    words,
)
from caseload.domain.enums import DriveInfoKind, ItemStatus, LinkKind
from caseload.domain.forms import PersonDetails
from caseload.domain.model import DriveInfo
from caseload.domain.sanitise import one_line
from caseload.domain.victims_code import drive_update_for
from caseload.screens.drive_form_base import DriveFormModal, labelled, parse_day
from caseload.store.store import Store


def _options(values: Any) -> list[tuple[Text, Any]]:
    return [(Text(words(v)), v) for v in values]


class InterventionActionModal(DriveFormModal[InterventionAction | None]):
    """Add a disruption or support action, or edit one (``action`` given). Dismisses with the saved
    :class:`InterventionAction`, or None."""

    FORM_TITLE = "Intervention action"

    def __init__(self, store: Store, case_id: str, today: date, action: InterventionAction | None = None) -> None:
        super().__init__(store, case_id, today)
        self.action = action

    def fields(self) -> Iterator[Widget]:
        """Strand, agency (follows the strand), action, due date, status."""
        strand = self.action.strand if self.action else Strand.DISRUPTION
        yield from labelled("Strand", Select(_options((Strand.DISRUPTION, Strand.SUPPORT)), value=strand,
                                             allow_blank=False, id="action-strand"))
        yield from labelled("With", Select(_options(STRAND_AGENCIES[strand]), allow_blank=False, id="action-agency"))
        yield from labelled("Action", Input(max_length=500, id="action-text", classes="level3"))
        yield from labelled("Due", Input(placeholder="YYYY-MM-DD (optional)", max_length=10, id="action-due"))
        yield from labelled("Status", Select(_options(ItemStatus), value=ItemStatus.OPEN, allow_blank=False,
                                             id="action-status"))

    def show_loaded(self, data: Any) -> None:
        """Fill the fields from the action being edited."""
        a = self.action
        if a is None:
            return
        self.query_one("#action-agency", Select).value = a.agency
        self.query_one("#action-text", Input).value = a.action
        self.query_one("#action-due", Input).value = a.due_on.isoformat() if a.due_on else ""
        self.query_one("#action-status", Select).value = a.status

    @on(Select.Changed, "#action-strand")
    def _strand_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, Strand):
            agency = self.query_one("#action-agency", Select)
            agency.set_options(_options(STRAND_AGENCIES[event.value]))

    def collect(self) -> tuple[Strand, Agency, str, date | None, ItemStatus]:
        """The action's fields, checked."""
        strand, agency = self.query_one("#action-strand", Select).value, self.query_one("#action-agency", Select).value
        status = self.query_one("#action-status", Select).value
        if not isinstance(strand, Strand) or not isinstance(agency, Agency) or not isinstance(status, ItemStatus):
            raise ValueError("choose the strand, who it is with and the status")
        text = self.query_one("#action-text", Input).value.strip()
        if not text:
            raise ValueError("say what the action is")
        return strand, agency, text, parse_day(self.query_one("#action-due", Input).value, "due date",
                                               required=False), status

    def write(self, values: tuple[Strand, Agency, str, date | None, ItemStatus]) -> InterventionAction:
        """Add the action, or save the edit (with the version read)."""
        strand, agency, text, due, status = values
        if self.action is not None:
            edited = dataclasses.replace(self.action, strand=strand, agency=agency, action=text, due_on=due,
                                         status=status)
            return self.store.update_intervention_action(edited)
        return self.store.add_intervention_action(self.case_id, strand=strand, agency=agency, action=text,
                                                  created_on=self.today, due_on=due, status=status)


class SessionModal(DriveFormModal[DriveSession | None]):
    """Record a behaviour-change session. Dismisses with the :class:`DriveSession`, or None."""

    FORM_TITLE = "Behaviour-change session"

    def fields(self) -> Iterator[Widget]:
        """Date, attended or missed, minutes, topic."""
        yield from labelled("Held on", Input(value=self.today.isoformat(), max_length=10, id="session-date"))
        yield from labelled("Outcome", Select(_options(SessionOutcome), value=SessionOutcome.ATTENDED,
                                              allow_blank=False, id="session-outcome"))
        yield from labelled("Minutes", Input(placeholder="0", type="integer", max_length=3, id="session-minutes"))
        yield from labelled("Topic", Input(max_length=500, id="session-topic", classes="level3"))

    def collect(self) -> tuple[date, SessionOutcome, int, str]:
        """Date, outcome, minutes, topic, checked."""
        held = parse_day(self.query_one("#session-date", Input).value, "session date")
        outcome = self.query_one("#session-outcome", Select).value
        if held is None or not isinstance(outcome, SessionOutcome):
            raise ValueError("choose attended or missed")
        if held > self.today:
            raise ValueError("a session cannot be recorded before it is held")
        raw = self.query_one("#session-minutes", Input).value.strip()
        minutes = int(raw) if raw.isdigit() else 0
        return held, outcome, minutes, self.query_one("#session-topic", Input).value

    def write(self, values: tuple[date, SessionOutcome, int, str]) -> DriveSession:
        """Record the session."""
        held, outcome, minutes, topic = values
        return self.store.record_session(self.case_id, held_on=held, outcome=outcome, topic=topic, minutes=minutes)


class BehaviourReviewModal(DriveFormModal[BehaviourReview | None]):
    """Record the behaviour types present: the intake review first, then each review (defaults: the last
    review's answers). Dismisses with the :class:`BehaviourReview`, or None."""

    FORM_TITLE = "Behaviour review"

    def fields(self) -> Iterator[Widget]:
        """Date, one box per behaviour type, note."""
        yield from labelled("Reviewed on", Input(value=self.today.isoformat(), max_length=10, id="review-date"))
        for n, kind in enumerate(BehaviourType):
            yield from labelled("Present" if n == 0 else "", Checkbox(Text(words(kind)), id=f"review-{kind.value}"))
        yield from labelled("Note", Input(max_length=1000, id="review-note", classes="level3"))

    def heading(self) -> str:
        """Title with the stage this review will be (intake or review)."""
        stage = next_review_stage(self.data.behaviour_reviews)
        return f"{super().heading()} · {stage.value}"

    def show_loaded(self, data: Any) -> None:
        """Tick what the last review found."""
        reviews = data.behaviour_reviews
        last = max(reviews, key=lambda r: (r.reviewed_on, r.id)) if reviews else None
        for kind in BehaviourType:
            self.query_one(f"#review-{kind.value}", Checkbox).value = last is not None and kind in last.present

    def collect(self) -> tuple[date, tuple[BehaviourType, ...], str]:
        """Date, the types ticked, note."""
        on = parse_day(self.query_one("#review-date", Input).value, "review date")
        assert on is not None
        present = tuple(k for k in BehaviourType if self.query_one(f"#review-{k.value}", Checkbox).value)
        return on, present, self.query_one("#review-note", Input).value

    def write(self, values: tuple[date, tuple[BehaviourType, ...], str]) -> BehaviourReview:
        """Record the review."""
        on, present, note = values
        return self.store.record_behaviour_review(self.case_id, reviewed_on=on, present=present, note=note)


class LinkVictimModal(DriveFormModal[LinkedVictim | None]):
    """Link a victim by her victim case reference, or record a hidden victim (no victim case). Dismisses
    with the :class:`LinkedVictim` as a Drive user may see her, or None."""

    FORM_TITLE = "Link a victim"

    def fields(self) -> Iterator[Widget]:
        """Relationship, victim case reference, and what is known of a hidden victim."""
        yield from labelled("Relationship", Select(_options(LinkKind), value=LinkKind.CURRENT_PARTNER,
                                                   allow_blank=False, id="link-kind"))
        yield from labelled("Victim case", Input(placeholder="C-2026-0001", max_length=20, id="link-reference"))
        yield from labelled("Given name", Input(max_length=100, id="link-given", classes="level3", disabled=True))
        yield from labelled("Family name", Input(max_length=100, id="link-family", classes="level3", disabled=True))

    def _hidden(self) -> bool:
        return self.query_one("#link-kind", Select).value is LinkKind.HIDDEN_VICTIM

    @on(Select.Changed, "#link-kind")
    def _kind_changed(self, _event: Select.Changed) -> None:
        hidden = self._hidden()
        self.query_one("#link-reference", Input).disabled = hidden
        self.query_one("#link-given", Input).disabled = not hidden
        self.query_one("#link-family", Input).disabled = not hidden
        self.refresh_hint()

    def hint(self) -> Text:
        """What happens to what is typed."""
        if self._hidden():
            return Text("A hidden victim has no victim case. What you type here is kept for a supervisor and an "
                        "IDVA referral; you will not see it again.")
        return Text("You will see her case reference, risk level and IDVA only.")

    def collect(self) -> tuple[LinkKind, str, PersonDetails | None]:
        """Kind, reference or the hidden victim's details."""
        kind = self.query_one("#link-kind", Select).value
        if not isinstance(kind, LinkKind):
            raise ValueError("choose the relationship")
        if kind is LinkKind.HIDDEN_VICTIM:
            given, family = (self.query_one(f"#link-{n}", Input).value.strip() for n in ("given", "family"))
            return kind, "", PersonDetails(given, family)
        reference = self.query_one("#link-reference", Input).value.strip()
        if not reference:
            raise ValueError("give her victim case reference, or choose hidden victim")
        return kind, reference, None

    def write(self, values: tuple[LinkKind, str, PersonDetails | None]) -> LinkedVictim:
        """Link her."""
        kind, reference, hidden = values
        return self.store.link_victim(self.case_id, kind=kind, recorded_on=self.today, victim_reference=reference,
                                      hidden=hidden)


class DriveInfoModal(DriveFormModal[DriveInfo | None]):
    """Share information bearing on a linked victim's safety with her IDVA: what kind, when learned, a note.
    Shows who will see it and when the update falls due. Dismisses with the :class:`DriveInfo`, or None."""

    FORM_TITLE = "Share with the victim's IDVA"

    def fields(self) -> Iterator[Widget]:
        """Victim (linked, with a victim case), kind, date learned, note."""
        yield from labelled("Victim case", Select([], prompt="choose the victim", id="info-victim"))
        yield from labelled("What", Select(_options(DriveInfoKind), value=DriveInfoKind.RELEASE_DATE,
                                           allow_blank=False, id="info-kind"))
        yield from labelled("Learned on", Input(value=self.today.isoformat(), max_length=10, id="info-date"))
        yield from labelled("Note", Input(max_length=2000, id="info-note", classes="level3"))

    def load(self) -> tuple[str, tuple[LinkedVictim, ...]]:
        """Thread: the case reference and the linked victims who have a victim case."""
        reference = self.store.casework_file(self.case_id).case.reference
        return reference, tuple(v for v in self.store.linked_victims(self.case_id) if not v.hidden)

    def heading(self) -> str:
        """Title with the case reference."""
        return f"{self.FORM_TITLE} · {self.data[0]}"

    def show_loaded(self, data: tuple[str, tuple[LinkedVictim, ...]]) -> None:
        """Offer the linked victims (reference · IDVA); the only one is chosen already."""
        victims = data[1]
        box = self.query_one("#info-victim", Select)
        box.set_options([(Text(f"{one_line(v.reference, 20)} · IDVA {one_line(v.idva_name, 30)}"), v.victim_case_id)
                         for v in victims])
        if len(victims) == 1:
            box.value = victims[0].victim_case_id
        if not victims:
            self.show_error("No linked victim has a victim case: link her first.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to save until a victim with a victim case is linked."""
        if action == "save" and self.loaded and not self.data[1]:
            return False
        return super().check_action(action, parameters)

    def victim(self) -> LinkedVictim | None:
        """The chosen victim."""
        chosen = self.query_one("#info-victim", Select).value
        return next((v for v in self.data[1] if v.victim_case_id == chosen), None) if self.loaded else None

    @on(Select.Changed)
    @on(Input.Changed, "#info-date")
    def _changed(self, _event: Any) -> None:
        self.refresh_hint()

    def hint(self) -> Text:
        """``The IDVA A. Advisor (C-2026-0001) will see this as an update owed within 1 working day.`` and the
        due date on a second line."""
        victim = self.victim()
        if victim is None:
            return Text("Choose the victim whose IDVA must know.")
        try:
            learned = parse_day(self.query_one("#info-date", Input).value, "date learned")
        except ValueError:
            learned = None
        text = Text(f"The IDVA {one_line(victim.idva_name, 40)} ({one_line(victim.reference, 20)}) will see this "
                    "as an update owed within 1 working day")
        kind = self.query_one("#info-kind", Select).value
        if learned is not None and isinstance(kind, DriveInfoKind):
            probe = DriveInfo("probe", self.case_id, victim.victim_case_id or "", learned, kind)
            due = drive_update_for(probe).due_on
            text.append(f".\nIt falls due on {due:%a} {due.day} {due:%b %Y}.")
        return text

    def collect(self) -> tuple[str, DriveInfoKind, date, str]:
        """Victim case, kind, date learned, note, checked."""
        victim = self.victim()
        kind = self.query_one("#info-kind", Select).value
        if victim is None or victim.victim_case_id is None:
            raise ValueError("choose the victim")
        if not isinstance(kind, DriveInfoKind):
            raise ValueError("choose what was learned")
        learned = parse_day(self.query_one("#info-date", Input).value, "date learned")
        assert learned is not None
        if learned > self.today:
            raise ValueError("the date learned cannot be in the future")
        return victim.victim_case_id, kind, learned, self.query_one("#info-note", Input).value

    def write(self, values: tuple[str, DriveInfoKind, date, str]) -> DriveInfo:
        """Record it; the IDVA's update is stored in the same transaction."""
        victim_case_id, kind, learned, note = values
        info, _update = self.store.record_drive_info(self.case_id, victim_case_id=victim_case_id, kind=kind,
                                                     learned_on=learned, note=note)
        return info
