"""JSON bundle: atomic write, strict read, schema, integrity, hostile files never raise."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload.domain import drive, model
from caseload.domain.enums import (
    CaseKind,
    Channel,
    ContactKind,
    ContactOutcome,
    DashAnswer,
    DriveInfoKind,
    IncidentKind,
    MilestoneKind,
    OrderType,
    PersonRole,
    RiskLevel,
    Role,
    SafetyCategory,
)
from caseload.domain.ids import new_id
from caseload.importing import bundle
from caseload.importing.bundle import (
    SCHEMA_FILE,
    bundle_schema,
    field_table_markdown,
    parse_bundle_bytes,
    read_bundle,
    schema_text,
    write_bundle,
)
from caseload.importing.codec import SECTIONS, field_specs, record_to_json
from caseload.importing.errors import BundleWriteError, ImportPlan
from caseload.importing.integrity import REFERENCES

DOC = Path(__file__).resolve().parents[3] / "docs" / "import-format.md"
D = date(2026, 3, 10)


def sample_records() -> dict[str, list[Any]]:
    """One or more records of every type, with every reference resolving inside the set."""
    u = model.User(id=new_id(), name="Worker One", role=Role.IDVA, team="North")
    dm = model.User(id=new_id(), name="Case Manager", role=Role.DRIVE)
    victim = model.Person(
        id=new_id(),
        role=PersonRole.VICTIM,
        given_name="Ann",
        family_name="Ash",
        date_of_birth=date(1990, 5, 1),
        phone="+44 7700 900123",
        nrpf=True,
    )
    perp = model.Person(id=new_id(), role=PersonRole.PERPETRATOR, given_name="Bob", family_name="Birch")
    vc = model.Case(
        id=new_id(),
        reference="C-2026-0001",
        kind=CaseKind.VICTIM,
        subject_id=victim.id,
        worker_id=u.id,
        status="active_support",
        opened_on=D,
        risk_level=RiskLevel.HIGH,
    )
    pc = model.Case(
        id=new_id(),
        reference="P-2026-0001",
        kind=CaseKind.PERPETRATOR,
        subject_id=perp.id,
        worker_id=dm.id,
        status="engaged",
        opened_on=D,
    )
    dash1 = model.DashAssessment(
        id=new_id(),
        case_id=vc.id,
        assessed_on=D,
        assessor_id=u.id,
        answers=(DashAnswer.YES,) * 15 + (DashAnswer.NO,) * 9,
        notes=("note",),
    )
    dash2 = dataclasses.replace(dash1, id=new_id(), supersedes=dash1.id, is_exit=True)
    mref = model.MaracReferral(id=new_id(), case_id=vc.id, referred_on=D, dash_id=dash2.id)
    listing = model.MaracListing(id=new_id(), case_id=vc.id, meeting_on=D, referral_id=mref.id)
    plan = model.SafetyPlan(id=new_id(), case_id=vc.id, created_on=D, review_on=D)
    order = model.ProtectiveOrder(id=new_id(), case_id=vc.id, kind=OrderType.DVPO, starts_on=D)
    milestone = model.CjsMilestone(
        id=new_id(), case_id=vc.id, kind=MilestoneKind.NFA, occurred_on=D, outcome_code=15
    )
    return {
        "users": [u, dm],
        "people": [victim, perp],
        "cases": [vc, pc],
        "parties": [model.Party(id=new_id(), case_id=vc.id, person_id=perp.id, role=PersonRole.PERPETRATOR)],
        "children": [model.Child(id=new_id(), case_id=vc.id, given_name="")],
        "referrals": [
            model.Referral(id=new_id(), case_id=vc.id, received_on=D, source=model.ReferralSource.POLICE)
        ],
        "links": [
            model.CaseLink(
                id=new_id(), perpetrator_case_id=pc.id, victim_person_id=victim.id, victim_case_id=vc.id
            )
        ],
        "incidents": [
            model.Incident(
                id=new_id(),
                case_id=vc.id,
                occurred_on=D,
                kind=IncidentKind.THREATS,
                perpetrator_id=perp.id,
                note="multi\nline ✓ £",
            )
        ],
        "dash": [dash1, dash2],
        "marac_referrals": [mref],
        "marac_listings": [listing],
        "plans": [plan],
        "plan_items": [
            model.SafetyPlanItem(
                id=new_id(),
                plan_id=plan.id,
                category=SafetyCategory.HOUSING,
                risk="r",
                action="a",
                who="IDVA",
                listing_id=listing.id,
            )
        ],
        "orders": [order],
        "breaches": [model.OrderBreach(id=new_id(), order_id=order.id, occurred_on=D)],
        "milestones": [milestone],
        "contacts": [
            model.Contact(
                id=new_id(),
                case_id=vc.id,
                at=datetime(2026, 3, 10, 9, tzinfo=UTC),
                kind=ContactKind.CONTACT,
                channel=Channel.PHONE,
                outcome=ContactOutcome.SPOKE,
                worker_id=u.id,
            )
        ],
        "safe_contacts": [model.SafeContact(id=new_id(), case_id=vc.id, safe_numbers=("07700 900123",))],
        "updates": [
            model.VictimUpdate(
                id=new_id(),
                case_id=vc.id,
                event="nfa",
                event_on=D,
                due_on=D,
                who_tells="police",
                source_id=milestone.id,
            )
        ],
        "drive_info": [
            model.DriveInfo(
                id=new_id(),
                perpetrator_case_id=pc.id,
                victim_case_id=vc.id,
                learned_on=D,
                kind=DriveInfoKind.BREACH,
                author_id=dm.id,
            )
        ],
        "outcomes": [
            model.OutcomeSnapshot(
                id=new_id(),
                case_id=vc.id,
                taken_on=D,
                stage="intake",
                risk_level=RiskLevel.HIGH,
                dash_score=15,
            )
        ],
        "drive_referrals": [
            drive.DriveReferral(id=new_id(), case_id=pc.id, received_on=D, route=drive.ReferralRoute.PANEL)
        ],
        "interventions": [
            drive.InterventionAction(
                id=new_id(),
                case_id=pc.id,
                strand=drive.Strand.DISRUPTION,
                agency=drive.Agency.PROBATION,
                action="a",
                created_on=D,
            )
        ],
        "sessions": [
            drive.DriveSession(
                id=new_id(), case_id=pc.id, held_on=D, outcome=drive.SessionOutcome.ATTENDED, worker_id=dm.id
            )
        ],
        "behaviour_reviews": [
            drive.BehaviourReview(
                id=new_id(),
                case_id=pc.id,
                reviewed_on=D,
                stage=drive.ReviewStage.INTAKE,
                reviewer_id=dm.id,
                present=(drive.BehaviourType.PHYSICAL,),
            )
        ],
    }


def as_doc(records: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "format": "caseload-bundle",
        "version": 1,
        "generated": "2026-03-10T12:00:00+00:00",
        "records": {name: [record_to_json(r) for r in items] for name, items in records.items()},
    }


def parse(doc: Any) -> ImportPlan:
    return parse_bundle_bytes(json.dumps(doc, ensure_ascii=False).encode())


def reasons(plan: ImportPlan) -> list[str]:
    return [str(e) for e in plan.errors]


# --- schema and documentation ------------------------------------------------------------------------------


def test_committed_schema_equals_generated() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()
    jsonschema.Draft202012Validator.check_schema(bundle_schema())


def test_written_bundle_validates_against_full_schema(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_bundle(sample_records(), path)
    jsonschema.validate(json.loads(path.read_bytes()), bundle_schema(), cls=jsonschema.Draft202012Validator)


def test_schema_and_codec_agree_on_broken_records() -> None:
    validator = jsonschema.Draft202012Validator(bundle_schema())
    good = as_doc(sample_records())
    for name, items in good["records"].items():
        rtype = SECTIONS[name]
        for fs in field_specs(rtype):
            for broken in ({**items[0], fs.name: {"x": 1}}, {**items[0], "zz_unknown": 1}):
                doc = {**good, "records": {**good["records"], name: [broken]}}
                assert not validator.is_valid(doc)
                plan = parse(doc)
                assert not plan.ok
                assert plan.errors[0].section == name and plan.errors[0].row == 1


def test_doc_lists_every_field() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- fields:start -->\n", "<!-- fields:end -->"
    assert text[text.index(start) + len(start) : text.index(end)].strip() == field_table_markdown().strip()
    for name, rtype in SECTIONS.items():
        for fs in field_specs(rtype):
            assert f"| `{fs.name}` |" in text, (name, fs.name)


def test_every_reference_field_is_checked() -> None:
    for name, rtype in SECTIONS.items():
        for fs in field_specs(rtype):
            if fs.name != "id" and (fs.name.endswith("_id") or fs.name == "supersedes"):
                assert (name, fs.name) in REFERENCES, (name, fs.name)


# --- writing ------------------------------------------------------------------------------------------------


def test_round_trip_gives_equal_records(tmp_path: Path) -> None:
    records = sample_records()
    path = tmp_path / "out.json"
    counts = write_bundle(records, path, generated=datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert counts == {name: len(records.get(name, [])) for name in SECTIONS}
    plan = read_bundle(path)
    assert plan.ok, reasons(plan)
    assert plan.warnings == ()
    assert list(plan.records) == list(SECTIONS)
    for name in SECTIONS:
        assert plan.records[name] == tuple(records[name])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    head = json.loads(path.read_bytes())
    assert (head["format"], head["version"], head["generated"]) == (
        "caseload-bundle",
        1,
        "2026-03-10T12:00:00+00:00",
    )


def test_empty_and_generator_input(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    write_bundle({}, path)
    plan = read_bundle(path)
    assert plan.ok and all(v == () for v in plan.records.values())
    records = sample_records()
    write_bundle({"contacts": (c for c in records["contacts"]), "users": records["users"]}, path)
    assert json.loads(path.read_bytes())["records"]["contacts"][0]["id"] == records["contacts"][0].id


def _explode() -> Iterator[Any]:
    yield from sample_records()["users"]
    raise OSError(28, "No space left on device")


def test_failed_write_leaves_destination_untouched(tmp_path: Path) -> None:
    path = tmp_path / "keep.json"
    path.write_bytes(b"original")
    bad_person = dataclasses.replace(sample_records()["people"][0], given_name="lone \ud800")
    attempts: list[tuple[dict[str, Any], type[BaseException], str]] = [
        ({"nonsense": []}, BundleWriteError, "unknown record lists: nonsense"),
        ({"cases": sample_records()["people"]}, BundleWriteError, "cases item 1: expected Case"),
        ({"people": [bad_person]}, BundleWriteError, "people item 1: given_name: contains a lone surrogate"),
        ({"users": _explode()}, OSError, "No space left"),
    ]
    for records, error, message in attempts:
        with pytest.raises(error, match=message):
            write_bundle(records, path)
        assert path.read_bytes() == b"original"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.json"]
    with pytest.raises(BundleWriteError, match="timezone-aware"):
        write_bundle({}, path, generated=datetime(2026, 1, 1))


# --- reading: the file as a whole ---------------------------------------------------------------------


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.truncate(256 * 1024 * 1024 + 1)
    plan = read_bundle(path)
    assert not plan.ok
    assert reasons(plan) == ["the file is larger than the 256 MB limit (268,435,457 bytes), so it was not read"]
    plan = read_bundle(path, max_bytes=50 * 1024 * 1024)
    assert reasons(plan) == ["the file is larger than the 50 MB limit (268,435,457 bytes), so it was not read"]
    small = tmp_path / "small.json"
    write_bundle(sample_records(), small)
    assert "larger than the 100 bytes limit" in reasons(read_bundle(small, max_bytes=100))[0]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "cannot read the file" in reasons(read_bundle(tmp_path / "nope.json"))[0]
    assert reasons(read_bundle(tmp_path)) == ["not a regular file"]


def test_bom_is_accepted_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_bundle(sample_records(), path)
    plan = parse_bundle_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert plan.ok
    assert plan.warnings == ("the file starts with a UTF-8 byte order mark (BOM); it was ignored",)
    assert reasons(parse_bundle_bytes(b"\xff\xfe{\x00}\x00")) == [
        "the file is UTF-16 or UTF-32; a bundle must be UTF-8"
    ]


def test_encoding_and_syntax_errors_have_positions() -> None:
    assert reasons(parse_bundle_bytes(b'{\n  "format": "caf\xe9"}')) == [
        "the file is not valid UTF-8 at line 2, column 17 (byte 19); a bundle must be UTF-8"
    ]
    assert reasons(parse_bundle_bytes(b'{\n  "format": "x",\n  }')) == [
        "not valid JSON at line 3, column 3: Expecting property name enclosed in double quotes"
    ]
    assert "contains NUL bytes" in reasons(parse_bundle_bytes(b'{"a": "\x00"}'))[0]
    assert reasons(parse_bundle_bytes(b'{"version": NaN}')) == [
        "not valid JSON: NaN and Infinity are not JSON numbers"
    ]
    assert reasons(parse_bundle_bytes(b'{"version": ' + b"9" * 5000 + b"}")) == [
        "not valid JSON: a number has too many digits"
    ]
    assert reasons(parse_bundle_bytes(b"")) == ["not valid JSON at line 1, column 1: Expecting value"]


@pytest.mark.parametrize("depth", [33, 5000, 200_000])
def test_nesting_depth_limit(depth: int) -> None:
    assert reasons(parse_bundle_bytes(b"[" * depth + b"]" * depth)) == [
        "the JSON is nested more than 32 levels deep"
    ]


def test_pathological_escapes_are_fast() -> None:
    start = time.monotonic()
    plan = parse_bundle_bytes(b'"' + b'\\"' * 2_000_000)
    assert time.monotonic() - start < 5
    assert reasons(plan)[0].startswith("not valid JSON at line 1")


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    records = sample_records()
    records["incidents"] = [dataclasses.replace(records["incidents"][0], note="[[[[" * 50 + '"\\')]
    assert parse(as_doc(records)).ok


def test_envelope_errors() -> None:
    good = as_doc(sample_records())
    assert reasons(parse([1, 2])) == [
        'format: not a caseload bundle (expected an object with "format": "caseload-bundle")'
    ]
    assert reasons(parse({**good, "version": 2})) == [
        "version: this bundle is version 2; this caseload reads version 1 only — update caseload to import it"
    ]
    assert reasons(parse({**good, "version": "1"})) == [
        "version: the bundle version must be a whole number from 1"
    ]
    assert reasons(parse({**good, "records": {**good["records"], "pets": []}})) == [
        "pets: unknown record list"
    ]
    assert reasons(parse({**good, "records": {**good["records"], "cases": {}}})) == [
        "records.cases: expected a list"
    ]
    assert reasons(parse({k: v for k, v in good.items() if k != "records"})) == [
        "records: is missing (required)"
    ]
    assert reasons(parse({**good, "generated": "2026-03-10"})) == [
        "generated: expected an ISO date-time with a UTC offset"
    ]
    assert reasons(parse({**good, "extra": 1})) == ["extra: unknown field"]


def test_duplicate_keys_are_reported() -> None:
    text = json.dumps(as_doc(sample_records()))
    doubled = text.replace('"reference": ', '"reference": "X-1", "reference": ', 1)
    plan = parse_bundle_bytes(doubled.encode())
    assert reasons(plan) == ["cases, row 1, reference: a field appears twice in this record"]
    doubled_env = text.replace('"version": 1', '"version": 1, "version": 1', 1)
    assert reasons(parse_bundle_bytes(doubled_env.encode())) == ["a key appears twice in the bundle envelope"]


# --- reading: records ------------------------------------------------------------------------------------


def test_nul_and_lone_surrogate_escapes_are_reported() -> None:
    doc = as_doc(sample_records())
    text = json.dumps(doc)
    text = text.replace('"given_name": "Ann"', '"given_name": "A\\u0000nn"')
    text = text.replace('"family_name": "Birch"', '"family_name": "Bir\\ud800ch"')
    plan = parse_bundle_bytes(text.encode())
    assert reasons(plan) == [
        "people, row 1, given_name: contains a NUL character (U+0000), which cannot be stored",
        "people, row 2, family_name: contains a lone surrogate (an unpaired \\ud800–\\udfff escape), "
        "which is not valid text",
    ]


def test_record_errors_carry_section_row_and_field() -> None:
    doc = as_doc(sample_records())
    doc["records"]["contacts"][0]["channel"] = "Pigeon Secret-Canary"
    doc["records"]["cases"][1]["opened_on"] = "10/03/2026"
    doc["records"]["people"][0]["colour"] = "blue"
    plan = parse(doc)
    assert not plan.ok
    got = {(e.section, e.row, e.column) for e in plan.errors}
    assert got == {("people", 1, "colour"), ("cases", 2, "opened_on"), ("contacts", 1, "channel")}
    assert not any("Canary" in r for r in reasons(plan))


def test_integrity_errors() -> None:
    records = sample_records()
    vc = records["cases"][0]
    records["cases"].append(dataclasses.replace(vc, id=new_id(), reference=" c-2026-0001"))
    records["contacts"].append(dataclasses.replace(records["contacts"][0], id=new_id(), case_id=new_id()))
    records["breaches"].append(dataclasses.replace(records["breaches"][0]))
    records["links"][0] = dataclasses.replace(records["links"][0], victim_case_id=records["cases"][1].id)
    records["cases"][1] = dataclasses.replace(records["cases"][1], status="active_support")
    records["people"].append(dataclasses.replace(records["people"][0], id="not-a-uuid"))
    records["safe_contacts"].append(dataclasses.replace(records["safe_contacts"][0], id=new_id()))
    plan = parse(as_doc(records))
    assert sorted(reasons(plan)) == sorted(
        [
            "people, row 3, id: is not a UUID (lower-case hex, 8-4-4-4-12)",
            "breaches, row 2, id: duplicate id: already used by breaches row 1",
            "contacts, row 2, case_id: refers to no record in cases in this bundle",
            "links, row 1, victim_case_id: must refer to a victim case",
            "cases, row 3, reference: duplicate case reference: the same as cases row 1",
            "cases, row 2, status: is not a perpetrator case status (allocated, closed, contact_attempts, "
            "engaged, intervention, not_engaged, referred)",
            "safe_contacts, row 2, case_id: the case already has safe-contact arrangements "
            "(safe_contacts row 1); a case has at most one",
        ]
    )


def test_subject_role_must_match_case_kind() -> None:
    records = sample_records()
    records["cases"][0] = dataclasses.replace(records["cases"][0], subject_id=records["people"][1].id)
    assert reasons(parse(as_doc(records))) == [
        "cases, row 1, subject_id: the subject of a victim case must be a person with role victim"
    ]


def test_bundle_without_users_leaves_worker_ids_to_the_store() -> None:
    records = sample_records()
    del records["users"]
    plan = parse(as_doc(records))
    assert plan.ok
    assert plan.warnings == (
        "the bundle holds no users: 8 worker, assessor and author ids are not checked here "
        "and must name users already in the store",
    )
    records = sample_records()
    records["users"] = records["users"][:1]
    assert reasons(parse(as_doc(records))) == [
        "cases, row 2, worker_id: refers to no record in users in this bundle",
        "drive_info, row 1, author_id: refers to no record in users in this bundle",
        "sessions, row 1, worker_id: refers to no record in users in this bundle",
        "behaviour_reviews, row 1, reviewer_id: refers to no record in users in this bundle",
    ]


def test_error_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "MAX_ERRORS", 5)
    doc = as_doc(sample_records())
    doc["records"]["contacts"] = [{"id": 1}] * 10
    plan = parse(doc)
    assert len(plan.errors) == 6
    assert str(plan.errors[-1]) == "stopped after 5 errors; fix these first"


# --- hostile input never raises ----------------------------------------------------------------------

VALID = json.dumps(as_doc(sample_records())).encode()


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    plan = parse_bundle_bytes(data)
    assert isinstance(plan, ImportPlan) and not plan.ok
    assert all(e.reason for e in plan.errors)


@settings(max_examples=300, deadline=None)
@given(cut=st.integers(0, len(VALID)), junk=st.binary(max_size=8), drop=st.integers(0, 20))
def test_mutated_bundles_never_raise(cut: int, junk: bytes, drop: int) -> None:
    plan = parse_bundle_bytes(VALID[:cut] + junk + VALID[cut + drop :])
    assert isinstance(plan, ImportPlan)
    assert plan.ok or plan.errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=500))
def test_random_files_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.json"
    path.write_bytes(data)
    assert not read_bundle(path).ok


@settings(max_examples=200, deadline=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=10,
    ),
    section=st.sampled_from(list(SECTIONS)),
    field=st.text(max_size=12),
)
def test_random_json_in_records_never_raises(value: Any, section: str, field: str) -> None:
    doc = as_doc(sample_records())
    if doc["records"][section]:
        doc["records"][section][0][field or "id"] = value
    doc["records"][section].append(value)
    plan = parse_bundle_bytes(json.dumps(doc).encode())
    assert isinstance(plan, ImportPlan)
    assert not plan.ok


def test_file_mode_is_private_even_with_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "loose.json"
        write_bundle({}, path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_refused_file_still_has_every_record_list() -> None:
    plan = parse_bundle_bytes(b"not json")
    assert list(plan.records) == list(SECTIONS) and plan.count("cases") == 0 and not plan.ok
