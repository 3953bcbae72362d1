"""The due list: every due or overdue piece of work across a caseload, ranked by risk × lateness.

Open cases contribute contacts, first attempts, victim updates (Victims' Code and Drive → IDVA), DASH
reviews, MARAC referrals, safety-plan reviews, high risk without a plan and order expiries. A *closed* case
contributes only victim updates still not told whose event was on or before the closure date (the victim is
still owed them; nothing else is chased once a case is closed).

Reasons are built from dates, counts and categories only — never free text — so the list can be shown or
exported (``caseload due --json``) without level-3 content.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter
from typing import Any

from caseload.domain.bulk import gc_paused
from caseload.domain.casefile import CaseFile
from caseload.domain.due_rules import TABS, DueFacts, DueItem, DueKind, case_facts, facts_items
from caseload.domain.enums import Region, RiskLevel
from caseload.domain.marac import DEFAULT_MARAC, MaracSettings
from caseload.domain.schedules import DEFAULT_SCHEDULE, ScheduleSettings
from caseload.domain.victims_code import VC2020, Timetable

__all__ = [
    "DUE_JSON_SCHEMA",
    "TABS",
    "DueFacts",
    "DueItem",
    "DueKind",
    "as_json",
    "case_due_items",
    "due_items",
    "due_items_from_facts",
    "explain_rank",
    "priority",
    "rank",
    "sort_key",
]

RISK_WEIGHTS: dict[RiskLevel, int] = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.STANDARD: 1}


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
        when = f"due in {-item.days_overdue} day{'s' if item.days_overdue != -1 else ''} (counts as 0 overdue)"
    return (
        f"priority {priority(item)} = {item.risk.value} risk weight {weight} × (1 + {late}); {when}; "
        "ties go to the earlier due date, then case reference, then kind"
    )


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
    """The unranked due items of one case file (see the module docstring for what is included): its
    :func:`~caseload.domain.due_rules.case_facts`, then the items those make on ``on``."""
    facts = case_facts(casefile, settings=settings, timetable=timetable, region=region, marac=marac)
    return facts_items(facts, on, horizon_days=horizon_days, marac=marac)


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
    with gc_paused():
        facts = [
            case_facts(cf, settings=settings, timetable=timetable, region=region, marac=marac)
            for cf in casefiles
            if worker_id is None or cf.case.worker_id == worker_id
        ]
    return due_items_from_facts(facts, on, worker_id=worker_id, horizon_days=horizon_days, marac=marac)


def due_items_from_facts(
    facts: Iterable[DueFacts],
    on: date,
    *,
    worker_id: str | None = None,
    horizon_days: int = 7,
    marac: MaracSettings = DEFAULT_MARAC,
) -> list[DueItem]:
    """:func:`due_items` from the cases' :class:`~caseload.domain.due_rules.DueFacts` (as the store keeps
    them) instead of their case files: the same items in the same order."""
    items: list[DueItem] = []
    with gc_paused():
        for f in facts:
            if worker_id is None or f.worker_id == worker_id:
                items.extend(facts_items(f, on, horizon_days=horizon_days, marac=marac))
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
