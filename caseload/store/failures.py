"""Wrong-passphrase attempts, counted outside the database until the next successful unlock audits them.

A wrong passphrase means the store cannot be opened, so the failure cannot go into the audit chain at once.
It is counted in ``unlock-failures.json`` beside the database (mode 0600; independent of keys.json, which is
only written when slots change): the count, the first and last time (UTC) and the slot named, if any — no
passphrase, nothing derived from one, no case data. The next successful unlock records one
``unlock.failed`` audit entry carrying those numbers, before its ``unlock.ok``, and removes the file.

Someone who can delete files in the store folder can delete the counter (they could delete the store too);
the audit records what the app saw.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from caseload.store.fileio import atomic_write_bytes

FILE_NAME = "unlock-failures.json"
MAX_USERS = 20


@dataclass(frozen=True, slots=True)
class Failures:
    """Wrong passphrases since the last successful unlock."""

    count: int
    first: str
    last: str
    users: tuple[str, ...] = ()

    def as_detail(self) -> dict[str, Any]:
        """The audit entry's detail."""
        return {"count": self.count, "first": self.first, "last": self.last, "users": list(self.users)}


def path_in(store_dir: Path) -> Path:
    """Where the counter lives."""
    return store_dir / FILE_NAME


def read(store_dir: Path) -> Failures | None:
    """The pending failures, or None (an unreadable counter reads as one failure, never as none)."""
    p = path_in(store_dir)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return Failures(1, "", "", ("(counter unreadable)",))
    try:
        doc = json.loads(raw.decode("utf-8"))
        users = tuple(str(u) for u in doc.get("users", ()))[:MAX_USERS]
        return Failures(int(doc["count"]), str(doc["first"]), str(doc["last"]), users)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return Failures(1, "", "", ("(counter damaged)",))


def record(store_dir: Path, user: str | None) -> None:
    """Count one wrong passphrase (best effort: a read-only folder must not hide the real error)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    old = read(store_dir)
    users = list(old.users) if old else []
    if user and user not in users and len(users) < MAX_USERS:
        users.append(user)
    doc = {
        "count": (old.count if old else 0) + 1,
        "first": old.first if old and old.first else now,
        "last": now,
        "users": users,
    }
    with contextlib.suppress(OSError):
        atomic_write_bytes(path_in(store_dir), json.dumps(doc).encode())


def clear(store_dir: Path) -> None:
    """Remove the counter once its failures are in the audit chain."""
    with contextlib.suppress(FileNotFoundError):
        path_in(store_dir).unlink()
