"""Build a valid record of any type, with canary strings in its level-3 and F text fields."""

from __future__ import annotations

import dataclasses
import enum
import typing
from datetime import UTC, date, datetime
from typing import Any

from caseload.domain.ids import new_id
from caseload.domain.levels import LEVEL_KEY, Level
from caseload.domain.model import RECORD_TYPES
from caseload.store.schema import _unwrap_optional


def _value(tp: Any, name: str, level: Level, canary: str | None) -> Any:
    tp, _ = _unwrap_optional(tp)
    secret = level in (Level.IDENTIFYING, Level.FIREWALL) and canary is not None
    if typing.get_origin(tp) is tuple:
        inner = typing.get_args(tp)[0]
        if inner is str:
            return (f"{canary}-{name}",) if secret else ("x",)
        return (_value(inner, name, Level.CATEGORICAL, None),)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    if tp is bool:
        return True
    if tp is int:
        return 1
    if tp is str:
        return f"{canary}-{name}" if secret else f"v-{name}"
    if tp is datetime:
        return datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    if tp is date:
        return date(2026, 11, 30)
    raise TypeError(tp)


def sample(record_type: type, canary: str | None = None, **overrides: Any) -> Any:
    """A record of ``record_type`` with every field set; level-3/F text holds ``canary``."""
    hints = typing.get_type_hints(record_type)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(record_type):
        if f.name in overrides:
            kwargs[f.name] = overrides[f.name]
        elif f.name == "id":
            kwargs[f.name] = new_id()
        elif f.name == "version":
            kwargs[f.name] = 1
        elif f.name == "answers":
            kwargs[f.name] = tuple(next(iter(hints[f.name].__args__[0])) for _ in range(24))
        else:
            kwargs[f.name] = _value(hints[f.name], f.name, Level(f.metadata[LEVEL_KEY]), canary)
    return record_type(**kwargs)


def one_of_each(canary: str) -> dict[type, Any]:
    """One linked record of every type (ids resolve to each other), with canaries."""
    ids = {rt: new_id() for rt in RECORD_TYPES}
    by_name = {rt.__name__: i for rt, i in ids.items()}
    links = {
        "case_id": by_name["Case"],
        "subject_id": by_name["Person"],
        "person_id": by_name["Person"],
        "victim_person_id": by_name["Person"],
        "perpetrator_case_id": by_name["Case"],
        "victim_case_id": by_name["Case"],
        "plan_id": by_name["SafetyPlan"],
        "order_id": by_name["ProtectiveOrder"],
        "worker_id": by_name["User"],
        "assessor_id": by_name["User"],
        "author_id": by_name["User"],
        "perpetrator_id": by_name["Person"],
        "dash_id": by_name["DashAssessment"],
        "referral_id": by_name["MaracReferral"],
        "listing_id": by_name["MaracListing"],
        "source_id": by_name["CjsMilestone"],
        "supersedes": None,
    }
    out: dict[type, Any] = {}
    for rt in RECORD_TYPES:
        names = {f.name for f in dataclasses.fields(rt)}
        overrides = {k: v for k, v in links.items() if k in names}
        out[rt] = sample(rt, canary, id=ids[rt], **overrides)
    return out
