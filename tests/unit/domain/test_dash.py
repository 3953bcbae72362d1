"""DASH: questions, score, bands, professional judgement, review dates, intake vs latest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.domain.dash import (
    QUESTIONS,
    DashBands,
    assessed_level,
    band,
    compare,
    dash_review_due,
    intake_dash,
    review_due,
    review_triggers,
    score,
)
from caseload.domain.enums import DashAnswer, MilestoneKind, OrderType, RiskLevel
from caseload.domain.model import OrderBreach
from tests.unit.domain.factories import answers, casefile, dash, incident, milestone, order

Y, N, K = DashAnswer.YES, DashAnswer.NO, DashAnswer.NOT_KNOWN


def test_there_are_24_distinct_questions() -> None:
    assert len(QUESTIONS) == 24
    assert len(set(QUESTIONS)) == 24
    assert "strangle" in QUESTIONS[14]  # question 15
    assert "kill" in QUESTIONS[13]  # question 14
    assert "pregnant" in QUESTIONS[8]  # question 9


@pytest.mark.parametrize(
    ("yes", "level"),
    [
        (0, RiskLevel.STANDARD),
        (9, RiskLevel.STANDARD),
        (10, RiskLevel.MEDIUM),
        (13, RiskLevel.MEDIUM),
        (14, RiskLevel.HIGH),
        (24, RiskLevel.HIGH),
    ],
)
def test_band_boundaries(yes: int, level: RiskLevel) -> None:
    assert score(answers(yes)) == yes
    assert band(yes) == level


def test_not_known_does_not_count() -> None:
    assert score(answers(9, not_known=15)) == 9
    assert band(score(answers(13, not_known=11))) == RiskLevel.MEDIUM
    assert score((K,) * 24) == 0


@pytest.mark.parametrize("count", [0, 23, 25])
def test_wrong_answer_count_is_refused(count: int) -> None:
    with pytest.raises(ValueError):
        score((Y,) * count)


def test_band_refuses_impossible_scores() -> None:
    with pytest.raises(ValueError):
        band(25)
    with pytest.raises(ValueError):
        band(-1)


def test_custom_bands() -> None:
    local = DashBands(medium_from=8, high_from=12)
    assert band(7, local) == RiskLevel.STANDARD
    assert band(8, local) == RiskLevel.MEDIUM
    assert band(12, local) == RiskLevel.HIGH
    with pytest.raises(ValueError):
        DashBands(medium_from=14, high_from=10)


@given(st.lists(st.sampled_from(list(DashAnswer)), min_size=24, max_size=24))
def test_score_is_count_of_yes(values: list[DashAnswer]) -> None:
    assert score(values) == values.count(Y)


def test_professional_judgement_raises() -> None:
    d = dash(
        "c1", date(2026, 12, 2), yes=5, judgement_level=RiskLevel.HIGH, judgement_reason="escalating threats"
    )
    assert assessed_level(d) == RiskLevel.HIGH


def test_professional_judgement_cannot_lower() -> None:
    d = dash(
        "c1", date(2026, 12, 2), yes=16, judgement_level=RiskLevel.STANDARD, judgement_reason="seems calm"
    )
    assert assessed_level(d) == RiskLevel.HIGH
    d2 = dash("c1", date(2026, 12, 2), yes=11, judgement_level=RiskLevel.STANDARD, judgement_reason="x")
    assert assessed_level(d2) == RiskLevel.MEDIUM


def test_no_judgement_is_the_band() -> None:
    assert assessed_level(dash("c1", date(2026, 12, 2), yes=10)) == RiskLevel.MEDIUM


def test_review_due_eight_weeks_after() -> None:
    d = dash("c1", date(2026, 12, 2))
    assert review_due(d) == date(2027, 1, 27)
    assert review_due(d, weeks=6) == date(2027, 1, 13)


def test_review_due_on_an_earlier_trigger_after_the_dash() -> None:
    d = dash("c1", date(2026, 12, 2))
    assert review_due(d, [date(2026, 12, 20), date(2027, 1, 5)]) == date(2026, 12, 20)
    # a trigger on or before the DASH date, or after the 8-week date, changes nothing
    assert review_due(d, [date(2026, 12, 2), date(2026, 11, 30), date(2027, 3, 1)]) == date(2027, 1, 27)


def test_trigger_dates_from_the_casefile() -> None:
    def breaches(cid: str) -> tuple[OrderBreach, ...]:
        return (OrderBreach(id="b1", order_id="o1", occurred_on=date(2026, 12, 15)),)

    cf = casefile(
        incidents=lambda cid: (incident(cid, date(2026, 12, 10)),),
        breaches=breaches,
        milestones=lambda cid: (
            milestone(cid, MilestoneKind.RELEASE_FROM_CUSTODY, date(2026, 12, 20)),
            milestone(cid, MilestoneKind.CHARGED, date(2026, 12, 21)),
        ),
        orders=lambda cid: (order(cid, OrderType.DVPO, date(2026, 12, 1), date(2026, 12, 29)),),
        dash=lambda cid: (dash(cid, date(2026, 12, 5)),),
        case_kw={"closed_on": date(2027, 1, 10)},
    )
    assert review_triggers(cf) == (
        date(2026, 12, 10),
        date(2026, 12, 15),
        date(2026, 12, 20),
        date(2027, 1, 10),
    )
    assert dash_review_due(cf) == date(2026, 12, 10)
    assert dash_review_due(casefile()) is None


def test_compare_intake_and_latest() -> None:
    first = dash("c1", date(2026, 9, 1), yes=0, answers=(Y, Y, Y, N, N, K) + (N,) * 18)
    later = dash("c1", date(2026, 12, 1), answers=(Y, N, K, Y, N, N) + (N,) * 18)
    result = compare(first, later)
    assert result.score_before == 3
    assert result.score_after == 2
    assert result.score_change == -1
    assert result.yes_to_no == (2,)
    assert result.no_to_yes == (4,)
    assert result.other_changes == (3, 6)
    assert result.level_change == 0


def test_compare_level_change() -> None:
    first = dash("c1", date(2026, 9, 1), yes=15)
    later = dash("c1", date(2026, 12, 1), yes=4)
    result = compare(first, later)
    assert (result.level_before, result.level_after, result.level_change) == (
        RiskLevel.HIGH,
        RiskLevel.STANDARD,
        -2,
    )
    assert result.yes_to_no == tuple(range(5, 16))


def test_intake_is_the_earliest() -> None:
    cf = casefile(
        dash=lambda cid: (dash(cid, date(2026, 9, 1), id="a"), dash(cid, date(2026, 12, 1), id="b"))
    )
    first = intake_dash(cf)
    assert first is not None and first.id == "a"
    assert cf.latest_dash is not None and cf.latest_dash.id == "b"
    assert intake_dash(replace(cf, dash=())) is None
