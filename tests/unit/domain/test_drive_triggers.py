"""Drive information that bears on the victim's risk (release date, stated intent, breach) prompts her IDVA to
review the DASH and the safety plan at once; disengagement and 'other' only create the update owed."""

from __future__ import annotations

from datetime import date

import pytest

from caseload.domain.dash import dash_review_due
from caseload.domain.due import DueKind, case_due_items
from caseload.domain.enums import DriveInfoKind, RiskLevel
from caseload.domain.model import DriveInfo
from tests.unit.domain.factories import casefile, dash, uid

DASH_ON = date(2026, 11, 2)
LEARNED = date(2026, 11, 20)
TODAY = date(2026, 11, 23)


def _file(kind: DriveInfoKind, victim_side: bool = True):  # type: ignore[no-untyped-def]
    def info(cid: str) -> tuple[DriveInfo, ...]:
        return (DriveInfo(uid("info"), uid("pcase"), cid if victim_side else uid("other"), LEARNED, kind, "", ""),)

    return casefile(RiskLevel.HIGH, dash=lambda cid: (dash(cid, DASH_ON, yes=15),), drive_info=info)


@pytest.mark.parametrize("kind", [DriveInfoKind.RELEASE_DATE, DriveInfoKind.STATED_INTENT, DriveInfoKind.BREACH])
def test_risk_bearing_information_brings_the_review_forward(kind: DriveInfoKind) -> None:
    cf = _file(kind)
    assert dash_review_due(cf) == LEARNED
    items = [i for i in case_due_items(cf, TODAY) if i.kind is DueKind.DASH_REVIEW]
    assert len(items) == 1 and items[0].due_on == LEARNED
    assert "Drive information" in items[0].reason and "review the safety plan too" in items[0].reason


@pytest.mark.parametrize("kind", [DriveInfoKind.DISENGAGEMENT, DriveInfoKind.OTHER])
def test_other_information_leaves_the_eight_week_review(kind: DriveInfoKind) -> None:
    assert dash_review_due(_file(kind)) == date(2026, 12, 28)  # 8 weeks after the DASH


def test_information_about_another_victim_is_not_a_trigger_here() -> None:
    assert dash_review_due(_file(DriveInfoKind.RELEASE_DATE, victim_side=False)) == date(2026, 12, 28)
