"""Schedules: contact cadence, first attempt, order expiry alerts, safety-plan review, retention and RFG.

Risk for scheduling is the *effective* risk: the higher of ``Case.risk_level`` and the level of the latest
DASH (score band raised by judgement), since a stored level below the latest DASH would break the "never
lowers" rule. Contact times are stored in UTC and read as UK (Europe/London) calendar days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from caseload.domain.calendar import add_months, add_working_days, add_years, format_day, working_days_between
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import assessed_level
from caseload.domain.enums import (
    CaseKind,
    ChildAgeBand,
    ClosureReason,
    ContactKind,
    ContactOutcome,
    OrderType,
    Region,
    RiskLevel,
    VictimStatus,
)
from caseload.domain.model import Case, Contact, DashAssessment, Incident, ProtectiveOrder, SafetyPlan

try:
    _UK: ZoneInfo | None = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database: fall back to the UTC day
    _UK = None

SUCCESSFUL_OUTCOMES = frozenset({ContactOutcome.SPOKE, ContactOutcome.REPLIED, ContactOutcome.MET})
"""Outcomes that make a ``ContactKind.CONTACT`` record a successful (two-way) contact."""

PAUSED_STATUSES = frozenset({VictimStatus.DORMANT, VictimStatus.DECLINED, VictimStatus.UNABLE_TO_CONTACT})
"""Side states in which the contact cadence is paused (the case is not closed but not being chased)."""

CHILD_BAND_MIN_AGE: dict[ChildAgeBand, int] = {
    ChildAgeBand.UNDER_5: 0,
    ChildAgeBand.B5_10: 5,
    ChildAgeBand.B11_15: 11,
    ChildAgeBand.B16_17: 16,
}

ORDER_LABELS: dict[OrderType, str] = {
    OrderType.DVPN: "DVPN",
    OrderType.DVPO: "DVPO",
    OrderType.DAPN: "DAPN",
    OrderType.DAPO: "DAPO",
    OrderType.NON_MOLESTATION: "Non-molestation order",
    OrderType.RESTRAINING: "Restraining order",
    OrderType.STALKING_PROTECTION: "Stalking Protection Order",
    OrderType.FGM_PROTECTION: "FGM protection order",
    OrderType.FORCED_MARRIAGE_PROTECTION: "Forced marriage protection order",
    OrderType.BARRING: "Barring order",
    OrderType.PRE_CHARGE_BAIL: "Bail conditions",
    OrderType.RELEASED_UNDER_INVESTIGATION: "Release under investigation",
    OrderType.REMAND: "Remand",
    OrderType.DVDS_DISCLOSURE: "DVDS disclosure",
    OrderType.SANCTUARY: "Sanctuary scheme",
    OrderType.REFUGE: "Refuge",
}
"""Plain-words name of each order type."""


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """Configurable schedule defaults (domain.md)."""

    cadence_high: int = 7
    cadence_medium: int = 14
    cadence_standard: int = 28
    first_attempt_working_days: int = 1
    order_alert_days: int = 7
    short_order_alert_days: int = 1
    short_orders: tuple[OrderType, ...] = (OrderType.DVPN, OrderType.DVPO)
    dash_review_weeks: int = 8
    retention_years: int = 6
    child_retention_age: int = 25

    def cadence(self, risk: RiskLevel) -> int:
        """Days allowed between successful contacts at a risk level."""
        if risk == RiskLevel.HIGH:
            return self.cadence_high
        return self.cadence_medium if risk == RiskLevel.MEDIUM else self.cadence_standard


DEFAULT_SCHEDULE = ScheduleSettings()

_RANK = {RiskLevel.STANDARD: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


def risk_with_dash(level: RiskLevel, latest: DashAssessment | None) -> RiskLevel:
    """The higher of a recorded risk level and the assessed level of a DASH (when there is one)."""
    if latest is not None:
        dash_level = assessed_level(latest)
        if _RANK[dash_level] > _RANK[level]:
            return dash_level
    return level


def effective_risk(casefile: CaseFile) -> RiskLevel:
    """The higher of the case's recorded risk level and the level of its latest DASH."""
    return risk_with_dash(casefile.case.risk_level, casefile.latest_dash)


def contact_day(contact: Contact) -> date:
    """The UK calendar day of a contact (``at`` is UTC; a naive value is read as UTC)."""
    at = contact.at if contact.at.tzinfo is not None else contact.at.replace(tzinfo=UTC)
    return at.astimezone(_UK).date() if _UK is not None else at.astimezone(UTC).date()


def is_successful(contact: Contact) -> bool:
    """A two-way contact: kind CONTACT with outcome spoke, replied or met."""
    return contact.kind == ContactKind.CONTACT and contact.outcome in SUCCESSFUL_OUTCOMES


def last_contact_on(casefile: CaseFile) -> date | None:
    """Day of the last successful contact. Relies on ``CaseFile.contacts`` being oldest first."""
    for c in reversed(casefile.contacts):
        if is_successful(c):
            return contact_day(c)
    return None


def referral_date(casefile: CaseFile) -> date:
    """Date the earliest referral was received, or the date the case was opened when none is recorded."""
    if casefile.referrals:
        return min(r.received_on for r in casefile.referrals)
    return casefile.case.opened_on


def next_contact_due(
    casefile: CaseFile,
    settings: ScheduleSettings = DEFAULT_SCHEDULE,
    *,
    risk: RiskLevel | None = None,
    last_contact: date | None = None,
) -> date | None:
    """Last successful contact + cadence for the effective risk; before any contact, referral date +
    cadence. None for a closed case and for victim cases in a paused side state (dormant, declined,
    unable to contact). ``risk`` and ``last_contact`` let a caller that already has them skip the work."""
    case = casefile.case
    if not case.is_open or (case.kind == CaseKind.VICTIM and case.status in PAUSED_STATUSES):
        return None
    base = last_contact or last_contact_on(casefile) or referral_date(casefile)
    level = risk if risk is not None else effective_risk(casefile)
    return base + timedelta(days=settings.cadence(level))


def first_attempt_due(
    case: Case,
    settings: ScheduleSettings = DEFAULT_SCHEDULE,
    region: Region = Region.ENGLAND_WALES,
    *,
    referred_on: date | None = None,
) -> date:
    """Target date of the first contact attempt: N working days (default 1) after the referral
    (``referred_on``, or ``case.opened_on`` when not given)."""
    start = referred_on if referred_on is not None else case.opened_on
    return add_working_days(start, settings.first_attempt_working_days, region)


def first_attempt_on(casefile: CaseFile) -> date | None:
    """Day of the first attempt or contact of any kind, or None."""
    return min((contact_day(c) for c in casefile.contacts), default=None)


def first_attempt_days(casefile: CaseFile, region: Region = Region.ENGLAND_WALES) -> int | None:
    """Working days from referral to the first attempt or contact (0 = same day); None before any."""
    first = first_attempt_on(casefile)
    if first is None:
        return None
    return max(working_days_between(referral_date(casefile), first, region), 0)


def _renewed(order: ProtectiveOrder, orders: Iterable[ProtectiveOrder]) -> bool:
    assert order.ends_on is not None
    return any(
        o.id != order.id
        and o.kind == order.kind
        and o.starts_on > order.starts_on
        and (o.ends_on is None or o.ends_on > order.ends_on)
        for o in orders
    )


def order_alerts(
    casefile: CaseFile, settings: ScheduleSettings = DEFAULT_SCHEDULE
) -> list[tuple[ProtectiveOrder, date]]:
    """(order, alert date) for each order with an end date: 7 days before it ends (1 day for DVPN/DVPO).

    An order followed by a later one of the same kind that ends later (a renewal or extension) is left
    out. Sorted by alert date; callers decide which alerts are live on a given day.
    """
    alerts: list[tuple[ProtectiveOrder, date]] = []
    for o in casefile.orders:
        if o.ends_on is None or _renewed(o, casefile.orders):
            continue
        lead = (
            settings.short_order_alert_days if o.kind in settings.short_orders else settings.order_alert_days
        )
        alerts.append((o, o.ends_on - timedelta(days=lead)))
    alerts.sort(key=lambda pair: (pair[1], pair[0].id))
    return alerts


def current_plan(casefile: CaseFile) -> SafetyPlan | None:
    """The most recently created plan marked current, or None."""
    if len(casefile.plans) == 1:
        only = casefile.plans[0]
        return only if only.current else None
    plans = [p for p in casefile.plans if p.current]
    return max(plans, key=lambda p: (p.created_on, p.id)) if plans else None


def plan_review_due(casefile: CaseFile) -> date | None:
    """Review date of the current safety plan, or None when there is no current plan."""
    plan = current_plan(casefile)
    return plan.review_on if plan is not None else None


def high_risk_without_plan(casefile: CaseFile, on: date) -> bool:
    """True for an open victim case at (effective) high risk with no current plan or a plan whose review
    date is before ``on`` (review due today is not yet overdue)."""
    case = casefile.case
    if not case.is_open or case.kind != CaseKind.VICTIM or effective_risk(casefile) != RiskLevel.HIGH:
        return False
    review = plan_review_due(casefile)
    return review is None or review < on


@dataclass(frozen=True, slots=True)
class Retention:
    """When a closed case becomes due for disposal review, or None with the reason why not."""

    dispose_on: date | None
    reason: str


def _child_limit(casefile: CaseFile, closed_on: date, age: int) -> date | None:
    """Latest 25th birthday among the children; a child without a date of birth is assumed to have been
    at the lowest age of their band on the closure date (the latest possible 25th birthday)."""
    limits: list[date] = []
    for child in casefile.children:
        if child.date_of_birth is not None:
            limits.append(add_years(child.date_of_birth, age))
        else:
            limits.append(add_years(closed_on, age - CHILD_BAND_MIN_AGE[child.age_band]))
    return max(limits, default=None)


def retention(casefile: CaseFile, settings: ScheduleSettings = DEFAULT_SCHEDULE) -> Retention:
    """Disposal date of a closed case: the day after ``retention_years`` from the end (31 March) of the
    financial year of closure, and not before the youngest child's 25th birthday. Open cases and cases
    under a legal hold (incl. closure as deceased — Domestic Homicide Review) get None with a reason."""
    case = casefile.case
    if case.closed_on is None:
        return Retention(None, "case is open")
    if case.closure_reason == ClosureReason.DECEASED:
        return Retention(None, "legal hold (Domestic Homicide Review) blocks disposal")
    if case.legal_hold:
        return Retention(None, "legal hold blocks disposal")
    closed = case.closed_on
    fy_end_year = closed.year if closed.month <= 3 else closed.year + 1
    dispose = date(fy_end_year + settings.retention_years, 4, 1)
    reason = (
        f"closed {format_day(closed)}; financial year ended 31 Mar {fy_end_year}; "
        f"kept {settings.retention_years} years"
    )
    child = _child_limit(casefile, closed, settings.child_retention_age)
    if child is not None and child > dispose:
        dispose = child
        reason += f"; youngest child turns {settings.child_retention_age} on {format_day(child)}"
    return Retention(dispose, f"{reason} → due for disposal review from {format_day(dispose)}")


def retention_date(casefile: CaseFile, settings: ScheduleSettings = DEFAULT_SCHEDULE) -> date | None:
    """``retention(casefile, settings).dispose_on`` (None while open or under a legal hold)."""
    return retention(casefile, settings).dispose_on


@dataclass(frozen=True, slots=True)
class RfgSettings:
    """RFG bands: ``recency`` is (max days since last incident, score) checked in order, else
    ``recency_else``; ``frequency`` is (min incidents in 12 months, score) checked in order."""

    recency: tuple[tuple[int, int], ...] = ((30, 5), (90, 4), (180, 3), (365, 2))
    recency_else: int = 1
    frequency: tuple[tuple[int, int], ...] = ((10, 5), (5, 4), (3, 3), (2, 2), (1, 1))
    window_months: int = 12
    serial_victims: int = 2


DEFAULT_RFG = RfgSettings()


@dataclass(frozen=True, slots=True)
class RfgScore:
    """Recency × Frequency × Gravity. With no incident in the 12 months F, G and ``total`` are 0."""

    recency: int
    frequency: int
    gravity: int
    incidents_12m: int
    last_incident_on: date | None

    @property
    def total(self) -> int:
        """R × F × G (1–125, or 0 with no incident in the window)."""
        return self.recency * self.frequency * self.gravity


def rfg(incidents: Iterable[Incident], on: date, settings: RfgSettings = DEFAULT_RFG) -> RfgScore:
    """RFG as of ``on`` from the incidents dated on or before it. R from days since the last incident
    (≤30:5, ≤90:4, ≤180:3, ≤365:2, else 1); F from the count in ``[on − 12 months, on]`` (1:1, 2:2, 3–4:3,
    5–9:4, 10+:5); G = gravest ``Incident.gravity`` in that window, clamped to 1–5."""
    past = [i for i in incidents if i.occurred_on <= on]
    if not past:
        return RfgScore(settings.recency_else, 0, 0, 0, None)
    last = max(i.occurred_on for i in past)
    days = (on - last).days
    recency = next((s for limit, s in settings.recency if days <= limit), settings.recency_else)
    start = add_months(on, -settings.window_months)
    window = [i for i in past if i.occurred_on >= start]
    frequency = next((s for least, s in settings.frequency if len(window) >= least), 0)
    gravity = min(max(max((i.gravity for i in window), default=0), 1), 5) if window else 0
    return RfgScore(recency, frequency, gravity, len(window), last)


def victim_count_5y(casefile: CaseFile, on: date) -> int:
    """Distinct victims linked to this perpetrator case in the 5 years to ``on`` (an undated link counts)."""
    start = add_years(on, -5)
    return len(
        {
            link.victim_person_id
            for link in casefile.links
            if link.perpetrator_case_id == casefile.case.id
            and (link.recorded_on is None or start <= link.recorded_on <= on)
        }
    )


def serial_flag(victim_count_5y: int, threshold: int = DEFAULT_RFG.serial_victims) -> bool:
    """Serial perpetrator: ``threshold`` (default 2) or more victims in 5 years."""
    return victim_count_5y >= threshold
