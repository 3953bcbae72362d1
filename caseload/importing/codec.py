"""Domain records ⇄ JSON values, driven by each record's dataclass fields and type hints.

Supported field types: ``str``, ``int`` (64-bit), ``bool``, ``date`` (ISO ``YYYY-MM-DD``), ``datetime`` (ISO
with a UTC offset; normalised to UTC), ``StrEnum`` (its value), ``tuple[X, ...]`` of those, and ``X | None``.
Decoding is strict: unknown keys, wrong JSON types, bad enum values, naive datetimes, NULs and lone
surrogates are refused with a :class:`CodecError` naming every field at fault. Fields with a default may be
left out (older bundles); fields without one are required.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from caseload.domain import drive, model
from caseload.domain.levels import LEVEL_KEY, Level
from caseload.importing.errors import CodecError, safe_label

SECTIONS: dict[str, type] = {
    "users": model.User,
    "people": model.Person,
    "cases": model.Case,
    "parties": model.Party,
    "children": model.Child,
    "referrals": model.Referral,
    "links": model.CaseLink,
    "incidents": model.Incident,
    "dash": model.DashAssessment,
    "marac_referrals": model.MaracReferral,
    "marac_listings": model.MaracListing,
    "plans": model.SafetyPlan,
    "plan_items": model.SafetyPlanItem,
    "orders": model.ProtectiveOrder,
    "breaches": model.OrderBreach,
    "milestones": model.CjsMilestone,
    "contacts": model.Contact,
    "safe_contacts": model.SafeContact,
    "updates": model.VictimUpdate,
    "drive_info": model.DriveInfo,
    "outcomes": model.OutcomeSnapshot,
    "drive_referrals": drive.DriveReferral,
    "interventions": drive.InterventionAction,
    "sessions": drive.DriveSession,
    "behaviour_reviews": drive.BehaviourReview,
}
"""Record list name → record type, in insertion order (users and people before the cases that name them)."""


def empty_records() -> dict[str, tuple[Any, ...]]:
    """Every record list, empty, in insertion order."""
    return {name: () for name in SECTIONS}


SECTION_OF: dict[type, str] = {t: name for name, t in SECTIONS.items()}

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KINDS = {str: "str", int: "int", bool: "bool", date: "date", datetime: "datetime"}


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """The JSON shape of one field type: ``kind`` is str, int, bool, date, datetime, enum or tuple."""

    kind: str
    optional: bool = False
    enum_type: type[enum.StrEnum] | None = None
    item: TypeSpec | None = None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One record field: name, JSON shape, whether a bundle must give it, sensitivity level."""

    name: str
    spec: TypeSpec
    required: bool
    level: Level


def type_spec(hint: Any) -> TypeSpec:
    """Describe a field's type hint; raises TypeError for a type the codec does not support."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        inner = [a for a in args if a is not type(None)]
        if len(args) != 2 or len(inner) != 1:
            raise TypeError(f"unsupported union {hint!r}")
        return dataclasses.replace(type_spec(inner[0]), optional=True)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"only tuple[X, ...] is supported, not {hint!r}")
        item = type_spec(args[0])
        if item.kind == "tuple" or item.optional:
            raise TypeError(f"unsupported tuple item in {hint!r}")
        return TypeSpec("tuple", item=item)
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        return TypeSpec("enum", enum_type=hint)
    if hint in _KINDS:
        return TypeSpec(_KINDS[hint])
    raise TypeError(f"unsupported field type {hint!r}")


@cache
def field_specs(record_type: type) -> tuple[FieldSpec, ...]:
    """The fields of a record dataclass, with their JSON shapes (cached per type)."""
    hints = typing.get_type_hints(record_type)
    out = []
    for f in dataclasses.fields(record_type):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append(FieldSpec(f.name, type_spec(hints[f.name]), required, Level(f.metadata[LEVEL_KEY])))
    return tuple(out)


def bad_char_reason(text: str) -> str | None:
    """Why a string cannot be stored (a NUL or a lone surrogate), or None when it is fine."""
    found = _BAD_CHAR.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which cannot be stored"
    return "contains a lone surrogate (an unpaired \\ud800–\\udfff escape), which is not valid text"


# --- encoding -------------------------------------------------------------------------------------------


def _encode(spec: TypeSpec, value: Any) -> Any:
    if value is None:
        if spec.optional:
            return None
        raise ValueError("is None but the field is not optional")
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str):
            raise ValueError("expected text")
        reason = bad_char_reason(value)
        if reason:
            raise ValueError(reason)
        return value
    if kind == "enum":
        assert spec.enum_type is not None
        if not isinstance(value, spec.enum_type):
            raise ValueError(f"expected a {spec.enum_type.__name__}")
        return value.value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not INT_MIN <= value <= INT_MAX:
            raise ValueError("expected a 64-bit whole number")
        return value
    if kind == "datetime":
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError("expected a timezone-aware datetime")
        return value.astimezone(UTC).isoformat()
    if kind == "date":
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValueError("expected a date")
        return value.isoformat()
    assert spec.item is not None
    if not isinstance(value, tuple):
        raise ValueError("expected a tuple")
    return [_encode(spec.item, v) for v in value]


def record_to_json(rec: Any) -> dict[str, Any]:
    """Encode a domain record as a JSON-ready dict (every field, enums by value, dates ISO, datetimes UTC)."""
    if type(rec) not in SECTION_OF:
        raise CodecError("", f"{type(rec).__name__} is not a caseload record type")
    out: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    rtype: type = type(rec)
    for fs in field_specs(rtype):
        try:
            out[fs.name] = _encode(fs.spec, getattr(rec, fs.name))
        except ValueError as exc:
            problems.append((fs.name, str(exc)))
    if problems:
        raise CodecError(*problems[0], more=problems[1:])
    return out


# --- decoding -------------------------------------------------------------------------------------------


def _decode(spec: TypeSpec, raw: Any) -> Any:
    if raw is None:
        if spec.optional:
            return None
        raise ValueError("must not be null")
    kind = spec.kind
    if kind == "str":
        if not isinstance(raw, str):
            raise ValueError("expected a JSON string")
        reason = bad_char_reason(raw)
        if reason:
            raise ValueError(reason)
        return raw
    if kind == "enum":
        assert spec.enum_type is not None
        if isinstance(raw, str):
            try:
                return spec.enum_type(raw)
            except ValueError:
                pass
        allowed = ", ".join(m.value for m in spec.enum_type)
        raise ValueError(f"is not one of the allowed values ({allowed})")
    if kind == "bool":
        if not isinstance(raw, bool):
            raise ValueError("expected true or false")
        return raw
    if kind == "int":
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError("expected a whole number")
        if not INT_MIN <= raw <= INT_MAX:
            raise ValueError("is outside the 64-bit range")
        return raw
    if kind == "date":
        if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
            raise ValueError("expected a date as YYYY-MM-DD")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError("is not a real calendar date") from None
    if kind == "datetime":
        if not isinstance(raw, str):
            raise ValueError("expected a date-time string such as 2026-03-10T09:30:00+00:00")
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError("expected an ISO date-time such as 2026-03-10T09:30:00+00:00") from None
        if parsed.utcoffset() is None:
            raise ValueError("must include a UTC offset (such as +00:00 or Z)")
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValueError("is outside the supported date range") from None
    assert spec.item is not None
    if not isinstance(raw, list):
        raise ValueError("expected a JSON array")
    items = []
    for i, v in enumerate(raw, start=1):
        try:
            items.append(_decode(spec.item, v))
        except ValueError as exc:
            raise ValueError(f"item {i} {exc}") from None
    return tuple(items)


def record_from_json(record_type: type, data: Any) -> Any:
    """Decode one record; raises :class:`CodecError` listing every field at fault."""
    if record_type not in SECTION_OF:
        raise CodecError("", f"{record_type.__name__} is not a caseload record type")
    if not isinstance(data, dict):
        raise CodecError("", "expected a JSON object")
    specs = field_specs(record_type)
    names = {fs.name for fs in specs}
    problems = [(safe_label(str(k)), "unknown field") for k in data if k not in names]
    kwargs: dict[str, Any] = {}
    for fs in specs:
        if fs.name not in data:
            if fs.required:
                problems.append((fs.name, "is missing (required)"))
            continue
        try:
            kwargs[fs.name] = _decode(fs.spec, data[fs.name])
        except ValueError as exc:
            problems.append((fs.name, str(exc)))
    if problems:
        raise CodecError(*problems[0], more=problems[1:])
    return record_type(**kwargs)


# --- JSON Schema fragments --------------------------------------------------------------------------------

UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _schema_for(spec: TypeSpec) -> dict[str, Any]:
    if spec.kind == "tuple":
        assert spec.item is not None
        out: dict[str, Any] = {"type": "array", "items": _schema_for(spec.item)}
    elif spec.kind == "enum":
        assert spec.enum_type is not None
        out = {"type": "string", "enum": [m.value for m in spec.enum_type]}
    elif spec.kind == "int":
        out = {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}
    elif spec.kind == "bool":
        out = {"type": "boolean"}
    elif spec.kind == "date":
        out = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    elif spec.kind == "datetime":
        out = {"type": "string", "format": "date-time"}
    else:
        out = {"type": "string"}
    if spec.optional:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def record_schema(record_type: type, extra: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """JSON Schema (2020-12) of one record type; ``extra`` adds keywords to named fields."""
    props: dict[str, Any] = {}
    for fs in field_specs(record_type):
        prop = {**_schema_for(fs.spec), **(extra or {}).get(fs.name, {})}
        prop["x-sensitivity-level"] = fs.level.value
        props[fs.name] = prop
    return {
        "title": record_type.__name__,
        "type": "object",
        "additionalProperties": False,
        "required": [fs.name for fs in field_specs(record_type) if fs.required],
        "properties": props,
    }


def describe_type(spec: TypeSpec) -> str:
    """Short human description of a field type, for the documentation table."""
    if spec.kind == "tuple":
        assert spec.item is not None
        text = f"list of {describe_type(spec.item)}"
    elif spec.kind == "enum":
        assert spec.enum_type is not None
        text = "one of " + " / ".join(f"`{m.value}`" for m in spec.enum_type)
    else:
        text = {
            "str": "text",
            "int": "integer",
            "bool": "true/false",
            "date": "date (YYYY-MM-DD)",
            "datetime": "date-time with offset (UTC)",
        }[spec.kind]
    return f"{text} or null" if spec.optional else text
