"""Client-generated, time-ordered ids (UUIDv7, RFC 9562) and case references."""

from __future__ import annotations

import os
import time
import uuid


def new_id(now_ms: int | None = None, rand: bytes | None = None) -> str:
    """Return a UUIDv7 string: 48-bit Unix milliseconds, version 7, variant 10, 74 random bits."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    tail = os.urandom(10) if rand is None else rand
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (int.from_bytes(tail[:2], "big") & 0x0FFF) << 64
    value |= 0b10 << 62
    value |= int.from_bytes(tail[2:10], "big") & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def case_reference(kind_prefix: str, year: int, number: int) -> str:
    """Case reference such as ``C-2026-0412`` (victim) or ``P-2026-0091`` (perpetrator)."""
    return f"{kind_prefix}-{year}-{number:04d}"
