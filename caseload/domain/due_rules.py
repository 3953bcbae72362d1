"""The due-list rules, in two steps: what a case owes (its :class:`DueFacts`, the same on every day) and the
items those facts make on a given day (:func:`facts_items`).

Almost everything the due list chases has a date fixed by the case's records — a victim update's due date,
the next contact under the cadence, an order's alert day, the DASH review, the safety-plan review — and the
day the list is drawn up only decides which of them are inside the horizon and how late they are. The
exceptions are worked out on the day from facts kept for the purpose: the MARAC criteria (from the days of
the DASHes, incidents and referrals, :class:`~caseload.domain.marac.MaracDates`), the "no contact for N days"
wording, an order that has already ended, and whether a high-risk case's plan review has passed.

So the store can keep each case's facts (recomputed whenever one of its records changes) and a service's
whole due list is worked out from 10,000 small rows instead of 10,000 case files. :func:`case_facts` is the
only reading of a case file; :func:`facts_items` the only wording of items — the due list from case files
(:func:`caseload.domain.due.case_due_items`) is the two in a row, so both ways give the same items.

Days are kept as day numbers (``date.toordinal()``) and facts convert to and from plain JSON lists
(:meth:`DueFacts.to_json`, :meth:`DueFacts.from_json`). Reasons hold dates, counts and categories only.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from caseload.domain.calendar import format_day, holidays_version
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import DRIVE_TRIGGERS, review_due, trigger_dates
from caseload.domain.enums import CaseKind, MaracCriterion, MilestoneKind, OrderType, Region, RiskLevel
from caseload.domain.marac import (
    DEFAULT_MARAC,
    MaracDates,
    MaracSettings,
    criteria_dates,
    last_referral_day,
    marac_dates,
)
from caseload.domain.schedules import (
    DEFAULT_SCHEDULE,
    ORDER_LABELS,
    ScheduleSettings,
    current_plan,
    first_attempt_due,
    last_contact_on,
    next_contact_due,
    order_alerts,
    referral_date,
    risk_with_dash,
)
from caseload.domain.victims_code import (
    VC2020,
    Timetable,
    allowed_working_days,
    derived_update_id,
    unrecorded_obligations,
)


class DueKind(enum.StrEnum):
    """What kind of work a due item is."""

    CONTACT = "contact"
    FIRST_ATTEMPT = "first_attempt"
    VICTIM_UPDATE = "victim_update"
    DRIVE_INFO = "drive_info"
    DASH_REVIEW = "dash_review"
    MARAC_REFERRAL = "marac_referral"
    PLAN_REVIEW = "plan_review"
    HIGH_RISK_NO_PLAN = "high_risk_no_plan"
    ORDER_EXPIRY = "order_expiry"


TABS: dict[DueKind, str] = {
    DueKind.CONTACT: "contacts",
    DueKind.FIRST_ATTEMPT: "contacts",
    DueKind.VICTIM_UPDATE: "updates",
    DueKind.DRIVE_INFO: "updates",
    DueKind.DASH_REVIEW: "risk",
    DueKind.MARAC_REFERRAL: "risk",
    DueKind.PLAN_REVIEW: "plan",
    DueKind.HIGH_RISK_NO_PLAN: "plan",
    DueKind.ORDER_EXPIRY: "orders",
}
"""The case-view tab that resolves each kind of item."""


@dataclass(frozen=True, slots=True)
class DueItem:
    """One row of the due list. ``days_overdue`` is calendar days: 0 due today, negative in the future."""

    kind: DueKind
    case_id: str
    case_reference: str
    due_on: date
    days_overdue: int
    risk: RiskLevel
    reason: str
    worker_id: str
    tab: str
    source_id: str | None = None


Owed = tuple[DueKind, int, str, str | None]
"""A dated piece of work: (kind, due day number, reason, source record id)."""


@dataclass(frozen=True, slots=True)
class DueFacts:
    """What one case owes, independent of the day (see the module docstring). Parts in the order their items
    are made; a closed case has only ``updates``.

    - ``updates``: victim updates not yet told and Drive information owed to the IDVA;
    - ``contact``: the next contact and the first attempt while there has been no successful contact;
      ``contact_since``: (next contact due, day of the last successful contact, cadence label) once there has;
    - ``orders``: (alert day, end day, reason, order id) for each order ending;
    - ``dash``: the DASH review; ``marac``: the MARAC criteria's dates (victim cases);
    - ``plan``: (case at high risk, current plan as (id, created day, review day) or None, the day a missing
      plan is counted from) — None when neither high risk nor a current plan.
    """

    case_id: str
    reference: str
    worker_id: str
    risk: RiskLevel
    updates: tuple[Owed, ...] = ()
    contact: tuple[Owed, ...] = ()
    contact_since: tuple[int, int, str] | None = None
    orders: tuple[tuple[int, int, str, str], ...] = ()
    dash: Owed | None = None
    marac: MaracDates | None = None
    plan: tuple[bool, tuple[str, int, int] | None, int] | None = None

    def to_json(self) -> list[Any]:
        """Plain JSON values (lists, strings, numbers, booleans, null)."""
        m = self.marac
        return [
            self.case_id,
            self.reference,
            self.worker_id,
            self.risk.value,
            self.updates,
            self.contact,
            self.contact_since,
            self.orders,
            self.dash,
            None if m is None else [m.dashes, m.incidents, m.referrals],
            self.plan,
        ]

    @classmethod
    def from_json(cls, row: list[Any]) -> DueFacts:
        """Back from :meth:`to_json` (after a JSON round trip: inner tuples come back as lists)."""
        case_id, reference, worker_id, risk, updates, contact, since, orders, dash, marac, plan = row
        return cls(
            case_id,
            reference,
            worker_id,
            _RISKS[risk],
            tuple((_KINDS[k], d, r, s) for k, d, r, s in updates),
            tuple((_KINDS[k], d, r, s) for k, d, r, s in contact),
            None if since is None else (since[0], since[1], since[2]),
            tuple((a, e, r, s) for a, e, r, s in orders),
            None if dash is None else (_KINDS[dash[0]], dash[1], dash[2], dash[3]),
            None
            if marac is None
            else MaracDates(tuple((d, v, j) for d, v, j in marac[0]), tuple(marac[1]), tuple(marac[2])),
            None
            if plan is None
            else (plan[0], None if plan[1] is None else (plan[1][0], plan[1][1], plan[1][2]), plan[2]),
        )


_KINDS: dict[str, DueKind] = {k.value: k for k in DueKind}
_RISKS: dict[str, RiskLevel] = {r.value: r for r in RiskLevel}

_CADENCE_LABELS = {7: "weekly", 14: "fortnightly", 28: "4-weekly"}


def _cadence_label(days: int) -> str:
    return _CADENCE_LABELS.get(days) or f"{days}-day"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


FACTS_VERSION = 1
"""Raised whenever :func:`case_facts` or the layout of :class:`DueFacts` changes: kept facts of another
version are worked out again."""


def facts_stamp(
    settings: ScheduleSettings = DEFAULT_SCHEDULE,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
    marac: MaracSettings = DEFAULT_MARAC,
) -> str:
    """What kept facts were worked out with: this code's version, the bank-holiday data (the ``holidays``
    package's version), the settings and the timetable. Facts with another stamp are stale."""
    rules = sorted((k.value, repr(r)) for k, r in timetable.rules.items())
    basis = repr((FACTS_VERSION, holidays_version(), settings, timetable.version, rules, region.value, marac))
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


# --- step 1: a case file's facts ---------------------------------------------------------------------


def _updates(cf: CaseFile, timetable: Timetable, region: Region) -> list[Owed]:
    case = cf.case
    rights = "enhanced" if case.enhanced_rights else "standard"
    cutoff = case.closed_on
    out: list[Owed] = []
    for u in cf.updates:
        if u.told_on is None and (cutoff is None or u.event_on <= cutoff):
            wd = allowed_working_days(u, case, timetable)
            out.append(_update(u.event, u.event_on, u.due_on, u.id, rights, wd))
    if cf.milestones or cf.drive_info:
        for o in unrecorded_obligations(cf, timetable, region):
            update_id = derived_update_id(o.source_id, o.event)
            out.append(_update(o.event, o.event_on, o.due_on, update_id, rights, o.working_days))
    return out


def _update(event: str, event_on: date, due_on: date, update_id: str, rights: str, wd: int | None) -> Owed:
    if event.startswith("Drive: "):
        what = event.removeprefix("Drive: ")
        learned, due = format_day(event_on), format_day(due_on)
        reason = f"Drive update owed to the IDVA: {what} learned on {learned} (due {due})"
        return (DueKind.DRIVE_INFO, due_on.toordinal(), reason, update_id)
    detail = f"{rights}: {_plural(wd, 'working day')}" if wd is not None else f"due {format_day(due_on)}"
    reason = f"Victim update owed: {event} on {format_day(event_on)} ({detail})"
    return (DueKind.VICTIM_UPDATE, due_on.toordinal(), reason, update_id)


def _contacts(
    cf: CaseFile, risk: RiskLevel, settings: ScheduleSettings, region: Region
) -> tuple[list[Owed], tuple[int, int, str] | None]:
    last = last_contact_on(cf)
    due = next_contact_due(cf, settings, risk=risk, last_contact=last)
    if due is None:
        return [], None
    cadence = _cadence_label(settings.cadence(risk))
    if last is not None:
        return [], (due.toordinal(), last.toordinal(), cadence)
    ref = referral_date(cf)
    out: list[Owed] = [
        (DueKind.CONTACT, due.toordinal(), f"No contact since referral on {format_day(ref)} ({cadence} cadence)", None)
    ]
    if not cf.contacts:
        first = first_attempt_due(cf.case, settings, region, referred_on=ref)
        target = _plural(settings.first_attempt_working_days, "working day")
        reason = f"First contact attempt due: referred {format_day(ref)} (target {target})"
        out.append((DueKind.FIRST_ATTEMPT, first.toordinal(), reason, None))
    return out, None


def _orders(cf: CaseFile, settings: ScheduleSettings) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    for order, alert_on in order_alerts(cf, settings):
        assert order.ends_on is not None
        reason = f"{ORDER_LABELS[order.kind]} end {format_day(order.ends_on)}"
        if order.kind == OrderType.PRE_CHARGE_BAIL:
            reason += ": review the safety plan"
        out.append((alert_on.toordinal(), order.ends_on.toordinal(), reason, order.id))
    return out


def _trigger_label(cf: CaseFile, d: date) -> str:
    if any(i.occurred_on == d for i in cf.incidents):
        return "new incident"
    if any(b.occurred_on == d for b in cf.breaches):
        return "order breach"
    if any(m.occurred_on == d and m.kind == MilestoneKind.RELEASE_FROM_CUSTODY for m in cf.milestones):
        return "release from custody"
    for info in cf.drive_info:
        if info.learned_on == d and info.victim_case_id == cf.case.id and info.kind in DRIVE_TRIGGERS:
            return f"Drive information ({info.kind.value.replace('_', ' ')})"
    return "trigger event"


def _dash(cf: CaseFile, settings: ScheduleSettings) -> Owed | None:
    latest = cf.dash[0] if len(cf.dash) == 1 else cf.latest_dash
    if latest is None:
        return None
    weeks = settings.dash_review_weeks
    due = review_due(latest, trigger_dates(cf), weeks)
    last = format_day(latest.assessed_on)
    if due.toordinal() < latest.assessed_on.toordinal() + 7 * weeks:
        label = _trigger_label(cf, due)
        reason = f"DASH review due: {label} on {format_day(due)} after the DASH of {last}"
        if label.startswith("Drive information"):
            reason += "; review the safety plan too"
    else:
        reason = f"DASH review due: last DASH {last} (every {weeks} weeks)"
    return (DueKind.DASH_REVIEW, due.toordinal(), reason, latest.id)


def _plan(cf: CaseFile, risk: RiskLevel) -> tuple[bool, tuple[str, int, int] | None, int] | None:
    plan = current_plan(cf)
    high = risk == RiskLevel.HIGH
    if plan is None and not high:
        return None
    latest = cf.dash[0] if len(cf.dash) == 1 else cf.latest_dash
    since = latest.assessed_on if latest is not None else cf.case.opened_on
    current = None if plan is None else (plan.id, plan.created_on.toordinal(), plan.review_on.toordinal())
    return (high, current, since.toordinal())


def case_facts(
    casefile: CaseFile,
    *,
    settings: ScheduleSettings = DEFAULT_SCHEDULE,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
    marac: MaracSettings = DEFAULT_MARAC,
) -> DueFacts:
    """What the case owes (see :class:`DueFacts`): everything the due list needs from the case file."""
    case = casefile.case
    dash = casefile.dash
    risk = risk_with_dash(case.risk_level, dash[0] if len(dash) == 1 else casefile.latest_dash)
    updates = tuple(_updates(casefile, timetable, region))
    if not case.is_open:
        return DueFacts(case.id, case.reference, case.worker_id, risk, updates)
    contact, since = _contacts(casefile, risk, settings, region)
    orders = tuple(_orders(casefile, settings)) if casefile.orders else ()
    if case.kind != CaseKind.VICTIM:
        return DueFacts(case.id, case.reference, case.worker_id, risk, updates, tuple(contact), since, orders)
    dates = marac_dates(casefile, marac)
    return DueFacts(
        case.id,
        case.reference,
        case.worker_id,
        risk,
        updates,
        tuple(contact),
        since,
        orders,
        _dash(casefile, settings),
        dates if dates.dashes or dates.incidents else None,
        _plan(casefile, risk),
    )


# --- step 2: the items on a day ------------------------------------------------------------------------

_MARAC_LABELS = {
    MaracCriterion.VISIBLE_HIGH_RISK: "visible high risk",
    MaracCriterion.PROFESSIONAL_JUDGEMENT: "professional judgement",
    MaracCriterion.POTENTIAL_ESCALATION: "potential escalation",
    MaracCriterion.REPEAT: "repeat",
}


def facts_items(
    facts: DueFacts, on: date, *, horizon_days: int = 7, marac: MaracSettings = DEFAULT_MARAC
) -> list[DueItem]:
    """The case's items due on or before ``on + horizon_days`` (overdue included), unranked.

    A high-risk case without a current plan (or whose plan review has passed) and a MARAC referral whose
    criteria are met are listed whatever their date: they are never "not yet due".
    """
    day = on.toordinal()
    limit = day + horizon_days
    items: list[DueItem] = []
    case_id, reference, worker_id, risk = facts.case_id, facts.reference, facts.worker_id, facts.risk

    def add(kind: DueKind, due: int, reason: str, source_id: str | None) -> None:
        items.append(
            DueItem(
                kind,
                case_id,
                reference,
                date.fromordinal(due),
                day - due,
                risk,
                reason,
                worker_id,
                TABS[kind],
                source_id,
            )
        )

    for kind, due, reason, source in facts.updates:
        if due <= limit:
            add(kind, due, reason, source)
    for kind, due, reason, source in facts.contact:
        if due <= limit:
            add(kind, due, reason, source)
    if facts.contact_since is not None:
        due, last, cadence = facts.contact_since
        if due <= limit:
            days = _plural(day - last, "day")
            add(
                DueKind.CONTACT,
                due,
                f"No contact for {days} since {format_day(date.fromordinal(last))} ({cadence} cadence)",
                None,
            )
    for alert, ends, reason, order_id in facts.orders:
        if ends >= day and alert <= limit:
            add(DueKind.ORDER_EXPIRY, alert, reason, order_id)
    if facts.dash is not None and facts.dash[1] <= limit:
        add(*facts.dash)
    if facts.marac is not None:
        _marac(facts.marac, on, marac, add)
    if facts.plan is not None:
        _plan_items(facts.plan, day, limit, add)
    return items


def _marac(dates: MaracDates, on: date, settings: MaracSettings, add: Any) -> None:
    """A MARAC referral is due from the date a criterion was met by a record dated after the last
    referral (or at all, when there has been no referral)."""
    met = criteria_dates(dates, on, settings)
    if not met:
        return
    last_ref = last_referral_day(dates, on.toordinal())
    since = {k: d for k, d in met.items() if last_ref is None or d.toordinal() > last_ref}
    if since:
        due = min(since.values())
        labels = ", ".join(label for k, label in _MARAC_LABELS.items() if k in since)
        add(
            DueKind.MARAC_REFERRAL,
            due.toordinal(),
            f"MARAC referral criteria met since {format_day(due)}: {labels}",
            None,
        )


def _plan_items(plan: tuple[bool, tuple[str, int, int] | None, int], day: int, limit: int, add: Any) -> None:
    high, current, since = plan
    if high and (current is None or current[2] < day):
        if current is None:
            add(DueKind.HIGH_RISK_NO_PLAN, since, "High risk with no current safety plan", None)
        else:
            review = format_day(date.fromordinal(current[2]))
            add(
                DueKind.HIGH_RISK_NO_PLAN,
                current[2],
                f"High risk and the safety plan review was due {review}",
                current[0],
            )
        return
    if current is not None and current[2] <= limit:
        add(
            DueKind.PLAN_REVIEW,
            current[2],
            f"Safety plan review (plan of {format_day(date.fromordinal(current[1]))})",
            current[0],
        )
