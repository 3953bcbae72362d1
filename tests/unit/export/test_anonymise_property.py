"""Hypothesis: ≥ 1,000 random populations per run, pathological ones included, through the real summary."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload.export.anonymise import Mark, Rules, grid_lines, primary_marks, protect, withheld_lines_ok
from caseload.export.periods import parse_period
from caseload.export.summary import build_summary
from caseload.store.reporting import CaseFacts, Population
from tests.unit.export.checks import check_summary

PERIOD = parse_period("2026-Q3", date(2026, 12, 31))
ORDERS = ["dvpn", "dvpo", "non_molestation", "restraining", "pre_charge_bail", "refuge", "fgm_protection"]
MILESTONES = ["reported", "crimed", "not_crimed", "arrest", "nfa", "charged", "sentence"]
BEHAVIOURS = ["physical", "sexual", "coercive_control", "stalking", "harassment"]

facts = st.builds(
    CaseFacts,
    kind=st.sampled_from(["victim", "victim", "perpetrator"]),
    status=st.sampled_from(["active_support", "closed", "engaged", "not_engaged", "referred"]),
    area=st.sampled_from(["Northshire", "Eastvale", "Visa Lane", "=cmd|' /C calc'!A0", ""]),
    age_band=st.sampled_from(["16-17", "18-24", "25-34", "65+", "not_recorded"]),
    sex=st.sampled_from(["female", "male", "not_recorded"]),
    ethnicity=st.sampled_from(["white", "mixed", "asian", "black", "other", "not_recorded"]),
    disability=st.sampled_from([None, True, False]),
    lgbt=st.sampled_from([None, True, False]),
    relationship=st.sampled_from(["current_partner", "ex_partner", "family_member", "hidden_victim", ""]),
    referral_source=st.sampled_from(["police", "marac", "self", "health", "other"]),
    new_in_period=st.booleans(),
    closed_in_period=st.booleans(),
    days_to_first_attempt=st.none() | st.integers(0, 30),
    dash_done=st.booleans(),
    marac_first=st.integers(0, 1),
    marac_repeat=st.integers(0, 1),
    contacts=st.integers(0, 12),
    attempts=st.integers(0, 12),
    updates_on_time=st.integers(0, 3),
    updates_late=st.integers(0, 2),
    updates_not_told=st.integers(0, 2),
    orders=st.lists(st.sampled_from(ORDERS), max_size=2).map(tuple),
    breaches=st.lists(st.sampled_from(ORDERS), max_size=1).map(tuple),
    milestones=st.lists(st.sampled_from(MILESTONES), max_size=3).map(tuple),
    decision_in_period=st.sampled_from(["", "convicted", "charged", "nfa_15", "nfa_16", "nfa_other"]),
    children=st.integers(0, 5),
    intake_risk=st.sampled_from(["", "standard", "medium", "high"]),
    exit_risk=st.sampled_from(["", "standard", "medium", "high"]),
    intake_behaviours=st.lists(st.sampled_from(BEHAVIOURS), max_size=3, unique=True).map(tuple),
    review_behaviours=st.none() | st.lists(st.sampled_from(BEHAVIOURS), max_size=3, unique=True).map(tuple),
)

populations = st.one_of(
    st.lists(facts, max_size=120),                                                  # random
    st.tuples(facts, st.integers(1, 150)).map(lambda p: [p[0]] * p[1]),             # everyone in one cell
    st.lists(facts, min_size=10, max_size=60, unique_by=lambda f: (f.age_band, f.sex, f.ethnicity)),  # cells of 1
    st.tuples(facts, st.integers(9, 80), facts).map(lambda p: [p[0]] * p[1] + [p[2]]),  # a singleton category
    st.tuples(st.lists(facts, min_size=1, max_size=4), st.integers(2, 30)).map(lambda p: p[0] * p[1]),  # blocks
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(populations)
def test_every_published_figure_follows_the_rules(pop: list[CaseFacts]) -> None:
    population = Population(PERIOD.start, PERIOD.end, None, tuple(pop))
    summary = build_summary(population, PERIOD, Rules(), date(2026, 12, 31), "All areas")
    check_summary(summary)


matrices = st.integers(1, 6).flatmap(
    lambda cols: st.lists(
        st.lists(st.one_of(st.integers(0, 12), st.sampled_from([0, 1, 1, 2, 9, 10, 11, 40])), min_size=cols,
                 max_size=cols),
        min_size=0,
        max_size=7,
    ).map(lambda rows: (cols, rows))
)


@settings(max_examples=1000, deadline=None)
@given(matrices, st.booleans())
def test_secondary_suppression_leaves_no_line_with_one_withheld_cell(m: tuple[int, list[list[int]]],
                                                                   totals: bool) -> None:
    cols, rows = m
    body = [[*r, *([sum(r)] if totals else [])] for r in rows]
    width = cols + (1 if totals else 0)
    all_row = [sum(r[c] for r in body) for c in range(width)]
    values = [*body, all_row]
    marks = primary_marks(values, Rules())
    lines = grid_lines(len(rows), cols, totals)
    out = protect(values, marks, lines)
    assert withheld_lines_ok(out, lines)
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            if 1 <= v <= 9:
                assert out[r][c] is Mark.PRIMARY
            if out[r][c] is Mark.SHOWN:
                assert not 1 <= v <= 9
