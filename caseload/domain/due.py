"""The due list: every due or overdue piece of work across a caseload, ranked by risk × lateness.

Open cases contribute contacts, first attempts, victim updates (Victims' Code and Drive → IDVA), DASH
reviews, MARAC referrals, safety-plan reviews, high risk without a plan and order expiries. A *closed* case
contributes only victim updates still not told whose event was on or before the closure date (the victim is
still owed them; nothing else is chased once a case is closed).

Reasons are built from dates, counts and categories only — never free text — so the list can be shown or
exported (``caseload due --json``) without level-3 content.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from caseload.domain.bulk import gc_paused
from caseload.domain.calendar import format_day
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import DRIVE_TRIGGERS, review_due, trigger_dates
from caseload.domain.enums import CaseKind, MaracCriterion, MilestoneKind, OrderType, Region, RiskLevel
from caseload.domain.marac import DEFAULT_MARAC, MaracSettings, criteria_triggers, last_referral_on
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

RISK_WEIGHTS: dict[RiskLevel, int] = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.STANDARD: 1}


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


def priority(item: DueItem) -> int:
    """Rank score: risk weight (high 3, medium 2, standard 1) × (1 + days overdue, counting 0 if not yet
    overdue). Higher comes first; see :func:`sort_key` for ties."""
    return RISK_WEIGHTS[item.risk] * (1 + max(item.days_overdue, 0))


def sort_key(item: DueItem) -> tuple[int, date, str, str, str]:
    """Order of the list: priority descending, then due date, case reference, kind, reason. Items equal on
    all of these can only come from the same case, and keep that case's own (fixed) order."""
    return (-priority(item), item.due_on, item.case_reference, item.kind.value, item.reason)


_TIES = attrgetter("due_on", "case_reference", "kind", "reason")


def rank(items: list[DueItem]) -> None:
    """Sort ``items`` in place into :func:`sort_key` order (two stable passes, cheaper than the tuple key)."""
    items.sort(key=_TIES)
    items.sort(key=priority, reverse=True)


def explain_rank(item: DueItem) -> str:
    """Why an item sits where it does, in plain words."""
    weight = RISK_WEIGHTS[item.risk]
    late = max(item.days_overdue, 0)
    if item.days_overdue > 0:
        when = f"{item.days_overdue} day{'s' if item.days_overdue != 1 else ''} overdue"
    elif item.days_overdue == 0:
        when = "due today (0 days overdue)"
    else:
        when = (
            f"due in {-item.days_overdue} day{'s' if item.days_overdue != -1 else ''} (counts as 0 overdue)"
        )
    return (
        f"priority {priority(item)} = {item.risk.value} risk weight {weight} × (1 + {late}); {when}; "
        "ties go to the earlier due date, then case reference, then kind"
    )


_CADENCE_LABELS = {7: "weekly", 14: "fortnightly", 28: "4-weekly"}


def _cadence_label(days: int) -> str:
    return _CADENCE_LABELS.get(days) or f"{days}-day"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Collector:
    """Builds the items of one case file; shared case fields are computed once, and callers test
    :meth:`wanted` before wording a reason so nothing is formatted for items beyond the horizon."""

    __slots__ = ("case_id", "cf", "items", "latest", "limit", "on", "reference", "risk", "worker_id")

    def __init__(self, casefile: CaseFile, on: date, limit: date) -> None:
        self.cf = casefile
        self.on = on
        self.limit = limit
        dash = casefile.dash
        self.latest = dash[0] if len(dash) == 1 else casefile.latest_dash
        self.risk = risk_with_dash(casefile.case.risk_level, self.latest)
        self.case_id = casefile.case.id
        self.reference = casefile.case.reference
        self.worker_id = casefile.case.worker_id
        self.items: list[DueItem] = []

    def wanted(self, due_on: date) -> bool:
        return due_on <= self.limit

    def add(self, kind: DueKind, due_on: date, reason: str, source_id: str | None = None) -> None:
        self.items.append(
            DueItem(
                kind,
                self.case_id,
                self.reference,
                due_on,
                (self.on - due_on).days,
                self.risk,
                reason,
                self.worker_id,
                TABS[kind],
                source_id,
            )
        )


def _updates(c: _Collector, timetable: Timetable, region: Region) -> None:
    case = c.cf.case
    rights = "enhanced" if case.enhanced_rights else "standard"
    cutoff = case.closed_on
    for u in c.cf.updates:
        if u.told_on is None and c.wanted(u.due_on) and (cutoff is None or u.event_on <= cutoff):
            wd = allowed_working_days(u, case, timetable)
            _add_update(c, u.event, u.event_on, u.due_on, u.id, rights, wd)
    if not c.cf.milestones and not c.cf.drive_info:
        return
    for o in unrecorded_obligations(c.cf, timetable, region):
        if c.wanted(o.due_on):
            update_id = derived_update_id(o.source_id, o.event)
            _add_update(c, o.event, o.event_on, o.due_on, update_id, rights, o.working_days)


def _add_update(
    c: _Collector, event: str, event_on: date, due_on: date, update_id: str, rights: str, wd: int | None
) -> None:
    if event.startswith("Drive: "):
        what = event.removeprefix("Drive: ")
        learned, due = format_day(event_on), format_day(due_on)
        reason = f"Drive update owed to the IDVA: {what} learned on {learned} (due {due})"
        c.add(DueKind.DRIVE_INFO, due_on, reason, update_id)
        return
    detail = f"{rights}: {_plural(wd, 'working day')}" if wd is not None else f"due {format_day(due_on)}"
    c.add(
        DueKind.VICTIM_UPDATE,
        due_on,
        f"Victim update owed: {event} on {format_day(event_on)} ({detail})",
        update_id,
    )


def _contacts(c: _Collector, settings: ScheduleSettings, region: Region) -> None:
    cf = c.cf
    last = last_contact_on(cf)
    due = next_contact_due(cf, settings, risk=c.risk, last_contact=last)
    if due is None:
        return
    cadence = _cadence_label(settings.cadence(c.risk))
    if last is None:
        ref = referral_date(cf)
        if c.wanted(due):
            c.add(DueKind.CONTACT, due, f"No contact since referral on {format_day(ref)} ({cadence} cadence)")
        first = first_attempt_due(cf.case, settings, region, referred_on=ref)
        if not cf.contacts and c.wanted(first):
            target = _plural(settings.first_attempt_working_days, "working day")
            c.add(
                DueKind.FIRST_ATTEMPT,
                first,
                f"First contact attempt due: referred {format_day(ref)} (target {target})",
            )
    elif c.wanted(due):
        days = (c.on - last).days
        c.add(
            DueKind.CONTACT,
            due,
            f"No contact for {_plural(days, 'day')} since {format_day(last)} ({cadence} cadence)",
        )


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


def _dash(c: _Collector, settings: ScheduleSettings) -> None:
    cf = c.cf
    latest = c.latest
    if latest is None:
        return
    due = review_due(latest, trigger_dates(cf), settings.dash_review_weeks)
    if not c.wanted(due):
        return
    last = format_day(latest.assessed_on)
    if due < latest.assessed_on + timedelta(weeks=settings.dash_review_weeks):
        label = _trigger_label(cf, due)
        reason = f"DASH review due: {label} on {format_day(due)} after the DASH of {last}"
        if label.startswith("Drive information"):
            reason += "; review the safety plan too"
    else:
        reason = f"DASH review due: last DASH {last} (every {settings.dash_review_weeks} weeks)"
    c.add(DueKind.DASH_REVIEW, due, reason, latest.id)


_MARAC_LABELS = {
    MaracCriterion.VISIBLE_HIGH_RISK: "visible high risk",
    MaracCriterion.PROFESSIONAL_JUDGEMENT: "professional judgement",
    MaracCriterion.POTENTIAL_ESCALATION: "potential escalation",
    MaracCriterion.REPEAT: "repeat",
}


def _marac(c: _Collector, settings: MaracSettings) -> None:
    """A MARAC referral is due from the date a criterion was met by a record dated after the last
    referral (or at all, when there has been no referral)."""
    met = criteria_triggers(c.cf, c.on, settings)
    if not met:
        return
    last_ref = last_referral_on(c.cf, c.on)
    since = {k: d for k, d in met.items() if last_ref is None or d > last_ref}
    if since:
        due = min(since.values())
        labels = ", ".join(label for k, label in _MARAC_LABELS.items() if k in since)
        c.add(DueKind.MARAC_REFERRAL, due, f"MARAC referral criteria met since {format_day(due)}: {labels}")


def _plans(c: _Collector) -> None:
    cf, on = c.cf, c.on
    plan = current_plan(cf)
    if c.risk == RiskLevel.HIGH and (plan is None or plan.review_on < on):
        if plan is None:
            since = c.latest.assessed_on if c.latest is not None else cf.case.opened_on
            c.add(DueKind.HIGH_RISK_NO_PLAN, since, "High risk with no current safety plan")
        else:
            c.add(
                DueKind.HIGH_RISK_NO_PLAN,
                plan.review_on,
                f"High risk and the safety plan review was due {format_day(plan.review_on)}",
                plan.id,
            )
        return
    if plan is not None and c.wanted(plan.review_on):
        c.add(
            DueKind.PLAN_REVIEW,
            plan.review_on,
            f"Safety plan review (plan of {format_day(plan.created_on)})",
            plan.id,
        )


def _orders(c: _Collector, settings: ScheduleSettings) -> None:
    if not c.cf.orders:
        return
    for order, alert_on in order_alerts(c.cf, settings):
        assert order.ends_on is not None
        if order.ends_on < c.on or not c.wanted(alert_on):
            continue
        reason = f"{ORDER_LABELS[order.kind]} end {format_day(order.ends_on)}"
        if order.kind == OrderType.PRE_CHARGE_BAIL:
            reason += ": review the safety plan"
        c.add(DueKind.ORDER_EXPIRY, alert_on, reason, order.id)


def case_due_items(
    casefile: CaseFile,
    on: date,
    *,
    horizon_days: int = 7,
    settings: ScheduleSettings = DEFAULT_SCHEDULE,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
    marac: MaracSettings = DEFAULT_MARAC,
) -> list[DueItem]:
    """The unranked due items of one case file (see the module docstring for what is included)."""
    c = _Collector(casefile, on, on + timedelta(days=horizon_days))
    _updates(c, timetable, region)
    if not casefile.case.is_open:
        return c.items
    _contacts(c, settings, region)
    _orders(c, settings)
    if casefile.case.kind == CaseKind.VICTIM:
        _dash(c, settings)
        _marac(c, marac)
        _plans(c)
    return c.items


def due_items(
    casefiles: Iterable[CaseFile],
    on: date,
    *,
    worker_id: str | None = None,
    horizon_days: int = 7,
    settings: ScheduleSettings = DEFAULT_SCHEDULE,
    timetable: Timetable = VC2020,
    region: Region = Region.ENGLAND_WALES,
    marac: MaracSettings = DEFAULT_MARAC,
) -> list[DueItem]:
    """Every item due on or before ``on + horizon_days`` (overdue included), optionally for one worker,
    ranked by :func:`priority` descending with ties broken by :func:`sort_key` (stable for any input order).
    """
    items: list[DueItem] = []
    with gc_paused():
        for cf in casefiles:
            if worker_id is not None and cf.case.worker_id != worker_id:
                continue
            items.extend(
                case_due_items(
                    cf,
                    on,
                    horizon_days=horizon_days,
                    settings=settings,
                    timetable=timetable,
                    region=region,
                    marac=marac,
                )
            )
        rank(items)
    return items


def as_json(items: Iterable[DueItem]) -> list[dict[str, Any]]:
    """JSON-ready rows (see :data:`DUE_JSON_SCHEMA`); dates as ISO strings, enums as their values."""
    return [
        {
            "kind": i.kind.value,
            "case_reference": i.case_reference,
            "due_on": i.due_on.isoformat(),
            "days_overdue": i.days_overdue,
            "risk": i.risk.value,
            "reason": i.reason,
            "worker_id": i.worker_id,
            "priority": priority(i),
            "tab": i.tab,
        }
        for i in items
    ]


_ROW_PROPERTIES: dict[str, Any] = {
    "kind": {"enum": [k.value for k in DueKind]},
    "case_reference": {"type": "string", "minLength": 1},
    "due_on": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "days_overdue": {"type": "integer", "description": "calendar days; 0 today, negative in future"},
    "risk": {"enum": [r.value for r in RiskLevel]},
    "reason": {"type": "string", "minLength": 1},
    "worker_id": {"type": "string"},
    "priority": {"type": "integer", "minimum": 1},
    "tab": {"enum": sorted(set(TABS.values()))},
}

DUE_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:caseload:due-list",
    "title": "caseload due list",
    "description": "Due and overdue work, ranked by risk weight × (1 + days overdue), highest first.",
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": list(_ROW_PROPERTIES),
        "properties": _ROW_PROPERTIES,
    },
}
"""JSON Schema (draft 2020-12) of :func:`as_json` output: an array of rows, every key required."""
