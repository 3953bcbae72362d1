"""Victims' Code update timetable, kept as versioned data, and the update obligations it creates.

The IDVA does not give police updates; these records track whether the victim was told on time. Each
obligation's id is DETERMINISTIC: ``uuid5(UPDATE_NAMESPACE, f"{source id}:{event label}")`` where the source
is the ``CjsMilestone`` (or the ``DriveInfo``), so deriving the obligations again gives the same ids and the
same record is never created twice. (These are version-5 UUIDs, not the time-ordered v7 ids of
:func:`caseload.domain.ids.new_id`.)
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import NamedTuple

from caseload.domain.calendar import add_working_days
from caseload.domain.casefile import CaseFile
from caseload.domain.enums import CaseKind, Channel, DriveInfoKind, MilestoneKind, Region
from caseload.domain.model import Case, CjsMilestone, DriveInfo, VictimUpdate

UPDATE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:caseload:victim-update")
"""Namespace of the deterministic (uuid5) ids of derived victim updates."""

POLICE = "police"
POLICE_CPS = "police / CPS"
WITNESS_CARE = "witness care"
DRIVE_TO_IDVA = "drive case manager → IDVA"


@dataclass(frozen=True, slots=True)
class TimetableRule:
    """One row of the timetable: event label, who tells the victim, working days standard / enhanced."""

    event: str
    who_tells: str
    standard_wd: int
    enhanced_wd: int

    def working_days(self, enhanced: bool) -> int:
        """Working days allowed for a victim with (``True``) or without enhanced rights."""
        return self.enhanced_wd if enhanced else self.standard_wd


@dataclass(frozen=True)
class Timetable:
    """A named, versioned Victims' Code timetable: milestone kind → rule. Kinds absent owe no update."""

    version: str
    rules: Mapping[MilestoneKind, TimetableRule]

    def rule_for(self, kind: MilestoneKind) -> TimetableRule | None:
        """The rule for a milestone kind, or None when that milestone owes the victim no update."""
        return self.rules.get(kind)

    @cached_property
    def by_event(self) -> dict[str, TimetableRule]:
        """Rules indexed by event label (to read back a recorded update's timescale)."""
        return {rule.event: rule for rule in self.rules.values()}


def _rule(event: str, who: str, standard: int, enhanced: int) -> TimetableRule:
    return TimetableRule(event, who, standard, enhanced)


VC2020 = Timetable(
    version="Victims' Code 2020",
    rules=MappingProxyType(
        {
            # arrest, interview under caution, release without charge, bail / RUI, change of bail conditions
            MilestoneKind.ARREST: _rule("arrest", POLICE, 5, 1),
            MilestoneKind.INTERVIEW_UNDER_CAUTION: _rule("interview under caution", POLICE, 5, 1),
            MilestoneKind.RELEASE_WITHOUT_CHARGE: _rule("release without charge", POLICE, 5, 1),
            MilestoneKind.BAIL: _rule("bail", POLICE, 5, 1),
            MilestoneKind.RUI: _rule("release under investigation", POLICE, 5, 1),
            MilestoneKind.BAIL_CONDITIONS_CHANGED: _rule("change of bail conditions", POLICE, 5, 1),
            # decision not to investigate / NFA (not crimed = no investigation)
            MilestoneKind.DECISION_NOT_TO_INVESTIGATE: _rule("decision not to investigate", POLICE, 5, 1),
            MilestoneKind.NOT_CRIMED: _rule("decision not to investigate (not crimed)", POLICE, 5, 1),
            MilestoneKind.NFA: _rule("no further action", POLICE, 5, 1),
            # charge decision
            MilestoneKind.CHARGED: _rule("charge decision", POLICE_CPS, 5, 1),
            # hearing date, time and place; whether the victim must give evidence
            MilestoneKind.HEARING_DATE_SET: _rule("hearing date, time and place", WITNESS_CARE, 1, 1),
            MilestoneKind.EVIDENCE_REQUIRED: _rule(
                "whether the victim must give evidence", WITNESS_CARE, 1, 1
            ),
            # bail outcome at court, warrant, outcome after re-arrest (remand is a court bail outcome)
            MilestoneKind.COURT_BAIL_OUTCOME: _rule("bail outcome at court", WITNESS_CARE, 5, 1),
            MilestoneKind.REMAND: _rule("remand", WITNESS_CARE, 5, 1),
            MilestoneKind.WARRANT: _rule("warrant", WITNESS_CARE, 5, 1),
            # verdict / sentence / appeal
            MilestoneKind.VERDICT: _rule("verdict", WITNESS_CARE, 5, 1),
            MilestoneKind.SENTENCE: _rule("sentence", WITNESS_CARE, 5, 1),
            MilestoneKind.APPEAL: _rule("appeal", WITNESS_CARE, 5, 1),
        }
    ),
)
"""Victims' Code 2020 timescales (domain.md). REPORTED, CRIMED, FIRST_HEARING, TRIAL_DATE (the hearings
themselves; their dates are told via HEARING_DATE_SET) and RELEASE_FROM_CUSTODY owe no update here."""


@lru_cache(maxsize=1 << 17)
def derived_update_id(source_id: str, event: str) -> str:
    """Deterministic id of the update owed for ``event`` arising from record ``source_id``."""
    return str(uuid.uuid5(UPDATE_NAMESPACE, f"{source_id}:{event}"))


class Owed(NamedTuple):
    """An obligation derived from a milestone or Drive information, before it is made a record."""

    source_id: str
    event: str
    event_on: date
    due_on: date
    who_tells: str
    working_days: int
    timetable: str

    def to_update(self, case_id: str) -> VictimUpdate:
        """The ``VictimUpdate`` record for this obligation (deterministic id)."""
        return VictimUpdate(
            id=derived_update_id(self.source_id, self.event),
            case_id=case_id,
            event=self.event,
            event_on=self.event_on,
            due_on=self.due_on,
            who_tells=self.who_tells,
            source_id=self.source_id,
            timetable=self.timetable,
        )


def _owed_for_milestone(
    milestone: CjsMilestone, case: Case, timetable: Timetable, region: Region
) -> Owed | None:
    rule = timetable.rules.get(milestone.kind)
    if rule is None or case.kind != CaseKind.VICTIM:
        return None
    days = rule.enhanced_wd if case.enhanced_rights else rule.standard_wd
    due = add_working_days(milestone.occurred_on, days, region)
    return Owed(milestone.id, rule.event, milestone.occurred_on, due, rule.who_tells, days, timetable.version)


def _owed_for_drive(info: DriveInfo, region: Region, working_days: int) -> Owed:
    plural = "s" if working_days != 1 else ""
    due = add_working_days(info.learned_on, working_days, region)
    return Owed(
        info.id,
        DRIVE_EVENTS[info.kind],
        info.learned_on,
        due,
        DRIVE_TO_IDVA,
        working_days,
        f"Drive ({working_days} working day{plural})",
    )


def obligations_for(
    milestone: CjsMilestone,
    case: Case,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
) -> tuple[VictimUpdate, ...]:
    """The victim updates a milestone creates: due the N-th working day after it, N enhanced when
    ``case.enhanced_rights``. Empty for milestones the timetable does not list and for perpetrator cases.
    Raises ``ValueError`` when the milestone belongs to another case."""
    if milestone.case_id != case.id:
        raise ValueError("milestone belongs to another case")
    owed = _owed_for_milestone(milestone, case, timetable, region)
    return () if owed is None else (owed.to_update(case.id),)


def allowed_working_days(update: VictimUpdate, case: Case, timetable: Timetable = VC2020) -> int | None:
    """Working days the timetable allows for ``update`` (looked up by event label), or None if not listed."""
    rule = timetable.by_event.get(update.event)
    return None if rule is None else rule.working_days(case.enhanced_rights)


def mark_told(update: VictimUpdate, on: date, channel: Channel) -> VictimUpdate:
    """A new version of ``update`` recording that the victim was told on ``on`` by ``channel``.

    Raises ``ValueError`` when ``on`` is before the event.
    """
    if on < update.event_on:
        raise ValueError("the victim cannot be told before the event")
    return dataclasses.replace(update, told_on=on, told_channel=channel, version=update.version + 1)


def is_late(update: VictimUpdate) -> bool:
    """Told after the due date. Told on the due date is on time; not yet told is not "late" (see overdue)."""
    return update.told_on is not None and update.told_on > update.due_on


def is_overdue(update: VictimUpdate, on: date) -> bool:
    """Not yet told and ``on`` is after the due date."""
    return update.told_on is None and on > update.due_on


DRIVE_EVENTS: dict[DriveInfoKind, str] = {
    DriveInfoKind.RELEASE_DATE: "Drive: release date",
    DriveInfoKind.STATED_INTENT: "Drive: stated intent",
    DriveInfoKind.BREACH: "Drive: breach",
    DriveInfoKind.DISENGAGEMENT: "Drive: disengagement",
    DriveInfoKind.OTHER: "Drive: safety information",
}
"""Event label of the update owed to the linked IDVA for each kind of Drive information."""


def drive_update_for(
    info: DriveInfo, region: Region = Region.ENGLAND_WALES, working_days: int = 1
) -> VictimUpdate:
    """The update a Drive case manager owes the linked victim's IDVA: on the victim case, due
    ``working_days`` (default 1) working days after ``info.learned_on``; id derived from ``info.id``."""
    return _owed_for_drive(info, region, working_days).to_update(info.victim_case_id)


def updates_owed(
    casefile: CaseFile,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
    drive_working_days: int = 1,
) -> tuple[VictimUpdate, ...]:
    """Every update on the case: the recorded ones plus those derived from its milestones and from Drive
    information about this victim case that have no recorded counterpart.

    A recorded update matches a derived one by (source id, event label) — the derived id is a function of
    that pair — and the recorded one wins (it carries ``told_on``). See :func:`unrecorded_obligations`.
    """
    owed = unrecorded_obligations(casefile, timetable, region, drive_working_days)
    return casefile.updates + tuple(o.to_update(casefile.case.id) for o in owed)


def unrecorded_obligations(
    casefile: CaseFile,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
    drive_working_days: int = 1,
) -> list[Owed]:
    """Obligations derived from the case's milestones and Drive information that have no recorded update
    with the same (source id, event label) — so re-deriving never duplicates a record. Perpetrator cases
    owe none; on a closed case only events on or before the closure date count."""
    case = casefile.case
    if case.kind != CaseKind.VICTIM:
        return []
    cutoff = case.closed_on
    recorded = {(u.source_id, u.event) for u in casefile.updates if u.source_id is not None}
    found: list[Owed] = []
    rules = timetable.rules
    for m in casefile.milestones:
        if m.case_id == case.id and (cutoff is None or m.occurred_on <= cutoff):
            rule = rules.get(m.kind)  # checked before the due date is worked out: most are recorded
            if rule is not None and (m.id, rule.event) not in recorded:
                owed = _owed_for_milestone(m, case, timetable, region)
                if owed is not None:
                    found.append(owed)
    for info in casefile.drive_info:
        if (
            info.victim_case_id == case.id
            and (cutoff is None or info.learned_on <= cutoff)
            and (info.id, DRIVE_EVENTS[info.kind]) not in recorded
        ):
            found.append(_owed_for_drive(info, region, drive_working_days))
    return found
