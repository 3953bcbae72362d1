"""Integrity inside one import: unique ids, references that resolve, unique case references, sane statuses."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from caseload.domain.enums import CaseKind, DriveStatus, PersonRole, VictimStatus
from caseload.importing.codec import SECTIONS, UUID_PATTERN

ANY_RECORD = "any record"
USERS = "users"

REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("cases", "subject_id"): ("people",),
    ("cases", "worker_id"): (USERS,),
    ("parties", "person_id"): ("people",),
    ("links", "perpetrator_case_id"): ("cases",),
    ("links", "victim_person_id"): ("people",),
    ("links", "victim_case_id"): ("cases",),
    ("incidents", "perpetrator_id"): ("people", "parties"),
    ("dash", "assessor_id"): (USERS,),
    ("dash", "supersedes"): ("dash",),
    ("marac_referrals", "dash_id"): ("dash",),
    ("marac_listings", "referral_id"): ("marac_referrals",),
    ("plan_items", "plan_id"): ("plans",),
    ("plan_items", "listing_id"): ("marac_listings",),
    ("breaches", "order_id"): ("orders",),
    ("contacts", "worker_id"): (USERS,),
    ("updates", "source_id"): (ANY_RECORD,),
    ("drive_info", "perpetrator_case_id"): ("cases",),
    ("drive_info", "victim_case_id"): ("cases",),
    ("drive_info", "author_id"): (USERS,),
    ("sessions", "worker_id"): (USERS,),
    ("behaviour_reviews", "reviewer_id"): (USERS,),
    **{
        (name, "case_id"): ("cases",)
        for name, rtype in SECTIONS.items()
        if "case_id" in {f.name for f in dataclasses.fields(rtype)}
    },
}
"""(record list, field) → the record lists its value must name a record in."""

CASE_KIND_OF: dict[tuple[str, str], CaseKind] = {
    ("links", "perpetrator_case_id"): CaseKind.PERPETRATOR,
    ("links", "victim_case_id"): CaseKind.VICTIM,
    ("drive_info", "perpetrator_case_id"): CaseKind.PERPETRATOR,
    ("drive_info", "victim_case_id"): CaseKind.VICTIM,
}

_STATUSES = {
    CaseKind.VICTIM: {s.value for s in VictimStatus},
    CaseKind.PERPETRATOR: {s.value for s in DriveStatus},
}
_SUBJECT_ROLE = {CaseKind.VICTIM: PersonRole.VICTIM, CaseKind.PERPETRATOR: PersonRole.PERPETRATOR}

_UUID = re.compile(UUID_PATTERN)

AddError = Callable[[int, str, str, str], None]


def check_integrity(records: Mapping[str, tuple[Any, ...]], add: AddError, warnings: list[str]) -> None:
    """Report (via ``add(row, column, reason, section)``) every integrity problem among ``records``."""
    first_use: dict[str, tuple[str, int]] = {}
    for name, items in records.items():
        for row, rec in enumerate(items, start=1):
            if not _UUID.fullmatch(rec.id):
                add(row, "id", "is not a UUID (lower-case hex, 8-4-4-4-12)", name)
            if rec.id in first_use:
                where = first_use[rec.id]
                add(row, "id", f"duplicate id: already used by {where[0]} row {where[1]}", name)
            else:
                first_use[rec.id] = (name, row)
    _check_references(records, first_use, add, warnings)
    _check_cases(records, add)
    seen: dict[str, int] = {}
    for row, sc in enumerate(records.get("safe_contacts", ()), start=1):
        if sc.case_id in seen:
            add(
                row,
                "case_id",
                f"the case already has safe-contact arrangements (safe_contacts row "
                f"{seen[sc.case_id]}); a case has at most one",
                "safe_contacts",
            )
        seen.setdefault(sc.case_id, row)


def _check_references(
    records: Mapping[str, tuple[Any, ...]],
    first_use: dict[str, tuple[str, int]],
    add: AddError,
    warnings: list[str],
) -> None:
    ids = {name: {r.id for r in items} for name, items in records.items()}
    kinds = {c.id: c.kind for c in records.get("cases", ())}
    no_users = not records.get(USERS)
    unresolved_user_refs = 0
    for (section, fname), targets in REFERENCES.items():
        for row, rec in enumerate(records.get(section, ()), start=1):
            value = getattr(rec, fname)
            if value is None or (value == "" and fname == "author_id"):
                continue
            if targets == (USERS,) and no_users:
                unresolved_user_refs += 1
                continue
            found = value in first_use if targets == (ANY_RECORD,) else any(value in ids.get(t, ()) for t in targets)
            if not found:
                add(row, fname, f"refers to no record in {' or '.join(targets)} in this bundle", section)
                continue
            want = CASE_KIND_OF.get((section, fname))
            if want is not None and kinds.get(value) is not want:
                add(row, fname, f"must refer to a {want.value} case", section)
    if unresolved_user_refs:
        warnings.append(
            f"the bundle holds no users: {unresolved_user_refs} worker, assessor and author ids "
            "are not checked here and must name users already in the store"
        )


def _check_cases(records: Mapping[str, tuple[Any, ...]], add: AddError) -> None:
    people = {p.id: p for p in records.get("people", ())}
    references: dict[str, int] = {}
    for row, case in enumerate(records.get("cases", ()), start=1):
        key = case.reference.strip().casefold()
        if not key:
            add(row, "reference", "is empty; every case needs a reference", "cases")
        elif key in references:
            add(
                row,
                "reference",
                f"duplicate case reference: the same as cases row {references[key]}",
                "cases",
            )
        else:
            references[key] = row
        if case.status not in _STATUSES[case.kind]:
            allowed = ", ".join(sorted(_STATUSES[case.kind]))
            add(row, "status", f"is not a {case.kind.value} case status ({allowed})", "cases")
        subject = people.get(case.subject_id)
        role = _SUBJECT_ROLE[case.kind]
        if subject is not None and subject.role is not role:
            add(
                row,
                "subject_id",
                f"the subject of a {case.kind.value} case must be a person with role {role.value}",
                "cases",
            )
