"""What an import produces: the parsed records, or row-by-row reasons why they cannot be imported.

Messages never quote the value found in a cell or field (it may be a client's name pasted into the wrong
column); they name the row, the column or field and what was expected.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE_LEVEL = 0
"""``RowError.row`` for problems with the file as a whole (size, encoding, header, envelope)."""


class CodecError(ValueError):
    """A record could not be encoded to or decoded from JSON; ``problems`` lists (field, reason) pairs."""

    def __init__(self, field_name: str, reason: str, *, more: Sequence[tuple[str, str]] = ()) -> None:
        self.problems: tuple[tuple[str, str], ...] = ((field_name, reason), *more)
        super().__init__(f"{field_name}: {reason}" if field_name else reason)

    @property
    def field(self) -> str:
        """The first field at fault ("" when the record as a whole is at fault)."""
        return self.problems[0][0]

    @property
    def reason(self) -> str:
        """Why the first field is at fault."""
        return self.problems[0][1]


class BundleWriteError(ValueError):
    """``write_bundle`` got something it cannot write (unknown list, wrong record type, bad value)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason an import cannot go ahead.

    ``row`` is the 1-based index within its record list (bundle) or the spreadsheet row number (header row
    is 1); 0 means the file as a whole. ``column`` is the field or column name ("" for the whole row or
    file); ``section`` is the bundle's record list ("cases") and "" for spreadsheets and file-level errors.
    """

    row: int
    column: str
    reason: str
    section: str = ""

    def __str__(self) -> str:
        where = []
        if self.section:
            where.append(self.section)
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Everything parsed from one file, ready for the store to insert in one transaction.

    ``records`` maps each record list name (``"cases"``, ``"people"`` …, see
    :data:`caseload.importing.codec.SECTIONS`) to a tuple of frozen domain records, in the order the store
    should insert them. ``worker_names`` (spreadsheets only) maps a case id to the worker's name as written in
    the file: those cases carry ``worker_id == ""`` and the caller resolves each name to a user id (with
    ``dataclasses.replace``) before inserting. Insert nothing unless :attr:`ok`.
    """

    records: dict[str, tuple[Any, ...]]
    errors: tuple[RowError, ...] = ()
    warnings: tuple[str, ...] = ()
    worker_names: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is no error at all (warnings do not block an import)."""
        return not self.errors

    def count(self, section: str) -> int:
        """Number of records parsed for ``section``."""
        return len(self.records.get(section, ()))

    @classmethod
    def failed(cls, *errors: RowError, warnings: Sequence[str] = ()) -> ImportPlan:
        """A plan with every record list empty, for a file refused as a whole."""
        from caseload.importing.codec import empty_records  # codec imports this module

        return cls(records=empty_records(), errors=tuple(errors), warnings=tuple(warnings))


def megabytes(n: int) -> str:
    """``n`` bytes as megabytes for a message ("50 MB", "52.3 MB")."""
    mb = n / (1024 * 1024)
    return f"{mb:.0f} MB" if mb.is_integer() else f"{mb:.1f} MB" if mb >= 0.1 else f"{n:,} bytes"


def too_large(size: int, max_bytes: int) -> str:
    """The message for a file over the size limit."""
    return f"the file is larger than the {megabytes(max_bytes)} limit ({size:,} bytes), so it was not read"


def read_limited(path: Path, max_bytes: int) -> bytes | RowError:
    """The file's bytes, or the RowError saying why it cannot be read (missing, not a file, too large)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return RowError(FILE_LEVEL, "", "not a regular file")
        if info.st_size > max_bytes:
            return RowError(FILE_LEVEL, "", too_large(info.st_size, max_bytes))
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return RowError(FILE_LEVEL, "", f"cannot read the file ({exc.strerror or 'I/O error'})")
    if len(data) > max_bytes:
        return RowError(FILE_LEVEL, "", too_large(len(data), max_bytes))
    return data


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_ ()./-]{1,40}")


def safe_label(text: str) -> str:
    """A column or key name from the file, fit to quote in a message (else a placeholder)."""
    return text if _PLAIN_NAME.fullmatch(text) else "(a name with unusual characters)"
