"""Caseload spreadsheets (CSV / XLSX): good rows become records, every bad row gets a clear, located error."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload.domain.enums import (
    AgeBand,
    CaseKind,
    ClosureReason,
    Ethnicity,
    PersonRole,
    ReferralSource,
    RiskLevel,
    Sex,
)
from caseload.importing import caserows
from caseload.importing.errors import ImportPlan
from caseload.importing.spreadsheet import (
    DASH_NOTE,
    parse_csv_bytes,
    plan_from_rows,
    read_csv,
    read_spreadsheet,
    read_xlsx,
)

HEADER = [
    "Reference",
    "First name",
    "Last name",
    "Date of birth",
    "Sex",
    "Age band",
    "Ethnicity",
    "Postcode",
    "Phone",
    "Referral date",
    "Referral source",
    "Worker",
    "Risk level",
    "DASH score",
    "DASH date",
    "MARAC date",
    "Status",
    "Closed date",
    "Closure reason",
    "Children",
    "Area",
    "Notes",
]
GOOD = {
    "reference": "C-2026-0001",
    "first name": "Ann",
    "last name": "Ash",
    "date of birth": "01/05/1990",
    "sex": "F",
    "ethnicity": "White British",
    "postcode": "m1 1aa",
    "phone": "+44 7700 900123",
    "referral date": "2026-03-10",
    "referral source": "Police",
    "worker": "Jo  Bloggs",
    "risk level": "High",
    "dash score": "16",
    "dash date": "11/03/2026",
    "marac date": "2026-03-20",
    "status": "Active support",
    "children": "2",
    "area": "Manchester",
    "notes": "first line\r\nsecond",
}


def row(**over: Any) -> list[Any]:
    """A data row in HEADER order: GOOD values with overrides (keys use underscores for spaces)."""
    values = {**GOOD, **{k.replace("_", " "): v for k, v in over.items()}}
    return [values.get(h.lower(), "") for h in HEADER]


def counter() -> Any:
    n = itertools.count(1)
    return lambda: f"id-{next(n)}"


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode(encoding)


def write_csv(tmp_path: Path, rows: list[list[Any]], **kw: Any) -> Path:
    path = tmp_path / "caseload.csv"
    path.write_bytes(csv_bytes(rows, **kw))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[Any]], *, text_formulas: bool = False) -> Path:
    """Write rows to an .xlsx; ``text_formulas`` stores "=..." strings as text cells, not formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if text_formulas:
        for line in ws.iter_rows():
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
    path = tmp_path / "caseload.xlsx"
    wb.save(path)
    return path


def where(plan: ImportPlan) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in plan.errors}


def reasons(plan: ImportPlan) -> list[str]:
    return [str(e) for e in plan.errors]


# --- good rows ------------------------------------------------------------------------------------


def test_good_row_becomes_records(tmp_path: Path) -> None:
    plan = read_csv(write_csv(tmp_path, [HEADER, row()]), id_factory=counter())
    assert plan.ok, reasons(plan)
    (person,), (case,), (ref,) = plan.records["people"], plan.records["cases"], plan.records["referrals"]
    assert (person.role, person.given_name, person.family_name) == (PersonRole.VICTIM, "Ann", "Ash")
    assert (person.date_of_birth, person.age_band, person.sex) == (
        date(1990, 5, 1),
        AgeBand.B35_44,
        Sex.FEMALE,
    )
    assert (person.ethnicity, person.postcode, person.phone) == (Ethnicity.WHITE, "M1 1AA", "+44 7700 900123")
    assert (case.kind, case.reference, case.subject_id, case.worker_id) == (
        CaseKind.VICTIM,
        "C-2026-0001",
        person.id,
        "",
    )
    assert (case.status, case.opened_on, case.risk_level, case.area) == (
        "active_support",
        date(2026, 3, 10),
        RiskLevel.HIGH,
        "Manchester",
    )
    assert case.referral_source is ref.source is ReferralSource.POLICE
    assert (ref.case_id, ref.received_on, ref.reason) == (case.id, date(2026, 3, 10), "first line\nsecond")
    assert plan.worker_names == {case.id: "Jo Bloggs"}
    assert [c.given_name for c in plan.records["children"]] == ["", ""]
    (outcome,) = plan.records["outcomes"]
    assert (outcome.stage, outcome.dash_score, outcome.taken_on) == ("intake", 16, date(2026, 3, 11))
    assert plan.records["marac_listings"][0].meeting_on == date(2026, 3, 20)
    assert plan.records["dash"] == ()
    assert f"row 2: {DASH_NOTE}" in plan.warnings
    assert (
        "row 2: placeholder children created from the children count, with no name and age band 5-10: "
        "complete them on each case"
    ) in plan.warnings


def test_minimal_columns_and_defaults() -> None:
    plan = plan_from_rows([[" REFERENCE ", "surname", "Date Referred"], ["R1", "Ash", "10/03/2026"]])
    assert plan.ok, reasons(plan)
    (case,) = plan.records["cases"]
    assert (case.status, case.risk_level, case.referral_source) == (
        "referred",
        RiskLevel.STANDARD,
        ReferralSource.OTHER,
    )
    assert plan.records["people"][0].given_name == ""
    assert plan.worker_names == {}
    assert "row 2: no worker named: the caller must assign a worker to these cases" in plan.warnings


def test_xlsx_with_date_and_number_cells(tmp_path: Path) -> None:
    rows = [
        HEADER,
        row(
            date_of_birth=datetime(1990, 5, 1),
            referral_date=datetime(2026, 3, 10),
            dash_score=16,
            children=1.0,
            phone=7700900123,
            reference=1234,
        ),
        row(reference="C-2", referral_date="31/02/2026"),
    ]
    plan = read_xlsx(write_xlsx(tmp_path, rows), id_factory=counter())
    assert where(plan) == {(3, "referral date")}
    assert reasons(plan) == ["row 3, referral date: is not a real calendar date"]
    case = plan.records["cases"][0]
    assert (case.reference, case.opened_on) == ("1234", date(2026, 3, 10))
    assert plan.records["people"][0].phone == "7700900123"
    assert (
        "row 2: phone was stored as a number in the spreadsheet, so a leading 0 may be missing"
        in plan.warnings
    )
    assert read_spreadsheet(write_xlsx(tmp_path, rows)).count("cases") == 1


# --- bad rows -------------------------------------------------------------------------------------

MIXED = [
    HEADER,
    row(reference="C-1"),  # 2 good
    row(reference="C-2", referral_date="10/03/26"),  # 3 two-digit year
    row(reference="C-3", sex="Secret-Canary", phone="call 0770"),  # 4 two bad cells
    row(reference="C-4"),  # 5 good
    row(reference=""),  # 6 empty reference
    row(reference="c-1 "),  # 7 duplicate of row 2
    row(reference="C-5", notes='=HYPERLINK("http://x")'),  # 8 formula
    row(reference="C-6", first_name="", last_name=""),  # 9 no name
    row(reference="C-7", dash_score="25", children="lots"),  # 10 out of range, not a number
    row(reference="C-8", status="Closed"),  # 11 closed without date
    row(reference="C-9", closure_reason="declined"),  # 12 reason without date
    row(reference="C-10", date_of_birth="2015-01-01"),  # 13 under 16
    row(reference="C-11", closed_date="01/03/2026", status="closed"),  # 14 closed before referral
    ["", "", "", ""],  # 15 blank: skipped
    row(reference="C-12", referral_date=""),  # 16 no referral date
]
EXPECTED = {
    (3, "referral date"),
    (4, "sex"),
    (4, "phone"),
    (6, "reference"),
    (7, "reference"),
    (8, "notes"),
    (9, "first name"),
    (10, "dash score"),
    (10, "children"),
    (11, "status"),
    (12, "closure reason"),
    (13, "date of birth"),
    (14, "closed date"),
    (16, "referral date"),
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_mixed_rows_report_every_bad_row(tmp_path: Path, kind: str) -> None:
    path = write_csv(tmp_path, MIXED) if kind == "csv" else write_xlsx(tmp_path, MIXED, text_formulas=True)
    plan = read_spreadsheet(path)
    assert not plan.ok
    assert where(plan) == EXPECTED
    assert plan.count("cases") == 2
    text = reasons(plan)
    assert (
        "row 3, referral date: expected a date as YYYY-MM-DD or DD/MM/YYYY (4-digit year, day first)" in text
    )
    assert ("row 4, sex: is not a recognised sex (use one of: female, male, not_recorded)") in text
    assert "row 6, reference: is empty; every case needs a reference" in text
    assert "row 7, reference: duplicate case reference: the same as row 2" in text
    assert "row 9, first name: first name and last name are both empty; give at least one" in text
    assert "row 10, dash score: must be from 0 to 24" in text
    assert "row 11, status: is closed but there is no closed date" in text
    assert (
        "row 13, date of birth: the person was under 16 at the referral date; victim cases are for 16+"
        in text
    )
    assert "row 16, referral date: is empty; every case needs a referral date" in text
    assert not any("Canary" in t or "0770" in t for t in text)


@pytest.mark.parametrize("value", ["=1+2", "+SUM(A1)", "@SUM(A1)", "\t=cmd|' /C calc'!A0", " \r\n=x"])
def test_formula_prefixes_are_refused(value: str) -> None:
    plan = plan_from_rows([HEADER, row(notes=value)])
    first = value.strip()[0]
    assert reasons(plan) == [
        f"row 2, notes: starts with '{first}', which spreadsheets treat as a formula; "
        "formulas are refused on import (remove the leading character)"
    ]


def test_xlsx_formula_cells_are_read_as_their_cached_value(tmp_path: Path) -> None:
    # openpyxl writes "=..." as a formula with no cached value: data_only reads it as empty
    plan = read_xlsx(write_xlsx(tmp_path, [HEADER, row(notes='=HYPERLINK("http://x")')]))
    assert plan.ok and plan.records["referrals"][0].reason == ""
    plan = read_xlsx(write_xlsx(tmp_path, [HEADER, row(notes="=1+2")], text_formulas=True))
    assert where(plan) == {(2, "notes")}


def test_phone_may_start_with_plus_but_not_other_formulas() -> None:
    assert plan_from_rows([HEADER, row(phone="+44 (0)161 496 0000")]).ok
    assert plan_from_rows([HEADER, row(notes="- see referral form")]).ok
    for bad in ("=1", "@x"):
        assert where(plan_from_rows([HEADER, row(phone=bad)])) == {(2, "phone")}
    assert where(plan_from_rows([HEADER, row(area="+Manchester")])) == {(2, "area")}


def test_nul_and_lone_surrogate_cells(tmp_path: Path) -> None:
    plan = read_csv(write_csv(tmp_path, [HEADER, row(notes="a\x00b"), row(reference="C-2")]))
    assert reasons(plan) == ["row 2, notes: contains a NUL character (U+0000), which cannot be stored"]
    plan = plan_from_rows([HEADER, row(last_name="Ash\ud800")])
    assert reasons(plan) == [
        "row 2, last name: contains a lone surrogate (an unpaired \\ud800–\\udfff escape), "
        "which is not valid text"
    ]


def test_duplicate_references_name_the_first_row() -> None:
    plan = plan_from_rows(
        [HEADER, row(reference="A-1"), row(reference="B-1"), row(reference="a-1"), row(reference=" A-1 ")]
    )
    assert reasons(plan) == [
        "row 4, reference: duplicate case reference: the same as row 2",
        "row 5, reference: duplicate case reference: the same as row 2",
    ]


def test_missing_required_columns_is_one_error() -> None:
    plan = plan_from_rows([["Notes", "Sex", "Colour"], ["x", "f", "red"]])
    assert reasons(plan) == [
        "row 1: the header row lacks required columns: reference; first name or last name; "
        "referral date (found: notes, sex)"
    ]
    assert plan.records["cases"] == ()


def test_header_problems() -> None:
    plan = plan_from_rows([[*HEADER, "Colour", " ", "Favourite \x1b[31m"], row()])
    assert plan.ok
    assert (
        "row 1: ignored columns (not recognised): Colour, (a name with unusual characters)" in plan.warnings
    )
    plan = plan_from_rows(
        [["Reference", "Surname", "Referral date", "surname "], ["R", "A", "2026-01-01", "B"]]
    )
    assert reasons(plan) == ["row 1, last name: appears twice in the header (columns B and D)"]
    assert reasons(plan_from_rows([])) == ["row 1: the file is empty: there is no header row"]
    assert reasons(plan_from_rows([HEADER, ["", ""]])) == ["row 2: there are no case rows below the header"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-10", date(2026, 3, 10)),
        ("10/03/2026", date(2026, 3, 10)),
        ("1/3/2026", date(2026, 3, 1)),
        ("2026-03-10 00:00:00", date(2026, 3, 10)),
        (" 10/03/2026 ", date(2026, 3, 10)),
    ],
)
def test_accepted_dates(text: str, expected: date) -> None:
    plan = plan_from_rows([HEADER, row(referral_date=text, date_of_birth="", dash_date="")])
    assert plan.ok, reasons(plan)
    assert plan.records["cases"][0].opened_on == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10/03/26", "expected a date as YYYY-MM-DD or DD/MM/YYYY (4-digit year, day first)"),
        ("March 10 2026", "expected a date as YYYY-MM-DD or DD/MM/YYYY (4-digit year, day first)"),
        ("31/02/2026", "is not a real calendar date"),
        ("13/13/2026", "is not a real calendar date"),
        ("01/01/1850", "is not a plausible date (years 1900 to 2100)"),
    ],
)
def test_refused_dates(text: str, reason: str) -> None:
    assert reasons(plan_from_rows([HEADER, row(marac_date=text)])) == [f"row 2, marac date: {reason}"]


def test_closure_deceased_places_legal_hold() -> None:
    plan = plan_from_rows([HEADER, row(status="", closed_date="2026-04-01", closure_reason="Deceased")])
    assert plan.ok, reasons(plan)
    case = plan.records["cases"][0]
    assert (case.status, case.closed_on, case.closure_reason) == (
        "closed",
        date(2026, 4, 1),
        ClosureReason.DECEASED,
    )
    assert case.legal_hold and "Domestic Homicide Review" in case.legal_hold_reason
    plan = plan_from_rows([HEADER, row(status="active", closed_date="2026-04-01")])
    assert reasons(plan) == ["row 2, closed date: is given but the status is not closed"]


def test_risk_from_dash_score() -> None:
    plan = plan_from_rows(
        [
            HEADER,
            row(risk_level="", dash_score="11"),
            row(reference="C-2", risk_level="standard", dash_score="15"),
        ]
    )
    assert plan.ok
    assert [c.risk_level for c in plan.records["cases"]] == [RiskLevel.MEDIUM, RiskLevel.STANDARD]
    assert any(
        w.startswith("row 2: risk level was empty, so it was set from the DASH score") for w in plan.warnings
    )
    assert any(w.startswith("row 3: risk level is lower than the DASH score's band") for w in plan.warnings)
    assert f"rows 2, 3: {DASH_NOTE}" in plan.warnings


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Asian or Asian British: Indian", Ethnicity.ASIAN),
        ("White and Black Caribbean", Ethnicity.MIXED),
        ("Black", Ethnicity.BLACK),
        ("Other ethnic group: Arab", Ethnicity.OTHER),
        ("Any other White background", Ethnicity.WHITE),
        ("prefer not to say", Ethnicity.NOT_RECORDED),
        ("Mixed or Multiple ethnic groups", Ethnicity.MIXED),
    ],
)
def test_ethnicity_descriptions(text: str, group: Ethnicity) -> None:
    plan = plan_from_rows([HEADER, row(ethnicity=text)])
    assert plan.records["people"][0].ethnicity is group


# --- files ----------------------------------------------------------------------------------------


def test_bom_and_cp1252(tmp_path: Path) -> None:
    rows = [HEADER, row(first_name="Zoë", notes="paid £20 – receipt €")]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + csv_bytes(rows))
    plan = read_csv(bom)
    assert plan.ok and plan.records["people"][0].given_name == "Zoë"
    assert (
        plan.warnings[0]
        == "read as UTF-8 (the file starts with a byte order mark, as Excel 'CSV UTF-8' writes)"
    )
    plan = read_csv(write_csv(tmp_path, rows, encoding="cp1252"))
    assert plan.ok
    assert plan.records["referrals"][0].reason == "paid £20 – receipt €"
    assert plan.warnings[0].startswith("the file is not UTF-8, so it was read as Windows-1252 (cp1252)")
    assert reasons(parse_csv_bytes(b"Reference,\x81\x8d\xff\xfe")) == [
        "the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"
    ]
    assert reasons(parse_csv_bytes("Reference".encode("utf-16"))) == [
        "the file is UTF-16 (Excel 'Unicode Text'); save it as 'CSV UTF-8' and import that"
    ]


def test_mixed_newlines_and_semicolons() -> None:
    data = (
        csv_bytes([HEADER, row(notes="a\nb\r\nc")])
        + b"\n".join(csv_bytes([row(reference=f"X-{i}")]).rstrip(b"\r\n") for i in range(3))
        + b"\r"
    )
    plan = parse_csv_bytes(data)
    assert plan.ok, reasons(plan)
    assert plan.count("cases") == 4
    assert plan.records["referrals"][0].reason == "a\nb\nc"
    plan = parse_csv_bytes(csv_bytes([HEADER, row(reference="C-9", referral_date="bad")], delimiter=";"))
    assert reasons(plan) == [
        "row 2, referral date: expected a date as YYYY-MM-DD or DD/MM/YYYY (4-digit year, day first)"
    ]
    assert "columns are separated by semicolons" in plan.warnings


@pytest.mark.parametrize("name", ["big.csv", "big.xlsx"])
def test_file_over_50_mb_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    assert reasons(read_spreadsheet(path)) == [
        "the file is larger than the 50 MB limit (52,428,801 bytes), so it was not read"
    ]


def test_damaged_and_unsupported_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert reasons(read_spreadsheet(bad)) == [
        "not a valid .xlsx workbook (save it again from Excel, or as 'CSV UTF-8')"
    ]
    good = write_xlsx(tmp_path, [HEADER, row()])
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(good.read_bytes()[:-200])
    assert not read_spreadsheet(truncated).ok
    assert "old Excel .xls files are not supported" in reasons(read_spreadsheet(tmp_path / "old.xls"))[0]
    assert "cannot read the file" in reasons(read_csv(tmp_path / "missing.csv"))[0]
    assert reasons(read_csv(tmp_path)) == ["not a regular file"]


def test_csv_field_too_large_is_reported() -> None:
    data = csv_bytes([HEADER]) + b'"' + b"x" * 200_000 + b'"\r\n'
    assert reasons(parse_csv_bytes(data))[0].startswith(
        "the CSV cannot be read past line 2: field larger than"
    )


def test_error_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caserows, "MAX_ERRORS", 3)
    plan = plan_from_rows([HEADER, *[row(reference=f"R{i}", sex="?") for i in range(10)]])
    assert len(plan.errors) == 4 and str(plan.errors[-1]) == "stopped after 3 errors; fix these first"


# --- hostile input never raises -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=3000))
def test_random_bytes_never_raise(data: bytes) -> None:
    assert isinstance(parse_csv_bytes(data), ImportPlan)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.text(max_size=12),
                st.integers(),
                st.floats(),
                st.booleans(),
                st.dates(),
                st.datetimes(),
            ),
            max_size=24,
        ),
        max_size=6,
    )
)
def test_random_cells_never_raise(cells: list[list[Any]]) -> None:
    plan = plan_from_rows([HEADER, *cells])
    assert isinstance(plan, ImportPlan)
    assert plan.ok or plan.errors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=800), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_random_files_never_raise(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    assert isinstance(read_spreadsheet(path), ImportPlan)


def test_doc_lists_every_column_and_alias() -> None:
    from caseload.importing.spreadsheet import COLUMNS

    doc = (Path(__file__).resolve().parents[3] / "docs" / "import-format.md").read_text(encoding="utf-8")
    for name, aliases in COLUMNS.items():
        assert f"\n| {name} | {', '.join(aliases)}".rstrip() + " |" in doc, name
    assert [h.lower() for h in HEADER] == list(COLUMNS)


def test_only_the_first_sheet_is_read(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(row())
    wb.create_sheet("Ann Ash private").append(["anything"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    plan = read_xlsx(path)
    assert plan.ok and plan.warnings[0] == "only the first sheet was read; the workbook has 2"
