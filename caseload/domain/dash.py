"""DASH RIC: the 24 questions, score, risk bands, professional judgement, review dates and comparisons.

Score = number of "yes" answers; "no" and "not known" never count. Bands are a local-practice setting
(:class:`DashBands`, default 0–9 standard, 10–13 medium, 14+ high = "visible high risk"). Professional
judgement may raise the level and never lowers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import DashAnswer, DriveInfoKind, MilestoneKind, RiskLevel
from caseload.domain.model import DashAssessment

QUESTIONS: tuple[str, ...] = (
    "Has the current incident resulted in injury?",
    "Is the victim very frightened?",
    "Is the victim afraid of further injury or violence?",
    "Does the victim feel isolated from family or friends?",
    "Is the victim feeling depressed or having suicidal thoughts?",
    "Has the victim separated or tried to separate from the person within the past year?",
    "Is there conflict over child contact?",
    "Does the person constantly text, call, contact, follow, stalk or harass the victim?",
    "Is the victim pregnant or has she recently had a baby?",
    "Is the abuse happening more often?",
    "Is the abuse getting worse?",
    "Does the person try to control everything the victim does and/or are they excessively jealous?",
    "Has the person ever used weapons or objects to hurt the victim?",
    "Has the person ever threatened to kill the victim or someone else, and did the victim believe them?",
    "Has the person ever attempted to strangle, choke, suffocate or drown the victim?",
    "Does the person do or say things of a sexual nature that make the victim feel bad or physically hurt "
    "the victim or someone else?",
    "Is there any other person who has threatened the victim or whom the victim is afraid of?",
    "Does the victim know if the person has hurt anyone else (children, relatives, previous partners, "
    "strangers)?",
    "Has the person ever mistreated an animal or the family pet?",
    "Are there any financial issues (e.g. dependence on the person, recent job loss)?",
    "Has the person had problems in the past year with drugs, alcohol or mental health?",
    "Has the person ever threatened or attempted suicide?",
    "Has the person ever broken bail, an injunction or a formal agreement about seeing the victim or "
    "children?",
    "Does the victim know if the person has ever been in trouble with the police or has a criminal history?",
)
"""The 24 DASH RIC questions, paraphrased; ``QUESTIONS[i]`` is question number ``i + 1``."""

QUESTION_COUNT = len(QUESTIONS)


@dataclass(frozen=True, slots=True)
class DashBands:
    """Score thresholds (local practice): below ``medium_from`` standard, below ``high_from`` medium."""

    medium_from: int = 10
    high_from: int = 14

    def __post_init__(self) -> None:
        if not 0 < self.medium_from < self.high_from <= QUESTION_COUNT:
            raise ValueError(f"need 0 < medium_from < high_from ≤ {QUESTION_COUNT}")


DEFAULT_BANDS = DashBands()

_RANK = {
    RiskLevel.STANDARD: 1,
    RiskLevel.MEDIUM: 2,
    RiskLevel.HIGH: 3,
}  # as RiskLevel.rank, without a dict per call


def score(answers: Sequence[DashAnswer]) -> int:
    """Number of "yes" answers. Raises ``ValueError`` unless there are exactly 24 answers."""
    if len(answers) != QUESTION_COUNT:
        raise ValueError(f"a DASH has {QUESTION_COUNT} answers, got {len(answers)}")
    return tuple(answers).count(DashAnswer.YES)


def band(value: int, thresholds: DashBands = DEFAULT_BANDS) -> RiskLevel:
    """Risk level for a DASH score: default 0–9 standard, 10–13 medium, 14+ high."""
    if not 0 <= value <= QUESTION_COUNT:
        raise ValueError(f"a DASH score is 0–{QUESTION_COUNT}, got {value}")
    if value >= thresholds.high_from:
        return RiskLevel.HIGH
    if value >= thresholds.medium_from:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def assessed_level(assessment: DashAssessment, thresholds: DashBands = DEFAULT_BANDS) -> RiskLevel:
    """The score-based level, raised (never lowered) by a recorded professional-judgement level.

    A judgement level is honoured even when its written reason is missing, so risk is never under-stated;
    the MARAC professional-judgement criterion separately requires the reason.
    """
    level = band(score(assessment.answers), thresholds)
    judged = assessment.judgement_level
    if judged is not None and _RANK[judged] > _RANK[level]:
        return judged
    return level


def review_due(latest: DashAssessment, triggers: Iterable[date] = (), weeks: int = 8) -> date:
    """When the next DASH is due: ``weeks`` after the latest DASH, or the earliest trigger event strictly
    after that DASH when it falls sooner (the review is then due on the trigger date itself)."""
    due = latest.assessed_on + timedelta(weeks=weeks)
    for t in triggers:
        if latest.assessed_on < t < due:
            due = t
    return due


DRIVE_TRIGGERS = frozenset({DriveInfoKind.RELEASE_DATE, DriveInfoKind.STATED_INTENT, DriveInfoKind.BREACH})
"""Drive information that bears on the victim's risk: her DASH (and with it the safety plan) is reviewed."""


def trigger_dates(casefile: CaseFile) -> Iterator[date]:
    """Dates of recorded trigger events, unsorted and possibly repeated (see :func:`review_triggers`)."""
    for i in casefile.incidents:
        yield i.occurred_on
    for b in casefile.breaches:
        yield b.occurred_on
    for m in casefile.milestones:
        if m.kind == MilestoneKind.RELEASE_FROM_CUSTODY:
            yield m.occurred_on
    for info in casefile.drive_info:
        if info.victim_case_id == casefile.case.id and info.kind in DRIVE_TRIGGERS:
            yield info.learned_on
    if casefile.case.closed_on is not None:
        yield casefile.case.closed_on


def review_triggers(casefile: CaseFile) -> tuple[date, ...]:
    """Dates of recorded trigger events, sorted: incidents, order breaches, release from custody, closure.

    Separation, pregnancy/birth and change of address have no dated record, so they cannot trigger here.
    """
    return tuple(sorted(set(trigger_dates(casefile))))


def dash_review_due(casefile: CaseFile, weeks: int = 8) -> date | None:
    """Review date for the case's latest DASH with its trigger events; None when there is no DASH."""
    latest = casefile.latest_dash
    if latest is None:
        return None
    return review_due(latest, trigger_dates(casefile), weeks)


def intake_dash(casefile: CaseFile) -> DashAssessment | None:
    """The earliest DASH on the case (the intake snapshot), or None."""
    return min(casefile.dash, key=lambda d: (d.assessed_on, d.id)) if casefile.dash else None


@dataclass(frozen=True, slots=True)
class DashComparison:
    """Intake vs latest DASH. Question numbers are 1-based; ``level_change`` is the rank difference."""

    score_before: int
    score_after: int
    level_before: RiskLevel
    level_after: RiskLevel
    yes_to_no: tuple[int, ...]
    no_to_yes: tuple[int, ...]
    other_changes: tuple[int, ...]

    @property
    def score_change(self) -> int:
        """Latest score minus intake score (negative = fewer risk factors)."""
        return self.score_after - self.score_before

    @property
    def level_change(self) -> int:
        """Latest level rank minus intake level rank (−2 … +2)."""
        return self.level_after.rank - self.level_before.rank


def compare(
    intake: DashAssessment, latest: DashAssessment, thresholds: DashBands = DEFAULT_BANDS
) -> DashComparison:
    """Compare two DASH snapshots: scores, levels and which questions changed.

    ``other_changes`` lists questions whose answer changed to or from "not known".
    """
    before, after = intake.answers, latest.answers
    score_before, score_after = score(before), score(after)  # validates both lengths
    yes_no: list[int] = []
    no_yes: list[int] = []
    other: list[int] = []
    for number, (a, b) in enumerate(zip(before, after, strict=True), start=1):
        if a == b:
            continue
        if a == DashAnswer.YES and b == DashAnswer.NO:
            yes_no.append(number)
        elif a == DashAnswer.NO and b == DashAnswer.YES:
            no_yes.append(number)
        else:
            other.append(number)
    return DashComparison(
        score_before=score_before,
        score_after=score_after,
        level_before=assessed_level(intake, thresholds),
        level_after=assessed_level(latest, thresholds),
        yes_to_no=tuple(yes_no),
        no_to_yes=tuple(no_yes),
        other_changes=tuple(other),
    )
