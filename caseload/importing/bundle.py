"""The JSON bundle: a versioned file holding records of every type, written atomically, read strictly.

``read_bundle`` validates everything before the caller inserts anything: size, encoding, nesting depth, JSON
syntax, envelope and version, the JSON Schema, each record through the codec, then integrity inside the
bundle (ids unique, references resolve, case references unique). It never raises for a bad file: every
problem becomes a :class:`RowError` in the returned :class:`ImportPlan`.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from caseload.domain.enums import DriveStatus, VictimStatus
from caseload.importing.codec import (
    SECTIONS,
    UUID_PATTERN,
    describe_type,
    empty_records,
    field_specs,
    record_from_json,
    record_schema,
    record_to_json,
)
from caseload.importing.errors import (
    FILE_LEVEL,
    BundleWriteError,
    CodecError,
    ImportPlan,
    RowError,
    read_limited,
    safe_label,
)
from caseload.importing.integrity import check_integrity

FORMAT = "caseload-bundle"
VERSION = 1
MAX_BYTES = 256 * 1024 * 1024
"""Bundles carry whole caseloads: 10,000 cases with 300,000 contacts come to about 110 MB."""
MAX_DEPTH = 32
MAX_ERRORS = 1000
SCHEMA_FILE = Path(__file__).with_name("bundle.schema.json")

_EXTRA = {"cases": {"status": {"enum": sorted({*VictimStatus, *DriveStatus})}}}
_UTF16_32_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")


def bundle_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a version-1 bundle, generated from the record dataclasses."""
    defs = {}
    for name, rtype in SECTIONS.items():
        schema = record_schema(rtype, _EXTRA.get(name))
        schema["properties"]["id"]["pattern"] = UUID_PATTERN
        defs[rtype.__name__] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:caseload:bundle:1",
        "title": "caseload bundle, version 1",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "version", "generated", "records"],
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "generated": {"type": "string", "format": "date-time"},
            "records": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    name: {"type": "array", "items": {"$ref": f"#/$defs/{rtype.__name__}"}}
                    for name, rtype in SECTIONS.items()
                },
            },
        },
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as committed in ``bundle.schema.json`` (stable formatting)."""
    return json.dumps(bundle_schema(), indent=2, ensure_ascii=False) + "\n"


@cache
def _envelope_validator() -> Any:
    """Validator for the envelope only: record lists must be arrays.

    The full schema is the published contract; each record is then checked by the codec, which enforces the
    same rules (both are generated from the dataclasses) far faster than jsonschema: measured on 300,000
    contacts, jsonschema alone took 24 s, the codec 4 s.
    """
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    for entry in schema["properties"]["records"]["properties"].values():
        del entry["items"]
    del schema["$defs"]
    return jsonschema.Draft202012Validator(schema)


# --- writing --------------------------------------------------------------------------------------------


def write_bundle(
    records: Mapping[str, Iterable[Any]], path: Path | str, *, generated: datetime | None = None
) -> dict[str, int]:
    """Write ``records`` (list name → records) to ``path`` atomically (temp file, fsync, rename, 0600).

    Records are encoded one at a time, one per line, so lists can be generators. Every list is written
    (empty when absent). Returns the number of records written per list. Raises :class:`BundleWriteError`
    for an unknown list name, a record of the wrong type or a value that cannot be encoded; ``OSError`` for
    I/O failures. On any failure the destination is untouched and no temp file is left behind.
    """
    target = Path(path)
    unknown = [name for name in records if name not in SECTIONS]
    if unknown:
        raise BundleWriteError(f"unknown record lists: {', '.join(sorted(map(str, unknown)))}")
    when = generated or datetime.now(UTC)
    if when.utcoffset() is None:
        raise BundleWriteError("generated must be timezone-aware")
    head = {"format": FORMAT, "version": VERSION, "generated": when.astimezone(UTC).isoformat()}
    counts: dict[str, int] = {}
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            fh.write(json.dumps(head, indent=2)[:-2].encode() + b',\n  "records": {')
            for s, (name, rtype) in enumerate(SECTIONS.items()):
                fh.write(f'{"," if s else ""}\n    "{name}": ['.encode())
                n = 0
                for n, rec in enumerate(records.get(name, ()), start=1):
                    if type(rec) is not rtype:
                        raise BundleWriteError(f"{name} item {n}: expected {rtype.__name__}")
                    try:
                        obj = record_to_json(rec)
                    except CodecError as exc:
                        raise BundleWriteError(f"{name} item {n}: {exc}") from None
                    line = json.dumps(obj, ensure_ascii=False)
                    fh.write(f"{',' if n > 1 else ''}\n      {line}".encode())
                counts[name] = n
                fh.write(b"\n    ]" if n else b"]")
            fh.write(b"\n  }\n}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)
    return counts


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


# --- reading --------------------------------------------------------------------------------------------


class _TooMany(Exception):
    """Raised inside the reader when MAX_ERRORS is reached."""


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, column: str, reason: str, section: str = "") -> None:
        self.items.append(RowError(row, column, reason, section))
        if len(self.items) >= MAX_ERRORS:
            self.items.append(RowError(FILE_LEVEL, "", f"stopped after {MAX_ERRORS} errors; fix these first"))
            raise _TooMany


def read_bundle(path: Path | str, *, max_bytes: int = MAX_BYTES) -> ImportPlan:
    """Read and validate a bundle file; every problem is a RowError in the plan, never an exception."""
    data = read_limited(Path(path), max_bytes)
    if isinstance(data, RowError):
        return ImportPlan.failed(data)
    return parse_bundle_bytes(data)


def _decode_text(data: bytes) -> tuple[str | None, RowError | None, list[str]]:
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        warnings.append("the file starts with a UTF-8 byte order mark (BOM); it was ignored")
    elif data.startswith(_UTF16_32_BOMS):
        return (
            None,
            RowError(FILE_LEVEL, "", "the file is UTF-16 or UTF-32; a bundle must be UTF-8"),
            warnings,
        )
    if b"\x00" in data:
        return (
            None,
            RowError(
                FILE_LEVEL,
                "",
                "the file contains NUL bytes: it is not a UTF-8 JSON bundle (UTF-16, or binary?)",
            ),
            warnings,
        )
    try:
        return data.decode("utf-8"), None, warnings
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return (
            None,
            RowError(
                FILE_LEVEL,
                "",
                f"the file is not valid UTF-8 at line {line}, column {col} (byte {exc.start + 1}); "
                "a bundle must be UTF-8",
            ),
            warnings,
        )


def _too_deep(doc: Any) -> bool:
    """True when ``doc`` nests containers more than MAX_DEPTH levels (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        obj, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        for child in obj.values() if isinstance(obj, dict) else obj:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


class _BadConstant(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _BadConstant(name)


def parse_bundle_bytes(data: bytes) -> ImportPlan:
    """Validate a bundle given as bytes (see :func:`read_bundle`); never raises for bad input."""
    text, error, warnings = _decode_text(data)
    if text is None:
        return ImportPlan.failed(error or RowError(FILE_LEVEL, "", "unreadable"), warnings=warnings)
    duplicates: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            twice = []
            for key, _ in items:
                if key in seen:
                    twice.append(key)
                seen.add(key)
            duplicates[id(obj)] = twice
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        return ImportPlan.failed(RowError(FILE_LEVEL, "", reason), warnings=warnings)
    except _BadConstant:
        reason = "not valid JSON: NaN and Infinity are not JSON numbers"
        return ImportPlan.failed(RowError(FILE_LEVEL, "", reason), warnings=warnings)
    except RecursionError:
        reason = f"the JSON is nested more than {MAX_DEPTH} levels deep"
        return ImportPlan.failed(RowError(FILE_LEVEL, "", reason), warnings=warnings)
    except ValueError:
        reason = "not valid JSON: a number has too many digits"
        return ImportPlan.failed(RowError(FILE_LEVEL, "", reason), warnings=warnings)
    if isinstance(doc, dict | list) and _too_deep(doc):
        reason = f"the JSON is nested more than {MAX_DEPTH} levels deep"
        return ImportPlan.failed(RowError(FILE_LEVEL, "", reason), warnings=warnings)
    errors = _Errors()
    records = empty_records()
    try:
        if _check_envelope(doc, duplicates, errors):
            records = _read_records(doc["records"], duplicates, errors, warnings)
            if not errors.items:
                check_integrity(records, errors.add, warnings)
    except _TooMany:
        pass
    return ImportPlan(records=records, errors=tuple(errors.items), warnings=tuple(warnings))


def _check_envelope(doc: Any, duplicates: dict[int, list[str]], errors: _Errors) -> bool:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        errors.add(
            FILE_LEVEL, "format", f'not a caseload bundle (expected an object with "format": "{FORMAT}")'
        )
        return False
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.add(FILE_LEVEL, "version", "the bundle version must be a whole number from 1")
        return False
    if version > VERSION:
        errors.add(
            FILE_LEVEL,
            "version",
            f"this bundle is version {version}; this caseload reads version "
            f"{VERSION} only — update caseload to import it",
        )
        return False
    if id(doc) in duplicates:
        errors.add(FILE_LEVEL, "", "a key appears twice in the bundle envelope")
    if isinstance(doc.get("records"), dict) and id(doc["records"]) in duplicates:
        errors.add(FILE_LEVEL, "records", "a record list appears twice")
    for err in sorted(
        _envelope_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        path = list(err.absolute_path)
        if len(path) >= 3 and path[0] == "records" and isinstance(path[2], int):
            column = str(path[3]) if len(path) > 3 else ""
            for col, reason in _schema_reasons(err, column):
                errors.add(path[2] + 1, col, reason, str(path[1]))
        else:
            for col, reason in _schema_reasons(err, ".".join(map(str, path))):
                errors.add(FILE_LEVEL, col, reason)
    if not errors.items:
        when = doc["generated"]
        try:
            ok = datetime.fromisoformat(when).utcoffset() is not None
        except ValueError:
            ok = False
        if not ok:
            errors.add(FILE_LEVEL, "generated", "expected an ISO date-time with a UTC offset")
    return not errors.items


_JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
    "array": "a list",
    "object": "an object",
    "number": "a number",
}


def _schema_reasons(err: Any, column: str) -> list[tuple[str, str]]:
    """Plain reasons for one schema error, never quoting the offending value."""
    kind, expected, schema = err.validator, err.validator_value, err.schema
    if kind == "required":
        return [(p, "is missing (required)") for p in expected if p not in err.instance]
    if kind == "additionalProperties":
        known = schema.get("properties", {})
        what = "unknown record list" if column == "records" else "unknown field"
        return [(safe_label(str(k)), what) for k in err.instance if k not in known]
    if kind == "type":
        types_ = [str(t) for t in (expected if isinstance(expected, list) else [expected])]
        return [(column, "expected " + " or ".join(_JSON_TYPES.get(t, t) for t in types_))]
    if kind == "enum":
        allowed = ", ".join(str(v) for v in expected if v is not None)
        return [(column, f"is not one of the allowed values ({allowed})")]
    if kind == "const":
        return [(column, f"must be {json.dumps(expected)}")]
    if kind == "pattern":
        return [(column, "is not a UUID" if expected == UUID_PATTERN else "expected a date as YYYY-MM-DD")]
    if kind in ("minimum", "maximum"):
        return [(column, "is outside the 64-bit range")]
    return [(column, f"does not match the bundle schema ({kind})")]


def _read_records(
    raw: dict[str, Any], duplicates: dict[int, list[str]], errors: _Errors, warnings: list[str]
) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for name, rtype in SECTIONS.items():
        items = []
        for row, obj in enumerate(raw.get(name, []), start=1):
            for key in duplicates.get(id(obj), ()):
                errors.add(
                    row,
                    key if key in {f.name for f in field_specs(rtype)} else "",
                    "a field appears twice in this record",
                    name,
                )
            try:
                items.append(record_from_json(rtype, obj))
            except CodecError as exc:
                for col, reason in exc.problems:
                    errors.add(row, col, reason, name)
        out[name] = tuple(items)
    return out


# --- documentation ----------------------------------------------------------------------------------------


def field_table_markdown() -> str:
    """Markdown tables of every record list's fields (type, required, sensitivity level), for the docs."""
    lines: list[str] = []
    for name, rtype in SECTIONS.items():
        lines += [
            f"#### `{name}` ({rtype.__name__})",
            "",
            "| field | type | required | level |",
            "|---|---|---|---|",
        ]
        for fs in field_specs(rtype):
            lines.append(
                f"| `{fs.name}` | {describe_type(fs.spec)} | {'yes' if fs.required else 'no'} | "
                f"{fs.level.value} |"
            )
        lines.append("")
    return "\n".join(lines)


def regenerate(doc: Path | None = None) -> None:
    """Rewrite ``bundle.schema.json`` and the generated field tables in ``doc`` (run after a model change)."""
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    if doc is not None:
        text = doc.read_text(encoding="utf-8")
        start, end = text.index(DOC_START) + len(DOC_START), text.index(DOC_END)
        doc.write_text(text[:start] + "\n" + field_table_markdown() + "\n" + text[end:], encoding="utf-8")


DOC_START = "<!-- fields:start -->"
DOC_END = "<!-- fields:end -->"


__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "MAX_DEPTH",
    "VERSION",
    "bundle_schema",
    "field_table_markdown",
    "parse_bundle_bytes",
    "read_bundle",
    "schema_text",
    "write_bundle",
]
