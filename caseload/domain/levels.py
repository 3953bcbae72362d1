"""Data sensitivity levels and the one helper every record field is declared through.

Level 1: categorical, aggregate-safe. Level 2: operational, pseudonymous. Level 3: identifying or special.
Level F: firewall (immigration status, NRPF, visa dependence) — victim-side roles only, never exported.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any


class Level(enum.StrEnum):
    """Sensitivity level of a stored field (architecture.md, 'Data sensitivity levels')."""

    CATEGORICAL = "1"
    OPERATIONAL = "2"
    IDENTIFYING = "3"
    FIREWALL = "F"


L1 = Level.CATEGORICAL
L2 = Level.OPERATIONAL
L3 = Level.IDENTIFYING
LF = Level.FIREWALL

LEVEL_KEY = "level"


def fld(level: Level, default: Any = dataclasses.MISSING, *, factory: Any = dataclasses.MISSING) -> Any:
    """Declare a record field with its sensitivity level recorded in the field metadata."""
    meta = {LEVEL_KEY: level}
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def level_of(record_type: type, name: str) -> Level:
    """Return the sensitivity level of field ``name`` on a record dataclass."""
    for f in dataclasses.fields(record_type):
        if f.name == name:
            return Level(f.metadata[LEVEL_KEY])
    raise KeyError(name)


def fields_at(record_type: type, *levels: Level) -> tuple[str, ...]:
    """Names of the fields of ``record_type`` whose level is one of ``levels``."""
    return tuple(f.name for f in dataclasses.fields(record_type) if f.metadata.get(LEVEL_KEY) in levels)
