"""Caseload review (supervisor): per-worker figures computed from case files (domain.md, "Caseload review").

For each worker: open cases; new cases in the last 12 months against SafeLives' 60–70 cases per IDVA per
year; cases with overdue contacts, overdue victim updates, overdue DASH reviews; high-risk cases without a
current safety plan; the median days from referral to the first attempt (cases referred in the last 12 months
that have one; ``n`` says how many); open cases with no contact for 30+ days; new cases per month.

Every figure keeps the ids of the cases behind it, so a drill-down lists exactly the cases counted. Overdue
work is what the due list (:mod:`caseload.domain.due`) says is overdue on the day, so Today and Review agree.
Pure: no I/O, no store, no Textual.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from caseload.domain.bulk import gc_paused
from caseload.domain.calendar import add_months
from caseload.domain.casefile import CaseFile
from caseload.domain.due import DueKind, case_due_items
from caseload.domain.schedules import first_attempt_on, last_contact_on, referral_date


class Figure(enum.StrEnum):
    """One review figure; each counts cases (the drill-down lists them)."""

    OPEN = "open"
    NEW_12M = "new_12m"
    OVERDUE_CONTACTS = "overdue_contacts"
    UPDATES_LATE = "updates_late"
    DASH_OVERDUE = "dash_overdue"
    HIGH_NO_PLAN = "high_no_plan"
    FIRST_ATTEMPT = "first_attempt"
    NO_CONTACT_30 = "no_contact_30"


FIGURE_LABELS: Mapping[Figure, str] = {
    Figure.OPEN: "Open cases",
    Figure.NEW_12M: "New cases in the last 12 months",
    Figure.OVERDUE_CONTACTS: "Cases with an overdue contact",
    Figure.UPDATES_LATE: "Cases with an overdue victim update",
    Figure.DASH_OVERDUE: "Cases with a DASH review overdue",
    Figure.HIGH_NO_PLAN: "High-risk cases without a current safety plan",
    Figure.FIRST_ATTEMPT: "Cases referred in the last 12 months with a first attempt",
    Figure.NO_CONTACT_30: "Open cases with no contact for 30+ days",
}
"""What each figure counts, in plain words (drill-down titles)."""

_DUE_FIGURES: Mapping[DueKind, Figure] = {
    DueKind.CONTACT: Figure.OVERDUE_CONTACTS,
    DueKind.FIRST_ATTEMPT: Figure.OVERDUE_CONTACTS,
    DueKind.VICTIM_UPDATE: Figure.UPDATES_LATE,
    DueKind.DRIVE_INFO: Figure.UPDATES_LATE,
    DueKind.DASH_REVIEW: Figure.DASH_OVERDUE,
}


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """Review defaults: the 12-month window, SafeLives' 60–70 new cases per IDVA per year, 30 days."""

    window_months: int = 12
    caseload_low: int = 60
    caseload_high: int = 70
    no_contact_days: int = 30


DEFAULT_REVIEW = ReviewSettings()


@dataclass(frozen=True, slots=True)
class WorkerFigures:
    """One worker's figures. ``cases[figure]`` holds the ids of the cases counted (by reference);
    ``first_attempt_days`` the days referral → first attempt of each ``FIRST_ATTEMPT`` case by case id;
    ``new_by_month`` new cases in each of the window's months, oldest first."""

    worker_id: str
    cases: Mapping[Figure, tuple[str, ...]]
    first_attempt_days: Mapping[str, int] = field(default_factory=dict)
    new_by_month: tuple[int, ...] = ()

    def count(self, figure: Figure) -> int:
        """How many cases a figure counts."""
        return len(self.cases.get(figure, ()))

    @property
    def median_first_attempt(self) -> float | None:
        """Median days referral → first attempt; None when no case has one (never from zero cases)."""
        days = self.first_attempt_days
        return float(statistics.median(days.values())) if days else None

    def above_benchmark(self, settings: ReviewSettings = DEFAULT_REVIEW) -> bool:
        """More new cases in the window than SafeLives' upper figure (70 per IDVA per year)."""
        return self.count(Figure.NEW_12M) > settings.caseload_high


def window_start(on: date, settings: ReviewSettings = DEFAULT_REVIEW) -> date:
    """First day of the review window: the day after ``on`` minus 12 months (so the window is 12 months)."""
    return date.fromordinal(add_months(on, -settings.window_months).toordinal() + 1)


def month_index(d: date, on: date, months: int) -> int | None:
    """Which of the ``months`` calendar months ending with ``on``'s month ``d`` falls in (0 oldest), or None."""
    back = (on.year - d.year) * 12 + (on.month - d.month)
    return months - 1 - back if 0 <= back < months else None


def case_figures(cf: CaseFile, on: date, settings: ReviewSettings = DEFAULT_REVIEW) -> tuple[set[Figure], int | None]:
    """The figures one case counts in on ``on``, and its days referral → first attempt (when it counts in
    ``FIRST_ATTEMPT``)."""
    case = cf.case
    found: set[Figure] = set()
    start = window_start(on, settings)
    if case.is_open:
        found.add(Figure.OPEN)
    if start <= case.opened_on <= on:
        found.add(Figure.NEW_12M)
    for item in case_due_items(cf, on, horizon_days=0):
        if item.kind is DueKind.HIGH_RISK_NO_PLAN:
            found.add(Figure.HIGH_NO_PLAN)
        elif item.days_overdue > 0 and item.kind in _DUE_FIGURES:
            found.add(_DUE_FIGURES[item.kind])
    referred = referral_date(cf)
    if case.is_open:
        last = last_contact_on(cf) or referred
        if (on - last).days >= settings.no_contact_days:
            found.add(Figure.NO_CONTACT_30)
    days: int | None = None
    if start <= referred <= on:
        first = first_attempt_on(cf)
        if first is not None:
            days = max((first - referred).days, 0)
            found.add(Figure.FIRST_ATTEMPT)
    return found, days


def worker_figures(
    casefiles: Iterable[CaseFile], on: date, settings: ReviewSettings = DEFAULT_REVIEW
) -> dict[str, WorkerFigures]:
    """Figures per worker id (every worker holding at least one of the case files)."""
    months = settings.window_months
    by_worker: dict[str, dict[Figure, list[tuple[str, str]]]] = {}
    days_by_worker: dict[str, dict[str, int]] = {}
    monthly: dict[str, list[int]] = {}
    start = window_start(on, settings)
    with gc_paused():
        for cf in casefiles:
            case = cf.case
            wid = case.worker_id
            figures = by_worker.setdefault(wid, {})
            per_month = monthly.setdefault(wid, [0] * months)
            found, days = case_figures(cf, on, settings)
            for fig in found:
                figures.setdefault(fig, []).append((case.reference, case.id))
            if days is not None:
                days_by_worker.setdefault(wid, {})[case.id] = days
            if start <= case.opened_on <= on:
                idx = month_index(case.opened_on, on, months)
                if idx is not None:
                    per_month[idx] += 1
    out: dict[str, WorkerFigures] = {}
    for wid, figures in by_worker.items():
        cases = {fig: tuple(cid for _, cid in sorted(pairs)) for fig, pairs in figures.items()}
        out[wid] = WorkerFigures(wid, cases, days_by_worker.get(wid, {}), tuple(monthly[wid]))
    return out


def team_totals(figures: Iterable[WorkerFigures]) -> WorkerFigures:
    """Everyone's figures added together (worker id ``""``); the median is over every counted case."""
    cases: dict[Figure, list[str]] = {}
    days: dict[str, int] = {}
    months: list[int] = []
    for wf in figures:
        for fig, ids in wf.cases.items():
            cases.setdefault(fig, []).extend(ids)
        days.update(wf.first_attempt_days)
        if len(wf.new_by_month) > len(months):
            months += [0] * (len(wf.new_by_month) - len(months))
        for i, n in enumerate(wf.new_by_month):
            months[i] += n
    return WorkerFigures("", {k: tuple(v) for k, v in cases.items()}, days, tuple(months))
