"""Spreadsheet rows → victim-case records: the header, each cell, the rules between cells.

Used by :mod:`caseload.importing.spreadsheet` for CSV and XLSX alike. Row numbers are the spreadsheet's
(the header is row 1).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caseload.domain import model
from caseload.domain.enums import (
    AgeBand,
    CaseKind,
    ClosureReason,
    Ethnicity,
    PersonRole,
    ReferralSource,
    RiskLevel,
    Sex,
    VictimStatus,
)
from caseload.domain.ids import new_id
from caseload.importing import cells
from caseload.importing.codec import SECTIONS
from caseload.importing.errors import FILE_LEVEL, ImportPlan, RowError, safe_label

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_ERRORS = 1000
MAX_CHILDREN = 20
REFERENCE_MAX = 40
HEADER_ROW = 1

COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("case reference", "ref"),
    "first name": ("given name", "forename"),
    "last name": ("family name", "surname"),
    "date of birth": ("dob",),
    "sex": (),
    "age band": (),
    "ethnicity": (),
    "postcode": ("post code",),
    "phone": ("phone number", "telephone"),
    "referral date": ("date referred",),
    "referral source": ("source",),
    "worker": ("idva",),
    "risk level": ("risk",),
    "dash score": (),
    "dash date": (),
    "marac date": (),
    "status": (),
    "closed date": ("date closed",),
    "closure reason": (),
    "children": ("children (count)", "number of children"),
    "area": (),
    "notes": (),
}
"""Documented column name → other accepted spellings (headers are matched case-insensitively, trimmed)."""

_HEADER_NAMES = {n: canon for canon, alts in COLUMNS.items() for n in (canon, *alts)}
_SPACES = re.compile(r"\s+")
DASH_NOTE = (
    "DASH score imported as an intake outcome snapshot only: without the answers no DASH assessment "
    "was created"
)
LEGAL_HOLD_REASON = "deceased: Domestic Homicide Review"


class _TooMany(Exception):
    pass


@dataclass
class _Collect:
    """Errors and grouped warnings gathered while reading rows."""

    errors: list[RowError] = field(default_factory=list)
    notes: dict[str, list[int]] = field(default_factory=dict)

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(
                RowError(FILE_LEVEL, "", f"stopped after {MAX_ERRORS} errors; fix these first")
            )
            raise _TooMany

    def note(self, message: str, row: int) -> None:
        self.notes.setdefault(message, []).append(row)

    def warnings(self) -> list[str]:
        out = []
        for message, rows in self.notes.items():
            shown = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
            out.append(f"{'row' if len(rows) == 1 else 'rows'} {shown}: {message}")
        return out


class UnreadableFile(Exception):
    """The file stopped being readable part-way; the message is safe to show."""


def plan_from_rows(
    rows: Iterable[Sequence[object]], *, id_factory: Callable[[], str] = new_id, warnings: Sequence[str] = ()
) -> ImportPlan:
    """Turn spreadsheet rows (the first is the header) into an ImportPlan."""
    out = _Collect()
    records: dict[str, list[Any]] = {name: [] for name in SECTIONS}
    workers: dict[str, str] = {}
    try:
        iterator = iter(rows)
        header = next(iterator, None)
        columns = _read_header(header, out) if header is not None else None
        if header is None:
            out.error(HEADER_ROW, "", "the file is empty: there is no header row")
        elif columns is not None:
            seen: dict[str, int] = {}
            count = 0
            for rownum, row in enumerate(iterator, start=HEADER_ROW + 1):
                values = {col: row[i] if i < len(row) else None for col, i in columns.items()}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                    continue
                count += 1
                if count > MAX_ROWS:
                    out.error(rownum, "", f"more than {MAX_ROWS:,} case rows; split the file")
                    break
                _read_row(rownum, values, out, records, workers, seen, id_factory)
            if count == 0 and not out.errors:
                out.error(HEADER_ROW + 1, "", "there are no case rows below the header")
    except _TooMany:
        pass
    except UnreadableFile as exc:
        out.errors.append(RowError(FILE_LEVEL, "", str(exc)))
    return ImportPlan(
        records={name: tuple(items) for name, items in records.items()},
        errors=tuple(out.errors),
        warnings=(*warnings, *out.warnings()),
        worker_names=workers,
    )


def _read_header(header: Sequence[object], out: _Collect) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for i, cell in enumerate(header):
        name = _SPACES.sub(" ", str(cell)).strip() if cell is not None else ""
        if not name:
            continue
        canon = _HEADER_NAMES.get(name.casefold())
        if canon is None:
            ignored.append(safe_label(name))
        elif canon in columns:
            out.error(
                HEADER_ROW,
                canon,
                f"appears twice in the header (columns "
                f"{cells.column_letter(columns[canon])} and {cells.column_letter(i)})",
            )
        else:
            columns[canon] = i
    if len(columns) + len(ignored) > MAX_COLUMNS:
        out.error(HEADER_ROW, "", f"more than {MAX_COLUMNS} columns")
        return None
    missing = [c for c in ("reference", "referral date") if c not in columns]
    if "first name" not in columns and "last name" not in columns:
        missing.insert(1, "first name or last name")
    if missing:
        out.error(
            HEADER_ROW,
            "",
            f"the header row lacks required columns: {'; '.join(missing)} (found: "
            f"{', '.join(columns) or 'none of the documented columns'})",
        )
        return None
    if ignored:
        out.notes.setdefault(f"ignored columns (not recognised): {', '.join(ignored)}", []).append(HEADER_ROW)
    return None if out.errors else columns


class _Row:
    """One data row: each getter records an error for its column and returns a neutral value on failure."""

    def __init__(self, rownum: int, values: dict[str, object], out: _Collect) -> None:
        self.rownum, self.values, self.out = rownum, values, out
        self.failed: set[str] = set()

    def get(self, column: str, read: Callable[[object], Any], default: Any = None) -> Any:
        try:
            value = read(self.values.get(column))
        except ValueError as exc:
            self.fail(column, str(exc))
            return default
        return default if value is None else value

    def fail(self, column: str, reason: str) -> None:
        self.failed.add(column)
        self.out.error(self.rownum, column, reason)


def _choice(table: dict[str, Any], what: str) -> Callable[[object], Any]:
    return lambda v: cells.as_choice(v, table, what)


def _read_row(
    rownum: int,
    values: dict[str, object],
    out: _Collect,
    records: dict[str, list[Any]],
    workers: dict[str, str],
    seen: dict[str, int],
    id_factory: Callable[[], str],
) -> None:
    r = _Row(rownum, values, out)
    reference = r.get("reference", cells.as_text, "")
    first, last = r.get("first name", cells.as_text, ""), r.get("last name", cells.as_text, "")
    referred: date | None = r.get("referral date", cells.as_date)
    born: date | None = r.get("date of birth", cells.as_date)
    sex = r.get("sex", _choice(cells.SEX, "sex"), Sex.NOT_RECORDED)
    band = r.get("age band", _choice(cells.AGE_BAND, "age band"))
    ethnicity = r.get("ethnicity", cells.as_ethnicity)
    postcode = r.get("postcode", cells.as_text, "").upper()
    phone, phone_was_number = r.get("phone", cells.as_phone, ("", False))
    source = r.get("referral source", _choice(cells.SOURCE, "referral source"))
    worker = r.get("worker", cells.as_text, "")
    risk = r.get("risk level", _choice(cells.RISK, "risk level"))
    score = r.get("dash score", lambda v: cells.as_int(v, 0, 24))
    dash_on: date | None = r.get("dash date", cells.as_date)
    marac_on: date | None = r.get("marac date", cells.as_date)
    status = r.get("status", _choice(cells.STATUS, "victim case status"))
    closed_on: date | None = r.get("closed date", cells.as_date)
    reason = r.get("closure reason", _choice(cells.CLOSURE, "closure reason"))
    children = r.get("children", lambda v: cells.as_int(v, 0, MAX_CHILDREN), 0)
    area = r.get("area", cells.as_text, "")
    notes = r.get("notes", lambda v: cells.as_text(v, multiline=True), "")

    if not reference and "reference" not in r.failed:
        r.fail("reference", "is empty; every case needs a reference")
    elif len(reference) > REFERENCE_MAX:
        r.fail("reference", f"is longer than {REFERENCE_MAX} characters")
    elif reference:
        key = reference.casefold()
        if key in seen:
            r.fail("reference", f"duplicate case reference: the same as row {seen[key]}")
        else:
            seen[key] = rownum
    if not first and not last:
        r.fail("first name", "first name and last name are both empty; give at least one")
    if referred is None and "referral date" not in r.failed:
        r.fail("referral date", "is empty; every case needs a referral date")
    if referred is not None and born is not None:
        if born > referred:
            r.fail("date of birth", "is after the referral date")
        else:
            derived = cells.age_band_on(born, referred)
            if derived is None:
                r.fail(
                    "date of birth", "the person was under 16 at the referral date; victim cases are for 16+"
                )
            elif band is None:
                band = derived
            elif band not in (derived, AgeBand.NOT_RECORDED):
                out.note(
                    "the age band does not match the date of birth at referral; the age band was kept", rownum
                )
    if closed_on is not None and referred is not None and closed_on < referred:
        r.fail("closed date", "is before the referral date")
    if reason is not None and closed_on is None:
        r.fail("closure reason", "is given but there is no closed date")
    if status is VictimStatus.CLOSED and closed_on is None:
        r.fail("status", "is closed but there is no closed date")
    elif closed_on is not None and status not in (None, VictimStatus.CLOSED):
        r.fail("closed date", "is given but the status is not closed")
    if r.failed or referred is None:
        return

    if phone_was_number:
        out.note("phone was stored as a number in the spreadsheet, so a leading 0 may be missing", rownum)
    if postcode and not _POSTCODE.fullmatch(postcode):
        out.note("postcode does not look like a UK postcode; kept as written", rownum)
    if score is not None:
        band_risk = cells.risk_from_score(score)
        if risk is None:
            risk = band_risk
            out.note(
                "risk level was empty, so it was set from the DASH score (0-9 standard, 10-13 medium, "
                "14+ high)",
                rownum,
            )
        elif risk.rank < band_risk.rank:
            out.note(
                "risk level is lower than the DASH score's band; judgement may raise a level but not lower "
                "it — check these cases",
                rownum,
            )
        out.note(DASH_NOTE, rownum)
    elif dash_on is not None:
        out.note("dash date without a dash score was ignored", rownum)
    if not worker:
        out.note("no worker named: the caller must assign a worker to these cases", rownum)
    if source is None:
        out.note("referral source was empty, so it was recorded as other", rownum)

    person = model.Person(
        id=id_factory(),
        role=PersonRole.VICTIM,
        given_name=first,
        family_name=last,
        date_of_birth=born,
        age_band=band or AgeBand.NOT_RECORDED,
        sex=sex,
        ethnicity=ethnicity or Ethnicity.NOT_RECORDED,
        postcode=postcode,
        phone=phone,
    )
    source = source or ReferralSource.OTHER
    case = model.Case(
        id=id_factory(),
        reference=reference,
        kind=CaseKind.VICTIM,
        subject_id=person.id,
        worker_id="",
        status=(status or (VictimStatus.CLOSED if closed_on else VictimStatus.REFERRED)).value,
        opened_on=referred,
        referral_source=source,
        area=area,
        risk_level=risk or RiskLevel.STANDARD,
        closed_on=closed_on,
        closure_reason=reason,
        legal_hold=reason is ClosureReason.DECEASED,
        legal_hold_reason=LEGAL_HOLD_REASON if reason is ClosureReason.DECEASED else "",
    )
    if reason is ClosureReason.DECEASED:
        out.note("closed as deceased: a legal hold (Domestic Homicide Review) was placed on the case", rownum)
    records["people"].append(person)
    records["cases"].append(case)
    records["referrals"].append(
        model.Referral(id=id_factory(), case_id=case.id, received_on=referred, source=source, reason=notes)
    )
    if worker:
        workers[case.id] = worker
    if children:
        default_band = next(f.default for f in dataclasses.fields(model.Child) if f.name == "age_band")
        records["children"].extend(
            model.Child(id=id_factory(), case_id=case.id, given_name="") for _ in range(children)
        )
        out.note(
            f"placeholder children created from the children count, with no name and age band "
            f"{default_band.value}: complete them on each case",
            rownum,
        )
    if score is not None:
        records["outcomes"].append(
            model.OutcomeSnapshot(
                id=id_factory(),
                case_id=case.id,
                taken_on=dash_on or referred,
                stage="intake",
                risk_level=case.risk_level,
                dash_score=score,
            )
        )
    if marac_on is not None:
        records["marac_listings"].append(
            model.MaracListing(id=id_factory(), case_id=case.id, meeting_on=marac_on)
        )


_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")
