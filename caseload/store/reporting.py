"""Read queries for anonymised partnership summaries: one categorical fact row per case in scope.

Only level-1 and level-2 columns are read (an allow-list, checked by a test): never names, notes, addresses,
references, ids beyond the join keys, or firewall fields. Aggregation happens in SQL, one query per table, so
a year of a 10,000-case store is summarised without decoding a single contact record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

READ_COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": ("id", "kind", "status", "opened_on", "closed_on", "referral_source", "area", "subject_id"),
    "people": ("id", "age_band", "sex", "ethnicity", "disability", "lgbt"),
    "referrals": ("case_id", "received_on"),
    "contacts": ("case_id", "at", "kind"),
    "dash": ("case_id", "assessed_on"),
    "marac_referrals": ("case_id", "referred_on", "criteria"),
    "updates": ("case_id", "due_on", "told_on"),
    "orders": ("id", "case_id", "kind", "starts_on"),
    "breaches": ("order_id", "occurred_on"),
    "milestones": ("case_id", "kind", "occurred_on", "outcome_code"),
    "children": ("case_id",),
    "outcomes": ("case_id", "taken_on", "stage", "risk_level", "abuse_types"),
    "parties": ("case_id", "role", "relationship"),
    "links": ("perpetrator_case_id", "kind"),
}
"""Every column the reporting queries touch, by table (a test checks none is level 3 or F)."""


class _Reading(Protocol):
    def reading(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a partnership summary may know about one case: categories, small counts, no identifiers."""

    kind: str
    status: str
    area: str
    age_band: str
    sex: str
    ethnicity: str
    disability: bool | None
    lgbt: bool | None
    relationship: str
    referral_source: str
    new_in_period: bool
    closed_in_period: bool
    days_to_first_attempt: int | None = None
    dash_done: bool = False
    marac_first: int = 0
    marac_repeat: int = 0
    contacts: int = 0
    attempts: int = 0
    updates_on_time: int = 0
    updates_late: int = 0
    updates_not_told: int = 0
    orders: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()
    milestones: tuple[str, ...] = ()
    nfa_code: int | None = None
    decision_in_period: str = ""
    children: int = 0
    intake_risk: str = ""
    exit_risk: str = ""
    intake_behaviours: tuple[str, ...] = ()
    review_behaviours: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Population:
    """Every case worked in a period (open at any point in it), optionally in one area."""

    start: date
    end: date
    area: str | None
    facts: tuple[CaseFacts, ...]
    areas: tuple[str, ...] = field(default=())


def known_areas(store: _Reading) -> list[str]:
    """Distinct area names recorded on cases (level 1), sorted."""
    with store.reading() as conn:
        rows = conn.exec_driver_sql("SELECT DISTINCT area FROM cases ORDER BY area").fetchall()
    return [str(r[0]) for r in rows if r[0]]


def population(store: _Reading, start: date, end: date, area: str | None = None) -> Population:
    """Facts for every case open at some point in ``[start, end]`` (optionally one area, case-insensitive)."""
    s, e = start.isoformat(), end.isoformat()
    e_next = (end + timedelta(days=1)).isoformat()
    with store.reading() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        return _population(cur, start, end, s, e, e_next, area)


def _population(cur: Any, start: date, end: date, s: str, e: str, e_next: str, area: str | None) -> Population:
    areas = [str(r[0]) for r in cur.execute("SELECT DISTINCT area FROM cases ORDER BY area") if r[0]]
    where = "c.opened_on <= ? AND (c.closed_on IS NULL OR c.closed_on >= ?)"
    params: list[Any] = [e, s]
    if area is not None:
        where += " AND lower(c.area) = lower(?)"
        params.append(area)
    scope = f"SELECT c.id FROM cases c WHERE {where}"
    cases = cur.execute(
        "SELECT c.id, c.kind, c.status, c.opened_on, c.closed_on, c.referral_source, c.area, "
        "p.age_band, p.sex, p.ethnicity, p.disability, p.lgbt "
        f"FROM cases c JOIN people p ON p.id = c.subject_id WHERE {where}",
        params,
    ).fetchall()

    def per_case(sql: str, extra: tuple[Any, ...] = ()) -> list[Any]:
        return list(cur.execute(sql.replace("{scope}", scope), (*extra, *params)))

    referred = dict(per_case("SELECT case_id, MIN(received_on) FROM referrals WHERE case_id IN ({scope}) "
                             "GROUP BY case_id"))
    contact_rows = per_case(
        "SELECT case_id, SUM(kind = 'contact' AND at >= ? AND at < ?), SUM(kind = 'attempt' AND at >= ? "
        "AND at < ?), MIN(at) FROM contacts WHERE case_id IN ({scope}) GROUP BY case_id",
        (s, e_next, s, e_next),
    )
    contacts = {r[0]: (int(r[1] or 0), int(r[2] or 0), str(r[3])[:10] if r[3] else None) for r in contact_rows}
    dash_done = {r[0] for r in per_case("SELECT DISTINCT case_id FROM dash WHERE assessed_on <= ? "
                                        "AND case_id IN ({scope})", (e,))}
    marac: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cid, criteria in per_case("SELECT case_id, criteria FROM marac_referrals WHERE referred_on >= ? AND "
                                  "referred_on <= ? AND case_id IN ({scope})", (s, e)):
        marac[cid][1 if "repeat" in json.loads(criteria) else 0] += 1
    updates = {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in per_case(
        "SELECT case_id, SUM(told_on IS NOT NULL AND told_on <= due_on AND told_on <= ?), "
        "SUM(told_on IS NOT NULL AND told_on > due_on AND told_on <= ?), SUM(told_on IS NULL OR told_on > ?) "
        "FROM updates WHERE due_on >= ? AND due_on <= ? AND case_id IN ({scope}) GROUP BY case_id",
        (e, e, e, s, e))}
    orders: dict[str, list[str]] = defaultdict(list)
    for cid, kind in per_case("SELECT case_id, kind FROM orders WHERE starts_on >= ? AND starts_on <= ? "
                              "AND case_id IN ({scope})", (s, e)):
        orders[cid].append(str(kind))
    breaches: dict[str, list[str]] = defaultdict(list)
    for cid, kind in per_case("SELECT o.case_id, o.kind FROM breaches b JOIN orders o ON o.id = b.order_id "
                              "WHERE b.occurred_on >= ? AND b.occurred_on <= ? AND o.case_id IN ({scope})",
                              (s, e)):
        breaches[cid].append(str(kind))
    stones: dict[str, list[tuple[str, str, int | None]]] = defaultdict(list)
    for cid, kind, on, code in per_case("SELECT case_id, kind, occurred_on, outcome_code FROM milestones "
                                        "WHERE occurred_on <= ? AND case_id IN ({scope}) ORDER BY occurred_on",
                                        (e,)):
        stones[cid].append((str(kind), str(on), code))
    children = dict(per_case("SELECT case_id, COUNT(*) FROM children WHERE case_id IN ({scope}) GROUP BY case_id"))
    snaps: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for cid, on, stage, risk, abuse in per_case("SELECT case_id, taken_on, stage, risk_level, abuse_types FROM "
                                                "outcomes WHERE taken_on <= ? AND case_id IN ({scope}) "
                                                "ORDER BY taken_on", (e,)):
        snaps[cid].append((str(on), str(stage), str(risk), str(abuse)))
    relation: dict[str, str] = {}
    for cid, kind in per_case("SELECT case_id, relationship FROM parties WHERE role = 'perpetrator' "
                              "AND case_id IN ({scope}) ORDER BY rowid"):
        relation.setdefault(cid, str(kind))
    for cid, kind in per_case("SELECT perpetrator_case_id, kind FROM links WHERE perpetrator_case_id IN ({scope}) "
                              "ORDER BY rowid"):
        relation.setdefault(cid, str(kind))

    facts: list[CaseFacts] = []
    for cid, kind, status, opened, closed, source, case_area, age, sex, eth, disab, lgbt in cases:
        ref_on = referred.get(cid) or opened
        n_contacts, n_attempts, first = contacts.get(cid, (0, 0, None))
        days = None
        if s <= str(ref_on) <= e and first is not None:
            days = max(0, (date.fromisoformat(first) - date.fromisoformat(str(ref_on))).days)
        on_time, late, not_told = updates.get(cid, (0, 0, 0))
        ms = stones.get(cid, [])
        intake = next((x for x in snaps.get(cid, []) if x[1] == "intake"), None)
        later = [x for x in snaps.get(cid, []) if x[1] != "intake" and (intake is None or x[0] >= intake[0])]
        exit_snap = next((x for x in later if x[1] == "exit" and s <= x[0] <= e), None)
        facts.append(
            CaseFacts(
                kind=str(kind),
                status=str(status),
                area=str(case_area or ""),
                age_band=str(age),
                sex=str(sex),
                ethnicity=str(eth),
                disability=None if disab is None else bool(disab),
                lgbt=None if lgbt is None else bool(lgbt),
                relationship=relation.get(cid, ""),
                referral_source=str(source),
                new_in_period=s <= str(opened) <= e,
                closed_in_period=closed is not None and s <= str(closed) <= e,
                days_to_first_attempt=days,
                dash_done=cid in dash_done,
                marac_first=marac[cid][0] if cid in marac else 0,
                marac_repeat=marac[cid][1] if cid in marac else 0,
                contacts=n_contacts,
                attempts=n_attempts,
                updates_on_time=on_time,
                updates_late=late,
                updates_not_told=not_told,
                orders=tuple(orders.get(cid, ())),
                breaches=tuple(breaches.get(cid, ())),
                milestones=tuple(m[0] for m in ms),
                nfa_code=next((m[2] for m in reversed(ms) if m[0] == "nfa"), None),
                decision_in_period=_decision(ms, s, e),
                children=int(children.get(cid, 0)),
                intake_risk=intake[2] if intake else "",
                exit_risk=exit_snap[2] if exit_snap else "",
                intake_behaviours=tuple(json.loads(intake[3])) if intake else (),
                review_behaviours=tuple(json.loads(later[-1][3])) if intake and later else None,
            )
        )
    return Population(start, end, area, tuple(facts), tuple(areas))


def _decision(ms: list[tuple[str, str, int | None]], s: str, e: str) -> str:
    """The furthest criminal-justice decision reached inside the period: convicted > charged > nfa_CODE."""
    inside = [m for m in ms if s <= m[1] <= e]
    kinds = {m[0] for m in inside}
    if "sentence" in kinds:
        return "convicted"
    if "charged" in kinds:
        return "charged"
    nfa = [m for m in inside if m[0] == "nfa"]
    if nfa:
        code = nfa[-1][2]
        return f"nfa_{code}" if code in (15, 16) else "nfa_other"
    return ""
