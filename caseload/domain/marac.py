"""MARAC referral criteria and the referral document built from a case.

"Within 12 months" is calendar months, not a count of days: a date ``d`` is within 12 months *after* ``x``
when ``x < d ≤ add_months(x, 12)``, and within the 12 months *up to* ``on`` when
``add_months(on, -12) ≤ d ≤ on`` (``add_months`` clamps 29 Feb to 28 Feb). For a referral on 10 Mar 2026
(no 29 Feb in the span) an incident 364 days later (9 Mar 2027) or 365 days later (10 Mar 2027) is a repeat;
366 days later (11 Mar 2027) is not — it is a new referral. Across a 29 Feb (referral 1 Mar 2027) 366 days
later (1 Mar 2028) is still a repeat and 367 days is not.

Reasons are plain sentences built only from dates, counts and categories — never from free text — so they
can be stored in the level-2 ``MaracReferral.reasons`` field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from caseload.domain.calendar import add_months, format_day
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import QUESTIONS, assessed_level, score
from caseload.domain.enums import CaseKind, Consent, DashAnswer, MaracCriterion, PersonRole, RiskLevel
from caseload.domain.model import (
    Child,
    DashAssessment,
    MaracListing,
    MaracReferral,
    Person,
    SafeContact,
)


@dataclass(frozen=True, slots=True)
class MaracSettings:
    """Configurable MARAC thresholds: escalation count, the "12 months" window (calendar months) and the
    visible-high-risk DASH score."""

    escalation_incidents: int = 3
    window_months: int = 12
    high_risk_score: int = 14


DEFAULT_MARAC = MaracSettings()


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One MARAC criterion evaluated on a date: whether it is met and why, in plain words."""

    criterion: MaracCriterion
    met: bool
    reason: str


def latest_dash_on(casefile: CaseFile, on: date) -> DashAssessment | None:
    """The most recent DASH assessed on or before ``on``, or None."""
    if len(casefile.dash) == 1:
        only = casefile.dash[0]
        return only if only.assessed_on <= on else None
    past = [d for d in casefile.dash if d.assessed_on <= on]
    return max(past, key=lambda d: (d.assessed_on, d.id)) if past else None


def last_referral_on(casefile: CaseFile, on: date) -> date | None:
    """Date of the last MARAC referral made on or before ``on``, or None."""
    if not casefile.marac_referrals:
        return None
    return max((r.referred_on for r in casefile.marac_referrals if r.referred_on <= on), default=None)


def _months_label(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


@dataclass(frozen=True, slots=True)
class MaracDates:
    """What the MARAC criteria read from a case, reduced to day numbers (``date.toordinal()``) so the criteria
    can be worked out on any date without the case file (the due list keeps this per case; see
    :mod:`caseload.domain.due_rules`).

    ``dashes``: each DASH as (day, score at or above the visible-high-risk threshold, high-risk professional
    judgement with a written reason), oldest first (ties in id order); ``incidents`` and ``referrals``: the
    days of the incidents and of the MARAC referrals, in any order.
    """

    dashes: tuple[tuple[int, bool, bool], ...]
    incidents: tuple[int, ...]
    referrals: tuple[int, ...]


def marac_dates(casefile: CaseFile, settings: MaracSettings = DEFAULT_MARAC) -> MaracDates:
    """The case's :class:`MaracDates`."""
    dashes = sorted(casefile.dash, key=lambda d: (d.assessed_on, d.id)) if len(casefile.dash) > 1 else casefile.dash
    return MaracDates(
        tuple(
            (
                d.assessed_on.toordinal(),
                score(d.answers) >= settings.high_risk_score,
                d.judgement_level == RiskLevel.HIGH and bool(d.judgement_reason.strip()),
            )
            for d in dashes
        ),
        tuple(i.occurred_on.toordinal() for i in casefile.incidents),
        tuple(r.referred_on.toordinal() for r in casefile.marac_referrals),
    )


def last_referral_day(dates: MaracDates, on: int) -> int | None:
    """Day number of the last MARAC referral on or before day ``on``, or None."""
    return max((r for r in dates.referrals if r <= on), default=None)


def criteria_dates(dates: MaracDates, on: date, settings: MaracSettings = DEFAULT_MARAC) -> dict[MaracCriterion, date]:
    """:func:`criteria_triggers` worked out from a case's :class:`MaracDates` (the single definition)."""
    found: dict[MaracCriterion, date] = {}
    day = on.toordinal()
    for assessed, visible, judgement in reversed(dates.dashes):  # the latest DASH on or before ``on``
        if assessed <= day:
            if visible:
                found[MaracCriterion.VISIBLE_HIGH_RISK] = date.fromordinal(assessed)
            if judgement:
                found[MaracCriterion.PROFESSIONAL_JUDGEMENT] = date.fromordinal(assessed)
            break
    incidents = [d for d in dates.incidents if d <= day]
    if incidents:
        start = add_months(on, -settings.window_months).toordinal()
        window = [d for d in incidents if d >= start]
        if window and len(window) >= settings.escalation_incidents:
            found[MaracCriterion.POTENTIAL_ESCALATION] = date.fromordinal(max(window))
        last = last_referral_day(dates, day)
        if last is not None:
            since = [d for d in incidents if d > last]
            if since:
                first = min(since)
                if first <= add_months(date.fromordinal(last), settings.window_months).toordinal():
                    found[MaracCriterion.REPEAT] = date.fromordinal(first)
    return found


def criteria_triggers(
    casefile: CaseFile, on: date, settings: MaracSettings = DEFAULT_MARAC
) -> dict[MaracCriterion, date]:
    """The criteria met as of ``on``, each with the date of the record that meets it: the DASH date (visible
    high risk, professional judgement), the latest incident in the window (escalation), the first incident
    since the last referral (repeat). This is the single definition of "met" (worked out on the case's
    :class:`MaracDates` by :func:`criteria_dates`); :func:`evaluate` adds words.
    """
    return criteria_dates(marac_dates(casefile, settings), on, settings)


def _visible(dash: DashAssessment | None, met: bool, settings: MaracSettings) -> str:
    if dash is None:
        return "visible high risk: no DASH recorded"
    value, when = score(dash.answers), format_day(dash.assessed_on)
    if met:
        return f"visible high risk: DASH score {value} on {when} ({settings.high_risk_score} or more)"
    return f"visible high risk: DASH score {value} on {when} is below {settings.high_risk_score}"


def _judgement(dash: DashAssessment | None, met: bool) -> str:
    if dash is None:
        return "professional judgement: no DASH recorded"
    when = format_day(dash.assessed_on)
    if met:
        return f"professional judgement: high risk recorded on the DASH of {when}, with a written reason"
    if dash.judgement_level == RiskLevel.HIGH:
        return f"professional judgement: high risk recorded on {when} but no reason written (required)"
    return f"professional judgement: no high-risk judgement on the DASH of {when}"


def _escalation(casefile: CaseFile, on: date, met: bool, settings: MaracSettings) -> str:
    start = add_months(on, -settings.window_months)
    dates = sorted(i.occurred_on for i in casefile.incidents if start <= i.occurred_on <= on)
    noun = "incident" if len(dates) == 1 else "incidents"
    listed = f" ({', '.join(format_day(d) for d in dates)})" if dates else ""
    window = _months_label(settings.window_months)
    head = f"potential escalation: {len(dates)} {noun} in the {window} to {format_day(on)}{listed}"
    return head if met else f"{head}, fewer than {settings.escalation_incidents}"


def _repeat(casefile: CaseFile, on: date, met: bool, settings: MaracSettings) -> str:
    last = last_referral_on(casefile, on)
    if last is None:
        return "repeat: no previous MARAC referral"
    ref = f"the MARAC referral of {format_day(last)}"
    since = sorted(i.occurred_on for i in casefile.incidents if last < i.occurred_on <= on)
    if not since:
        return f"repeat: no incident since {ref}"
    window, first = _months_label(settings.window_months), format_day(since[0])
    if met:
        return f"repeat: incident on {first} is within {window} of {ref}"
    return f"repeat: incident on {first} is more than {window} after {ref} (a new referral, not a repeat)"


def evaluate(casefile: CaseFile, on: date, settings: MaracSettings = DEFAULT_MARAC) -> tuple[CriterionResult, ...]:
    """Evaluate the four MARAC criteria as of ``on``, one result each in ``MaracCriterion`` order.

    * visible high risk — latest DASH (on or before ``on``) scores ≥ ``high_risk_score``;
    * professional judgement — that DASH has ``judgement_level`` HIGH and a non-blank reason;
    * potential escalation — ≥ ``escalation_incidents`` incidents dated in ``[on − 12 months, on]``;
    * repeat — an incident dated after the last referral (on or before ``on``) and no later than the
      referral date + 12 calendar months (see the module docstring for 364/365/366 days).

    Every incident on the case counts: a referral does not record which perpetrator it concerned.
    """
    met = criteria_triggers(casefile, on, settings)
    dash = latest_dash_on(casefile, on)
    vis = MaracCriterion.VISIBLE_HIGH_RISK in met
    pj = MaracCriterion.PROFESSIONAL_JUDGEMENT in met
    esc = MaracCriterion.POTENTIAL_ESCALATION in met
    rep = MaracCriterion.REPEAT in met
    return (
        CriterionResult(MaracCriterion.VISIBLE_HIGH_RISK, vis, _visible(dash, vis, settings)),
        CriterionResult(MaracCriterion.PROFESSIONAL_JUDGEMENT, pj, _judgement(dash, pj)),
        CriterionResult(MaracCriterion.POTENTIAL_ESCALATION, esc, _escalation(casefile, on, esc, settings)),
        CriterionResult(MaracCriterion.REPEAT, rep, _repeat(casefile, on, rep, settings)),
    )


def criteria_met(results: Iterable[CriterionResult]) -> tuple[CriterionResult, ...]:
    """The results whose criterion is met (empty when the case does not meet the referral criteria)."""
    return tuple(r for r in results if r.met)


@dataclass(frozen=True, slots=True)
class DashAnswerLine:
    """One DASH question on the referral: number (1–24), question text and the answer given."""

    number: int
    question: str
    answer: DashAnswer


@dataclass(frozen=True, slots=True)
class MaracReferralDocument:
    """Everything a MARAC referral form needs, assembled from the case (level-3 content included)."""

    case_id: str
    case_reference: str
    prepared_on: date
    victim: Person
    children: tuple[Child, ...]
    perpetrators: tuple[Person, ...]
    safe_contact: SafeContact | None
    dash_id: str | None
    dash_on: date | None
    dash_answers: tuple[DashAnswerLine, ...]
    dash_score: int | None
    risk_level: RiskLevel | None
    judgement_reason: str
    criteria: tuple[CriterionResult, ...]
    consent: Consent
    consent_note: str
    feared: str
    safe_to_talk: str
    not_safe_to_talk: str
    previous_listings: tuple[MaracListing, ...]

    @property
    def meets_criteria(self) -> bool:
        """True when at least one criterion is met."""
        return bool(self.criteria)

    @property
    def is_repeat(self) -> bool:
        """True when the repeat criterion is among those met."""
        return any(c.criterion == MaracCriterion.REPEAT for c in self.criteria)


def build_referral(
    casefile: CaseFile,
    on: date,
    settings: MaracSettings = DEFAULT_MARAC,
    *,
    consent: Consent,
    feared: str,
    safe_to_talk: str,
    not_safe_to_talk: str,
    consent_note: str = "",
) -> MaracReferralDocument:
    """Assemble the referral for a victim case as of ``on``.

    Perpetrators are the case's parties with role perpetrator whose person is on the case file (a party
    whose person is missing is left out). The document is built even when no criterion is met — check
    :attr:`MaracReferralDocument.meets_criteria`. Raises ``ValueError`` for a perpetrator (Drive) case.
    """
    case = casefile.case
    if case.kind != CaseKind.VICTIM:
        raise ValueError("a MARAC referral is made from a victim case")
    dash = latest_dash_on(casefile, on)
    perpetrators: list[Person] = []
    for party in casefile.parties:
        person = casefile.person(party.person_id) if party.role == PersonRole.PERPETRATOR else None
        if person is not None and person not in perpetrators:
            perpetrators.append(person)
    lines = (
        tuple(DashAnswerLine(n, q, a) for n, (q, a) in enumerate(zip(QUESTIONS, dash.answers, strict=True), 1))
        if dash is not None
        else ()
    )
    return MaracReferralDocument(
        case_id=case.id,
        case_reference=case.reference,
        prepared_on=on,
        victim=casefile.subject,
        children=casefile.children,
        perpetrators=tuple(perpetrators),
        safe_contact=casefile.safe_contact,
        dash_id=dash.id if dash else None,
        dash_on=dash.assessed_on if dash else None,
        dash_answers=lines,
        dash_score=score(dash.answers) if dash else None,
        risk_level=assessed_level(dash) if dash else None,
        judgement_reason=dash.judgement_reason if dash else "",
        criteria=criteria_met(evaluate(casefile, on, settings)),
        consent=consent,
        consent_note=consent_note,
        feared=feared,
        safe_to_talk=safe_to_talk,
        not_safe_to_talk=not_safe_to_talk,
        previous_listings=tuple(sorted(casefile.marac_listings, key=lambda m: (m.meeting_on, m.id))),
    )


def to_record(document: MaracReferralDocument, referral_id: str) -> MaracReferral:
    """The ``MaracReferral`` record to save for a built referral document."""
    return MaracReferral(
        id=referral_id,
        case_id=document.case_id,
        referred_on=document.prepared_on,
        dash_id=document.dash_id,
        criteria=tuple(c.criterion for c in document.criteria),
        reasons=tuple(c.reason for c in document.criteria),
        consent=document.consent,
        consent_note=document.consent_note,
        feared=document.feared,
        safe_to_talk=document.safe_to_talk,
        not_safe_to_talk=document.not_safe_to_talk,
    )
