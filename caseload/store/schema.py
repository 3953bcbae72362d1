"""Tables built from the domain records, so every column carries the sensitivity level of its field.

Values are stored as plain SQLite types: text for ids, dates (ISO 8601), UTC datetimes (ISO 8601 with
offset), enums (their value) and tuples (JSON); integers for ints and booleans. Converters between records
and rows live here, at the store boundary.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from caseload.domain.levels import LEVEL_KEY, Level
from caseload.domain.model import RECORD_KEYS, RECORD_TYPES

metadata = sa.MetaData()

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def column(name: str, type_: sa.types.TypeEngine[Any], level: Level, **kw: Any) -> sa.Column[Any]:
    """The one way to declare a column: its sensitivity level goes into ``info``."""
    return sa.Column(name, type_, info={LEVEL_KEY: level}, **kw)


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return tp, False


def _codec(tp: Any) -> tuple[sa.types.TypeEngine[Any], Encoder, Decoder]:
    """SQL type, encoder (record → row) and decoder (row → record) for one annotation."""
    if typing.get_origin(tp) is tuple:
        inner = typing.get_args(tp)[0]
        _, enc_inner, dec_inner = _codec(inner)
        loads = json.loads
        if dec_inner is _same:
            return sa.Text(), lambda v: json.dumps([enc_inner(x) for x in v]), lambda v: tuple(loads(v))
        return (
            sa.Text(),
            lambda v: json.dumps([enc_inner(x) for x in v]),
            lambda v: tuple(map(dec_inner, loads(v))),
        )
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = tp._value2member_map_
        return sa.Text(), lambda v: v.value, members.__getitem__
    if tp is bool:
        return sa.Boolean(), bool, bool
    if tp is int:
        return sa.Integer(), int, _same
    if tp is str:
        return sa.Text(), str, _same
    if tp is datetime:
        return sa.Text(), _encode_datetime, _decode_datetime
    if tp is date:
        return sa.Text(), lambda v: v.isoformat(), date.fromisoformat
    raise TypeError(f"no column type for {tp!r}")


def _same(value: Any) -> Any:
    """Pass-through decoder (SQLite already returns the right Python type)."""
    return value


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware (UTC in the store)")
    return value.astimezone(UTC).isoformat()


def _decode_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@dataclasses.dataclass(frozen=True)
class RecordTable:
    """A record type, its table and its converters."""

    record_type: type
    table: sa.Table
    encoders: dict[str, Encoder]
    decoders: dict[str, Decoder]
    versioned: bool
    from_tuple: Callable[[Sequence[Any]], Any]
    select_sql: str

    def to_row(self, record: Any) -> dict[str, Any]:
        """Encode a record as a row dict."""
        row: dict[str, Any] = {}
        for name, enc in self.encoders.items():
            value = getattr(record, name)
            row[name] = None if value is None else enc(value)
        return row

    def from_row(self, row: Any) -> Any:
        """Decode a row mapping into a record."""
        kwargs = {
            name: (None if row[name] is None else dec(row[name])) for name, dec in self.decoders.items()
        }
        return self.record_type(**kwargs)


def _tuple_decoder(record_type: type, decoders: list[Decoder], optional: list[bool]) -> Callable[..., Any]:
    """A decoder from a row tuple (columns in field order) to a record, built once per table.

    Generated from the field list so a row costs one call per converted column and nothing else; this is
    what makes loading 250,000 records for the due list fast enough.
    """
    parts = []
    for i, (dec, opt) in enumerate(zip(decoders, optional, strict=True)):
        if dec is _same:
            parts.append(f"r[{i}]")
        elif opt:
            parts.append(f"(None if r[{i}] is None else d{i}(r[{i}]))")
        else:
            parts.append(f"d{i}(r[{i}])")
    namespace: dict[str, Any] = {f"d{i}": d for i, d in enumerate(decoders)}
    namespace["cls"] = record_type
    source = f"def decode(r):\n    return cls({', '.join(parts)})\n"
    exec(compile(source, f"<decoder {record_type.__name__}>", "exec"), namespace)  # noqa: S102
    decode: Callable[..., Any] = namespace["decode"]
    return decode


def _build(record_type: type) -> RecordTable:
    hints = typing.get_type_hints(record_type)
    cols: list[sa.Column[Any]] = []
    encoders: dict[str, Encoder] = {}
    decoders: dict[str, Decoder] = {}
    optional_flags: list[bool] = []
    for f in dataclasses.fields(record_type):
        tp, optional = _unwrap_optional(hints[f.name])
        sql_type, enc, dec = _codec(tp)
        level = Level(f.metadata[LEVEL_KEY])
        cols.append(column(f.name, sql_type, level, primary_key=f.name == "id", nullable=optional))
        encoders[f.name] = enc
        decoders[f.name] = dec
        optional_flags.append(optional)
    name = RECORD_KEYS[record_type]
    table = sa.Table(name, metadata, *cols)
    return RecordTable(
        record_type,
        table,
        encoders,
        decoders,
        versioned="version" in encoders,
        from_tuple=_tuple_decoder(record_type, list(decoders.values()), optional_flags),
        select_sql=f"SELECT {', '.join(encoders)} FROM {name}",
    )


TABLES: dict[type, RecordTable] = {t: _build(t) for t in RECORD_TYPES}


def table_for(record_type: type) -> RecordTable:
    """The table of a record type."""
    return TABLES[record_type]


# Store-internal tables (not domain records).
settings_table = sa.Table(
    "settings",
    metadata,
    column("key", sa.Text(), Level.OPERATIONAL, primary_key=True),
    column("value", sa.Text(), Level.OPERATIONAL, nullable=False),
)

audit_table = sa.Table(
    "audit",
    metadata,
    column("seq", sa.Integer(), Level.OPERATIONAL, primary_key=True, autoincrement=False),
    column("at", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("actor", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("event", sa.Text(), Level.CATEGORICAL, nullable=False),
    column("case_id", sa.Text(), Level.OPERATIONAL, nullable=True),
    column("detail", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("mac", sa.Text(), Level.OPERATIONAL, nullable=False),
)

# A case shared with a user who is not its worker (see caseload.store.access). Added by migration 4.
shares_table = sa.Table(
    "case_shares",
    metadata,
    column("id", sa.Text(), Level.OPERATIONAL, primary_key=True),
    column("case_id", sa.Text(), Level.OPERATIONAL, nullable=False, index=True),
    column("user_id", sa.Text(), Level.OPERATIONAL, nullable=False, index=True),
    column("granted_by", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("granted_at", sa.Text(), Level.OPERATIONAL, nullable=False),
    sa.UniqueConstraint("case_id", "user_id", name="uq_case_shares_case_user"),
)

# Each case's due-list facts (caseload.domain.due_rules.DueFacts as JSON): dates, counts, categories and reasons
# built from them, never level-3 text. A cache: deleted by triggers whenever one of the case's records changes
# and rebuilt at the next due-list read (caseload.store.due_facts). Added by migration 7.
due_facts_table = sa.Table(
    "case_due_facts",
    metadata,
    column("case_id", sa.Text(), Level.OPERATIONAL, primary_key=True),
    column("stamp", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("facts", sa.Text(), Level.OPERATIONAL, nullable=False),
)

# Indexes for the typical queries.
_t = {rt.table.name: rt.table for rt in TABLES.values()}
for _name, _table in _t.items():
    if "case_id" in _table.c and _name != "contacts":
        sa.Index(f"ix_{_name}_case", _table.c.case_id)
_k = _t["contacts"].c
sa.Index("ix_contacts_case_at", _k.case_id, _k.at)
sa.Index("ix_contacts_success", _k.case_id, _k.kind, _k.outcome, _k.at)
sa.Index("ix_cases_worker", _t["cases"].c.worker_id, _t["cases"].c.closed_on)
sa.Index("ix_cases_reference", _t["cases"].c.reference, unique=True)
sa.Index(
    "ix_updates_open",
    _t["updates"].c.case_id,
    _t["updates"].c.due_on,
    sqlite_where=_t["updates"].c.told_on.is_(None),
)
sa.Index("ix_links_perp", _t["links"].c.perpetrator_case_id)
sa.Index("ix_links_victim", _t["links"].c.victim_case_id)
sa.Index("ix_plan_items_plan", _t["plan_items"].c.plan_id)
sa.Index("ix_breaches_order", _t["breaches"].c.order_id)
