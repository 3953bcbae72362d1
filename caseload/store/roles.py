"""Store methods about who may see what and who saw what: access, shares, audit queries, unlock auditing.

Mixed into :class:`~caseload.store.store.Store`; kept apart so store.py stays about lifecycle and writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from caseload.domain.enums import Role
from caseload.domain.model import Case, User
from caseload.store import access as acc
from caseload.store import audit, failures
from caseload.store.errors import StoreError
from caseload.store.keys import normalise_user
from caseload.store.schema import audit_table, table_for

VIEW_EVENTS = ("case.viewed", "field.revealed")


class RoleMixin:
    """Access, sharing and audit queries for the signed-in user."""

    store_dir: Path
    user_name: str
    role: Role
    _audit_key: bytes
    _access_cache: acc.Access | None

    def reading(self) -> contextlib.AbstractContextManager[sa.Connection]:  # pragma: no cover - Store's
        """A serialised read connection."""
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager[sa.Connection]:  # pragma: no cover - Store's
        """One write transaction."""
        raise NotImplementedError

    def _access(self, conn: sa.Connection) -> acc.Access:
        """The signed-in user's access, worked out once per unlock from their user record."""
        if self._access_cache is None:
            ut = table_for(User).table
            want = normalise_user(self.user_name)
            rows = conn.execute(sa.select(ut.c.id, ut.c.name, ut.c.role)).all()
            matches = [r for r in rows if normalise_user(str(r.name)) == want]
            matches.sort(key=lambda r: (r.role != self.role.value, str(r.id)))
            user_id = str(matches[0].id) if matches else None
            self._access_cache = acc.Access(self.role, user_id, self.user_name)
        return self._access_cache

    @property
    def access(self) -> acc.Access:
        """What the signed-in user may read."""
        with self.reading() as conn:
            return self._access(conn)

    # --- unlock auditing -----------------------------------------------------------------------------------

    def _after_unlock(self) -> None:
        """Anchor a pre-anchor audit chain, audit wrong passphrases counted since the last unlock, then
        this unlock."""
        pending = failures.read(self.store_dir)
        with self.transaction() as conn:
            self._audit_key = audit.pinned_key(conn) or self._audit_key
            if audit.adopt_pending(conn, self._audit_key):
                audit.append(conn, self._audit_key, self.user_name, "audit.anchored")
            if pending is not None:
                audit.append(conn, self._audit_key, self.user_name, "unlock.failed", None, pending.as_detail())
            audit.append(conn, self._audit_key, self.user_name, "unlock.ok", None, {"role": self.role.value})
        if pending is not None:
            failures.clear(self.store_dir)

    # --- shares --------------------------------------------------------------------------------------------

    def _case_and_user(self, conn: sa.Connection, case_id: str, user_id: str) -> tuple[Case, User]:
        ct, ut = table_for(Case), table_for(User)
        case_row = conn.execute(sa.select(ct.table).where(ct.table.c.id == case_id)).first()
        user_row = conn.execute(sa.select(ut.table).where(ut.table.c.id == user_id)).first()
        if case_row is None or user_row is None:
            raise StoreError("No such case or user.")
        return ct.from_tuple(case_row), ut.from_tuple(user_row)

    def share_case(self, case_id: str, user_id: str) -> acc.Share:
        """Share a case with another user (audited). Its worker or a supervisor may share; a victim case is
        shared only with IDVAs and supervisors, a perpetrator case only with Drive users and supervisors."""
        with self.transaction() as conn:
            case, user = self._case_and_user(conn, case_id, user_id)
            share = acc.share_case(conn, self._access(conn), case, user)
            audit.append(conn, self._audit_key, self.user_name, "case.shared", case.id, {"with": user.id})
        return share

    def unshare_case(self, case_id: str, user_id: str) -> bool:
        """Stop sharing a case with a user (audited); True if it was shared."""
        with self.transaction() as conn:
            case, _ = self._case_and_user(conn, case_id, user_id)
            gone = acc.unshare_case(conn, self._access(conn), case, user_id)
            if gone:
                audit.append(conn, self._audit_key, self.user_name, "case.unshared", case.id, {"with": user_id})
        return gone

    def shares(self, case_id: str) -> list[acc.Share]:
        """The shares of a case you can see."""
        with self.reading() as conn:
            scope = self._access(conn).own_ids(conn)
            if scope is not None and case_id not in scope:
                return []
            return acc.shares_of(conn, case_id)

    # --- audit queries -------------------------------------------------------------------------------------

    def audit_entries(self, case_id: str | None = None, limit: int = 500) -> list[audit.AuditEntry]:
        """Recent audit entries, newest first: a supervisor's are all; others see entries of their own
        cases and their own store-level entries."""
        with self.reading() as conn:
            return audit.entries(conn, case_id, limit, self._access(conn).audit_filter())

    def who_viewed(self, case_id: str, limit: int = 1000) -> list[audit.AuditEntry]:
        """Supervisors only: every view and reveal of one case, newest first."""
        with self.reading() as conn:
            self._access(conn).require_supervisor("see who viewed a case")
            return audit.entries(conn, case_id, limit, audit_table.c.event.in_(VIEW_EVENTS))

    def opened_by(self, user: str, limit: int = 1000) -> list[audit.AuditEntry]:
        """Supervisors only: the cases a worker (user name, any case) opened or revealed, newest first."""
        with self.reading() as conn:
            self._access(conn).require_supervisor("see what a worker opened")
            names = {
                str(n)
                for (n,) in conn.execute(sa.select(audit_table.c.actor).distinct())
                if normalise_user(str(n)) == normalise_user(user)
            }
            cond = sa.and_(audit_table.c.actor.in_(sorted(names)), audit_table.c.event.in_(VIEW_EVENTS))
            return audit.entries(conn, None, limit, cond)


@contextlib.contextmanager
def recording_failures(store_dir: Path, user: str | None) -> Iterator[None]:
    """Count a wrong passphrase raised inside the block (see :mod:`caseload.store.failures`)."""
    from caseload.store.errors import WrongPassphrase

    try:
        yield
    except WrongPassphrase:
        failures.record(store_dir, user)
        raise
