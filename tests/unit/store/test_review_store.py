"""Store side of the supervisor review: figures from the store's case files, closure approval (one audited
transaction, fault-tested), supervisors only, and migration 5 on a store made before it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from caseload.domain.review import Figure, window_start, worker_figures
from caseload.store import review
from caseload.store.errors import NotPermitted, StoreError
from caseload.store.migrations import schema_version
from caseload.store.store import Store
from tests.conftest import PASSPHRASE
from tests.unit.store.review_helpers import LEAD, TODAY, WORKER_A, Team, make_team_store


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Team]:
    d = tmp_path / "team"
    return d, make_team_store(d)


def test_figures_from_the_store(team: tuple[Path, Team]) -> None:
    d, t = team
    with Store.open(d, PASSPHRASE, LEAD) as s:
        files = review.review_casefiles(s, window_start(TODAY))
        figures = worker_figures(files, TODAY)
    a = figures[t.users["a"].id]
    late = t.cases["A-LATE"].id
    assert set(a.cases[Figure.OPEN]) == {late, t.cases["A-FINE"].id}
    for fig in (Figure.OVERDUE_CONTACTS, Figure.DASH_OVERDUE, Figure.HIGH_NO_PLAN, Figure.NO_CONTACT_30):
        assert a.cases[fig] == (late,), fig
    assert a.count(Figure.NEW_12M) == 3
    # the closed case's referral and first contact are loaded too: 3 cases with a first attempt (3, 0, 2 days)
    assert a.first_attempt_days == {late: 2, t.cases["A-FINE"].id: 0, t.cases["A-CLOSED"].id: 3}
    assert a.median_first_attempt == 2.0
    c = figures[t.users["c"].id]
    assert c.count(Figure.OPEN) == 1 and c.count(Figure.NEW_12M) == 1 and c.count(Figure.NO_CONTACT_30) == 0


def test_non_supervisor_is_refused_everything(team: tuple[Path, Team]) -> None:
    d, t = team
    with Store.open(d, PASSPHRASE, WORKER_A) as s:
        with pytest.raises(NotPermitted):
            review.review_casefiles(s, window_start(TODAY))
        with pytest.raises(NotPermitted):
            review.closures_awaiting(s, TODAY)
        with pytest.raises(NotPermitted):
            review.approve_closure(s, t.cases["A-CLOSED"].id, TODAY)
        with pytest.raises(NotPermitted):
            s.who_viewed(t.cases["A-FINE"].id)


def test_approve_closure_is_recorded_audited_and_once(team: tuple[Path, Team]) -> None:
    d, t = team
    closed = t.cases["A-CLOSED"]
    with Store.open(d, PASSPHRASE, LEAD) as s:
        waiting = review.closures_awaiting(s, TODAY)
        assert [i.case_id for i in waiting.items] == [closed.id]
        assert waiting.older == 1  # C-CLOSED-OLD: outside the 90-day window, counted
        assert closed.closed_on is not None
        approval = review.approve_closure(s, closed.id, closed.closed_on)
        assert approval.approved_by == t.users["lead"].id
        assert review.approvals(s, closed.id) == [approval]
        assert review.closures_awaiting(s, TODAY).items == ()
        entry = s.audit_entries(closed.id, limit=1)[0]
        assert entry.event == "closure.approved" and entry.actor == LEAD
        assert entry.detail == {"reason": "risk_reduced", "approval": approval.id}
        with pytest.raises(StoreError, match="already approved"):
            review.approve_closure(s, closed.id, closed.closed_on)
        with pytest.raises(StoreError, match="reopened or closed again"):
            review.approve_closure(s, t.cases["C-CLOSED-OLD"].id, TODAY)
        assert s.check().ok


class Boom(OSError):
    """The injected fault."""


def test_fault_part_way_writes_nothing(team: tuple[Path, Team], monkeypatch: Any) -> None:
    d, t = team
    closed = t.cases["A-CLOSED"]
    assert closed.closed_on is not None

    def boom(*_a: Any, **_k: Any) -> int:
        raise Boom(28, "No space left on device")

    with Store.open(d, PASSPHRASE, LEAD) as s:
        before = len(s.audit_entries(limit=10_000))
        monkeypatch.setattr(review.audit, "append", boom)  # the approval row is inserted, then the audit fails
        with pytest.raises(Boom):
            review.approve_closure(s, closed.id, closed.closed_on)
        monkeypatch.undo()
        assert review.approvals(s, closed.id) == []
        assert len(s.audit_entries(limit=10_000)) == before
        assert s.check().ok
        review.approve_closure(s, closed.id, closed.closed_on)
        assert len(review.approvals(s, closed.id)) == 1


def test_store_made_before_migration_5_gains_the_table(team: tuple[Path, Team]) -> None:
    d, _ = team
    with Store.open(d, PASSPHRASE, LEAD) as s, s.transaction() as conn:
        conn.exec_driver_sql("DROP TABLE closure_approvals")
        conn.exec_driver_sql("PRAGMA user_version = 4")
    with Store.open(d, PASSPHRASE, LEAD) as s:
        with s.reading() as conn:
            assert schema_version(conn) >= 5
            assert "closure_approvals" in sa.inspect(conn).get_table_names()
        assert len(review.closures_awaiting(s, TODAY).items) == 1
