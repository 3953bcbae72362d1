"""Victims' Code timetable as data, obligations from milestones, told on time or late, Drive → IDVA."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caseload.domain.enums import CaseKind, Channel, DriveInfoKind, MilestoneKind
from caseload.domain.model import DriveInfo
from caseload.domain.victims_code import (
    VC2020,
    drive_update_for,
    is_late,
    is_overdue,
    mark_told,
    obligations_for,
    updates_owed,
)
from tests.unit.domain.factories import case, casefile, milestone

THU_24_DEC = date(2026, 12, 24)


def test_timetable_is_versioned_data() -> None:
    assert VC2020.version == "Victims' Code 2020"
    charged = VC2020.rule_for(MilestoneKind.CHARGED)
    assert charged is not None
    assert (charged.event, charged.who_tells, charged.standard_wd, charged.enhanced_wd) == (
        "charge decision",
        "police / CPS",
        5,
        1,
    )
    hearing = VC2020.rule_for(MilestoneKind.HEARING_DATE_SET)
    assert hearing is not None and (hearing.who_tells, hearing.standard_wd, hearing.enhanced_wd) == (
        "witness care",
        1,
        1,
    )
    with pytest.raises(TypeError):
        VC2020.rules[MilestoneKind.REPORTED] = charged  # type: ignore[index]


@pytest.mark.parametrize(
    ("kind", "who", "standard", "enhanced"),
    [
        (MilestoneKind.ARREST, "police", 5, 1),
        (MilestoneKind.INTERVIEW_UNDER_CAUTION, "police", 5, 1),
        (MilestoneKind.RELEASE_WITHOUT_CHARGE, "police", 5, 1),
        (MilestoneKind.BAIL, "police", 5, 1),
        (MilestoneKind.RUI, "police", 5, 1),
        (MilestoneKind.BAIL_CONDITIONS_CHANGED, "police", 5, 1),
        (MilestoneKind.DECISION_NOT_TO_INVESTIGATE, "police", 5, 1),
        (MilestoneKind.NFA, "police", 5, 1),
        (MilestoneKind.CHARGED, "police / CPS", 5, 1),
        (MilestoneKind.HEARING_DATE_SET, "witness care", 1, 1),
        (MilestoneKind.EVIDENCE_REQUIRED, "witness care", 1, 1),
        (MilestoneKind.COURT_BAIL_OUTCOME, "witness care", 5, 1),
        (MilestoneKind.WARRANT, "witness care", 5, 1),
        (MilestoneKind.VERDICT, "witness care", 5, 1),
        (MilestoneKind.SENTENCE, "witness care", 5, 1),
        (MilestoneKind.APPEAL, "witness care", 5, 1),
    ],
)
def test_table_rows(kind: MilestoneKind, who: str, standard: int, enhanced: int) -> None:
    rule = VC2020.rule_for(kind)
    assert rule is not None
    assert (rule.who_tells, rule.standard_wd, rule.enhanced_wd) == (who, standard, enhanced)


def test_charged_on_christmas_eve_enhanced_is_due_tuesday_29th() -> None:
    c = case(enhanced_rights=True)
    (update,) = obligations_for(milestone(c.id, MilestoneKind.CHARGED, THU_24_DEC), c)
    assert update.due_on == date(2026, 12, 29)
    assert update.event == "charge decision"
    assert update.who_tells == "police / CPS"
    assert update.event_on == THU_24_DEC
    assert update.timetable == "Victims' Code 2020"
    assert update.case_id == c.id


def test_standard_rights_take_five_working_days() -> None:
    c = case(enhanced_rights=False)
    (update,) = obligations_for(milestone(c.id, MilestoneKind.CHARGED, THU_24_DEC), c)
    assert update.due_on == date(2027, 1, 5)  # 29, 30, 31 Dec, 4, 5 Jan (1 Jan is a bank holiday)


def test_ids_are_deterministic() -> None:
    c = case()
    m = milestone(c.id, MilestoneKind.ARREST, date(2026, 12, 1))
    first = obligations_for(m, c)
    again = obligations_for(m, c)
    assert first[0].id == again[0].id
    assert first[0].source_id == m.id
    other = obligations_for(milestone(c.id, MilestoneKind.ARREST, date(2026, 12, 1)), c)
    assert other[0].id != first[0].id


@pytest.mark.parametrize(
    "kind",
    [
        MilestoneKind.REPORTED,
        MilestoneKind.CRIMED,
        MilestoneKind.FIRST_HEARING,
        MilestoneKind.TRIAL_DATE,
        MilestoneKind.RELEASE_FROM_CUSTODY,
    ],
)
def test_milestones_without_an_obligation(kind: MilestoneKind) -> None:
    c = case()
    assert obligations_for(milestone(c.id, kind, THU_24_DEC), c) == ()


def test_no_obligation_on_a_perpetrator_case_and_no_cross_case_milestones() -> None:
    p = case(kind=CaseKind.PERPETRATOR)
    assert obligations_for(milestone(p.id, MilestoneKind.CHARGED, THU_24_DEC), p) == ()
    with pytest.raises(ValueError):
        obligations_for(milestone("other-case", MilestoneKind.CHARGED, THU_24_DEC), case())


def test_told_on_the_due_date_is_on_time_and_the_day_after_is_late() -> None:
    c = case()
    (update,) = obligations_for(milestone(c.id, MilestoneKind.CHARGED, THU_24_DEC), c)
    on_time = mark_told(update, date(2026, 12, 29), Channel.PHONE)
    assert not is_late(on_time)
    assert not on_time.late
    late = mark_told(update, date(2026, 12, 30), Channel.TEXT)
    assert is_late(late)
    assert late.late
    assert not is_late(update)  # not told yet is not "late": it is overdue
    assert is_overdue(update, date(2026, 12, 30))
    assert not is_overdue(update, date(2026, 12, 29))
    assert not is_overdue(on_time, date(2027, 1, 30))


def test_mark_told_is_a_new_version() -> None:
    c = case()
    (update,) = obligations_for(milestone(c.id, MilestoneKind.VERDICT, THU_24_DEC), c)
    told = mark_told(update, date(2026, 12, 29), Channel.EMAIL)
    assert (told.told_on, told.told_channel, told.version) == (date(2026, 12, 29), Channel.EMAIL, 2)
    assert update.told_on is None and update.version == 1
    assert told.id == update.id
    with pytest.raises(ValueError):
        mark_told(update, date(2026, 12, 23), Channel.PHONE)


def test_drive_update_for_the_idva() -> None:
    info = DriveInfo(
        id="di-1",
        perpetrator_case_id="p-1",
        victim_case_id="v-1",
        learned_on=THU_24_DEC,
        kind=DriveInfoKind.RELEASE_DATE,
    )
    update = drive_update_for(info)
    assert update.event == "Drive: release date"
    assert update.who_tells == "drive case manager → IDVA"
    assert update.case_id == "v-1"
    assert update.due_on == date(2026, 12, 29)
    assert update.source_id == "di-1"
    assert drive_update_for(info).id == update.id
    assert drive_update_for(info, working_days=2).due_on == date(2026, 12, 30)


def test_updates_owed_merges_recorded_and_derived() -> None:
    cf = casefile(
        milestones=lambda cid: (
            milestone(cid, MilestoneKind.CHARGED, THU_24_DEC),
            milestone(cid, MilestoneKind.REPORTED, date(2026, 12, 1)),
            milestone(cid, MilestoneKind.VERDICT, date(2027, 2, 1)),
        )
    )
    derived = updates_owed(cf)
    assert sorted(u.event for u in derived) == ["charge decision", "verdict"]
    told = mark_told(derived[0], date(2026, 12, 29), Channel.PHONE)
    recorded = replace(cf, updates=(replace(told, id="stored-with-v7-id"),))
    merged = updates_owed(recorded)
    assert len(merged) == 2
    assert [u.told_on for u in merged if u.event == derived[0].event] == [date(2026, 12, 29)]
    closed = replace(cf, case=replace(cf.case, closed_on=date(2027, 1, 10)))
    assert [u.event for u in updates_owed(closed)] == ["charge decision"]
