"""The due list in two steps (caseload.domain.due_rules): a case's facts, then the items they make on a day.

What the store keeps is ``DueFacts.to_json()`` through a JSON round trip, so the tests compare the items made
from round-tripped facts with the items made straight from the case file, on generated caseloads and on
days before, during and after their records (the facts must not depend on the day they were worked out)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.due import case_due_items, due_items, due_items_from_facts
from caseload.domain.due_rules import DueFacts, case_facts, facts_items, facts_stamp
from caseload.domain.enums import MaracCriterion
from caseload.domain.marac import DEFAULT_MARAC, MaracSettings, criteria_dates, marac_dates
from caseload.domain.schedules import ScheduleSettings
from caseload.synthetic.generator import generate, to_casefiles
from tests.unit.domain.factories import casefile, dash, incident, marac_referral

TODAY = date(2026, 12, 2)
CASEFILES = to_casefiles(generate(150, seed=5, today=TODAY))


def _round_trip(facts: DueFacts) -> DueFacts:
    return DueFacts.from_json(json.loads(json.dumps(facts.to_json(), separators=(",", ":"))))


def test_json_round_trip_gives_the_same_facts() -> None:
    for cf in CASEFILES:
        facts = case_facts(cf)
        assert _round_trip(facts) == facts


@given(
    index=st.integers(min_value=0, max_value=len(CASEFILES) - 1),
    offset=st.integers(min_value=-800, max_value=400),
    horizon=st.sampled_from([0, 7, 30]),
)
@settings(max_examples=300, deadline=None)
def test_items_from_kept_facts_are_the_case_files_items_on_any_day(index: int, offset: int, horizon: int) -> None:
    cf = CASEFILES[index]
    on = TODAY + timedelta(days=offset)
    kept = _round_trip(case_facts(cf))
    assert facts_items(kept, on, horizon_days=horizon) == case_due_items(cf, on, horizon_days=horizon)


@pytest.mark.parametrize("offset", [-400, -40, 0, 9, 60])
def test_whole_list_from_facts_is_the_list_from_case_files(offset: int) -> None:
    on = TODAY + timedelta(days=offset)
    facts = [_round_trip(case_facts(cf)) for cf in CASEFILES]
    assert due_items_from_facts(facts, on) == due_items(CASEFILES, on)
    worker = CASEFILES[0].case.worker_id
    assert due_items_from_facts(facts, on, worker_id=worker) == due_items(CASEFILES, on, worker_id=worker)


def test_criteria_from_marac_dates_at_their_edges() -> None:
    """The MARAC criteria worked out from day numbers (what the kept facts hold): repeat at 364/365/366 days
    after a referral, escalation at 2 and 3 incidents, visible high risk at DASH scores 13 and 14, and a DASH
    or incident after the day asked about counts for nothing."""
    ref = date(2026, 3, 10)
    late = date(2028, 1, 1)
    repeat = [
        criteria_dates(marac_dates(casefile(
            marac_referrals=lambda c: (marac_referral(c, ref),), incidents=lambda c, d=d: (incident(c, d),)
        )), late).get(MaracCriterion.REPEAT)
        for d in (date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11))
    ]
    assert repeat == [date(2027, 3, 9), date(2027, 3, 10), None]
    for n, met in ((2, False), (3, True)):
        cf = casefile(incidents=lambda c, n=n: tuple(incident(c, ref + timedelta(days=30 * i)) for i in range(n)))
        on = ref + timedelta(days=90)
        assert (MaracCriterion.POTENTIAL_ESCALATION in criteria_dates(marac_dates(cf), on)) is met
        assert MaracCriterion.POTENTIAL_ESCALATION not in criteria_dates(marac_dates(cf), ref - timedelta(days=1))
    for yes, met in ((13, False), (14, True)):
        cf = casefile(dash=lambda c, y=yes: (dash(c, ref, yes=y),))
        assert (MaracCriterion.VISIBLE_HIGH_RISK in criteria_dates(marac_dates(cf), ref)) is met
        assert criteria_dates(marac_dates(cf), ref - timedelta(days=1)) == {}


def test_stamp_changes_with_the_settings_and_the_code_version(monkeypatch: pytest.MonkeyPatch) -> None:
    base = facts_stamp()
    assert facts_stamp() == base
    assert facts_stamp(settings=ScheduleSettings(cadence_high=5)) != base
    assert facts_stamp(marac=MaracSettings(escalation_incidents=4)) != base
    assert MaracSettings() == DEFAULT_MARAC
    monkeypatch.setattr("caseload.domain.due_rules.FACTS_VERSION", 999)
    assert facts_stamp() != base
    monkeypatch.setattr("caseload.domain.due_rules.holidays_version", lambda: "0.0-other")
    assert facts_stamp() != base
