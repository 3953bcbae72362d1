"""The Store: the only object that holds the data key and talks SQL.

Open or create it with :meth:`Store.create` / :meth:`Store.open`; :meth:`Store.lock` closes the connection
and zeroes the key. Every write is one transaction with its audit entry. Screens call it from thread workers.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlcipher3

from caseload import paths
from caseload.domain.casefile import CaseFile
from caseload.domain.enums import Role
from caseload.domain.ids import new_id
from caseload.domain.model import RECORD_KEYS, Case, Person, User
from caseload.store import audit, keys, rekeying
from caseload.store.casework import CaseworkMixin
from caseload.store.casework_drive import DriveMixin
from caseload.store.engine import cipher_pages_failing, make_engine, verify_database
from caseload.store.errors import (
    ConflictError,
    DatabaseDamaged,
    StoreError,
    StoreExists,
    StoreNotFound,
)
from caseload.store.fileio import PRIVATE_FILE, make_private_dir
from caseload.store.lockfile import StoreLock
from caseload.store.migrations import migrate
from caseload.store.queries import Queries
from caseload.store.roles import RoleMixin, recording_failures
from caseload.store.schema import TABLES, settings_table, table_for

R = TypeVar("R")
Progress = Callable[[int, int], None]
BATCH = 5000


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Result of ``caseload check``."""

    keys_ok: bool
    cipher_pages_failing: tuple[int, ...]
    integrity: tuple[str, ...]
    audit_entries: int
    audit_first_broken: int | None
    audit_reason: str = ""

    @property
    def ok(self) -> bool:
        """Everything passed."""
        return (
            self.keys_ok
            and not self.cipher_pages_failing
            and self.integrity == ("ok",)
            and self.audit_first_broken is None
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "ok": self.ok,
            "keys_checksum": "ok" if self.keys_ok else "damaged",
            "cipher_integrity_check": list(self.cipher_pages_failing),
            "integrity_check": list(self.integrity),
            "audit": {
                "entries": self.audit_entries,
                "first_broken": self.audit_first_broken,
                "reason": self.audit_reason,
            },
        }


def store_exists(store_dir: Path) -> bool:
    """True if ``store_dir`` holds a keys file or a database."""
    return paths.keys_path(store_dir).exists() or paths.db_path(store_dir).exists()


class Store(RoleMixin, Queries, CaseworkMixin, DriveMixin):
    """An unlocked store. Not constructed directly: use :meth:`create` or :meth:`open`."""

    def __init__(
        self,
        store_dir: Path,
        keyfile: keys.KeysFile,
        slot: keys.KeySlot,
        data_key: bytearray,
        lock: StoreLock,
    ) -> None:
        self.store_dir = store_dir
        self._keys = keyfile
        self._slot = slot
        self._data_key: bytearray | None = data_key
        self._audit_key = audit.audit_key(data_key)
        self._lockfile = lock
        engine, mutex = make_engine(paths.db_path(store_dir), data_key)
        self._engine: sa.Engine | None = engine
        self._mutex = mutex
        self.user_name = slot.user
        self.role = Role(slot.role)
        self._access_cache = None

    # --- lifecycle ------------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        store_dir: Path,
        user: str,
        role: Role,
        passphrase: str,
        kdf: keys.KdfParams | None = None,
        first_user: User | None = None,
    ) -> Store:
        """Create a new store with its first user slot, and return it unlocked.

        ``first_user`` is the user record to store for the slot (default: a new one named ``user``).
        """
        keys.normalise_passphrase(passphrase, new=True)
        if store_exists(store_dir):
            raise StoreExists(f"A store already exists in {store_dir}.")
        try:
            make_private_dir(store_dir)
        except OSError as exc:
            raise StoreError(f"Cannot create the store folder {store_dir}: {exc.strerror}.") from None
        lock = StoreLock(paths.lock_path(store_dir))
        try:
            lock.acquire()
        except OSError as exc:
            raise StoreError(f"Cannot write in {store_dir}: {exc.strerror}.") from None
        created: list[Path] = []
        try:
            params = kdf or keys.calibrate()
            data_key = keys.new_data_key()
            slot = keys.make_slot(data_key, user, role.value, passphrase, params, keys.slot_id())
            keyfile = keys.KeysFile(store_id=new_id(), slots=(slot,))
            db = paths.db_path(store_dir)
            created += [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
            _touch_private(db)
            store = cls(store_dir, keyfile, slot, data_key, lock)
            migrate(store.engine)
            with store.transaction() as conn:
                me = first_user or User(id=new_id(), name=user, role=role)
                conn.execute(table_for(User).table.insert().values(table_for(User).to_row(me)))
                store._set_setting(conn, "store_id", keyfile.store_id)
                audit.append(conn, store._audit_key, user, "store.created")
            created.append(paths.keys_path(store_dir))
            keys.write_keys(paths.keys_path(store_dir), keyfile)
        except BaseException as exc:
            with contextlib.suppress(NameError):
                store._dispose()
            for p in created:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
            lock.release()
            if isinstance(exc, OSError):
                raise StoreError(f"Cannot create the store in {store_dir}: {exc.strerror}.") from None
            if isinstance(exc, sa.exc.OperationalError):
                raise StoreError(f"Cannot create the store in {store_dir}: {exc.orig}.") from None
            raise
        return store

    @classmethod
    def open(cls, store_dir: Path, passphrase: str, user: str | None = None, *, verify: bool = True) -> Store:
        """Unlock an existing store. Raises WrongPassphrase / KeysFileDamaged / DatabaseDamaged distinctly.

        ``verify=False`` skips the full page check at open (the app runs :meth:`verify_pages` in the
        background instead, so a large store unlocks quickly); every page read is still HMAC-checked."""
        if not store_exists(store_dir):
            raise StoreNotFound(f"No store in {store_dir}. Run 'caseload init' first.")
        if rekeying.pending_path(store_dir).exists():
            with StoreLock(paths.lock_path(store_dir)):
                rekeying.settle(store_dir, passphrase, user)
        keyfile = keys.read_keys(paths.keys_path(store_dir))
        named = keyfile.slot_for(user) if user else None
        with recording_failures(store_dir, named.user if named else ("(unknown user)" if user else None)):
            slot, data_key = keys.unlock(keyfile, passphrase, user)
        db = paths.db_path(store_dir)
        if not db.exists():
            keys.zero(data_key)
            raise DatabaseDamaged(None, "caseload.db is missing")
        lock = StoreLock(paths.lock_path(store_dir))
        lock.acquire()
        try:
            if verify:
                verify_database(db, data_key)
            store = cls(store_dir, keyfile, slot, data_key, lock)
            migrate(store.engine)
            store._after_unlock()
        except BaseException:
            with contextlib.suppress(NameError):
                store._dispose()
            keys.zero(data_key)
            lock.release()
            raise
        return store

    def lock(self) -> None:
        """Close the connection and drop the data key. The object is unusable afterwards."""
        self._dispose()
        self._lockfile.release()

    close = lock

    def _dispose(self) -> None:
        with self._mutex:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            if self._data_key is not None:
                keys.zero(self._data_key)
                self._data_key = None
            self._audit_key = b""

    def verify_pages(self) -> None:
        """Check every page's HMAC on a separate connection (no store mutex held, so reads go on meanwhile).
        Raises :class:`DatabaseDamaged` naming the first bad page."""
        key = self._data_key
        if key is None:
            raise StoreError("The store is locked.")
        verify_database(paths.db_path(self.store_dir), bytes(key))

    @property
    def is_open(self) -> bool:
        """True until :meth:`lock` is called."""
        return self._engine is not None

    @property
    def engine(self) -> sa.Engine:
        """The engine (raises once locked)."""
        if self._engine is None:
            raise StoreError("The store is locked.")
        return self._engine

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    # --- transactions ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction, serialised with every other store call."""
        with (
            self._mutex,
            _db_errors(),
            self.engine.connect().execution_options(caseload_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextlib.contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A read connection, serialised with every other store call."""
        with self._mutex, _db_errors(), self.engine.connect() as conn:
            yield conn

    def audit_event(self, event: str, case_id: str | None = None, **detail: Any) -> None:
        """Record an audit event on its own (e.g. a view or a reveal)."""
        with self.transaction() as conn:
            audit.append(conn, self._audit_key, self.user_name, event, case_id, detail)

    # --- writes ---------------------------------------------------------------------------------------

    def insert(self, record: Any, *, event: str = "record.added") -> Any:
        """Insert one record with an audit entry; returns it."""
        rt = table_for(type(record))
        with self.transaction() as conn:
            conn.execute(rt.table.insert().values(rt.to_row(record)))
            audit.append(
                conn, self._audit_key, self.user_name, event, _case_of(record), {"table": rt.table.name}
            )
        return record

    def update(self, record: R, *, event: str = "record.edited") -> R:
        """Write a changed record if nobody changed it since it was read; returns it with version + 1."""
        rt = table_for(type(record))
        if not rt.versioned:
            raise StoreError(f"{rt.table.name} records cannot be edited; add a new one instead.")
        old_version: int = getattr(record, "version")  # noqa: B009
        new = replace(record, version=old_version + 1)  # type: ignore[type-var]
        row = rt.to_row(new)
        with self.transaction() as conn:
            result = conn.execute(
                rt.table.update()
                .where(rt.table.c.id == row["id"], rt.table.c.version == old_version)
                .values(row)
            )
            if result.rowcount != 1:
                raise ConflictError(f"This {rt.table.name[:-1]} record")
            changed = sorted(k for k in row if k not in ("id", "version"))
            audit.append(
                conn,
                self._audit_key,
                self.user_name,
                event,
                _case_of(record),
                {"table": rt.table.name, "fields": changed},
            )
        return new

    def bulk_insert(
        self,
        records: Mapping[str, Sequence[Any]],
        *,
        progress: Progress | None = None,
        event: str = "records.imported",
    ) -> dict[str, int]:
        """Insert many records of many types in ONE transaction (all or nothing); returns counts by table."""
        by_key = {rt.table.name: rt for rt in TABLES.values()}
        unknown = set(records) - set(by_key)
        if unknown:
            raise StoreError(f"Unknown record kinds: {', '.join(sorted(unknown))}.")
        total = sum(len(v) for v in records.values())
        done = 0
        counts: dict[str, int] = {}
        order = [RECORD_KEYS[t] for t in TABLES]
        with self.transaction() as conn:
            for key in order:
                items = records.get(key, ())
                if not items:
                    continue
                rt = by_key[key]
                for start in range(0, len(items), BATCH):
                    chunk = items[start : start + BATCH]
                    conn.execute(rt.table.insert(), [rt.to_row(r) for r in chunk])
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                counts[key] = len(items)
            audit.append(conn, self._audit_key, self.user_name, event, None, {"counts": counts})
        return counts

    # --- settings -------------------------------------------------------------------------------------

    def _set_setting(self, conn: sa.Connection, key: str, value: str) -> None:
        t = settings_table
        conn.execute(t.delete().where(t.c.key == key))
        conn.execute(t.insert().values(key=key, value=value))

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting (audited)."""
        with self.transaction() as conn:
            self._set_setting(conn, key, value)
            audit.append(conn, self._audit_key, self.user_name, "settings.changed", None, {"key": key})

    def setting(self, key: str, default: str | None = None) -> str | None:
        """Read a setting."""
        with self.reading() as conn:
            value = conn.execute(
                sa.select(settings_table.c.value).where(settings_table.c.key == key)
            ).scalar_one_or_none()
        return default if value is None else str(value)

    # --- key slots ------------------------------------------------------------------------------------

    @property
    def slots(self) -> tuple[keys.KeySlot, ...]:
        """The key slots (no secrets in clear)."""
        return self._keys.slots

    def add_user(self, name: str, role: Role, passphrase: str, kdf: keys.KdfParams | None = None) -> User:
        """Add a user slot that opens the same data, and the user's record."""
        if self._keys.slot_for(name) is not None:
            raise StoreExists(f"A user called {name!r} already exists.")
        assert self._data_key is not None
        slot = keys.make_slot(
            self._data_key, name, role.value, passphrase, kdf or keys.calibrate(), keys.slot_id()
        )
        user = User(id=new_id(), name=name, role=role)
        new_keys = replace(self._keys, slots=(*self._keys.slots, slot))
        rt = table_for(User)
        with self.transaction() as conn:
            conn.execute(rt.table.insert().values(rt.to_row(user)))
            audit.append(conn, self._audit_key, self.user_name, "user.added", None, {"role": role.value})
            keys.write_keys(paths.keys_path(self.store_dir), new_keys)
        self._keys = new_keys
        return user

    def change_passphrase(self, old: str, new: str, kdf: keys.KdfParams | None = None) -> None:
        """Rewrap the signed-in user's slot under a new passphrase (other slots untouched)."""
        data_key = keys.unwrap(self._slot, old)
        try:
            slot = keys.make_slot(
                data_key, self._slot.user, self._slot.role, new, kdf or self._slot.kdf, self._slot.id
            )
        finally:
            keys.zero(data_key)
        new_keys = replace(self._keys, slots=tuple(slot if s.id == slot.id else s for s in self._keys.slots))
        with self.transaction() as conn:
            audit.append(conn, self._audit_key, self.user_name, "user.passphrase_changed")
            keys.write_keys(paths.keys_path(self.store_dir), new_keys)
        self._keys, self._slot = new_keys, slot

    # --- checks ---------------------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """Keys checksum, ``cipher_integrity_check``, ``integrity_check`` and the audit chain."""
        try:
            keys.read_keys(paths.keys_path(self.store_dir))
            keys_ok = True
        except StoreError:
            keys_ok = False
        with self.reading() as conn:
            raw = conn.connection.dbapi_connection
            pages = tuple(cipher_pages_failing(raw))
            integrity = tuple(str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall())
            chain = audit.verify(conn, self._audit_key)
        return CheckReport(keys_ok, pages, integrity, chain.entries, chain.first_broken, chain.reason)

    def checkpoint(self) -> None:
        """Force a WAL checkpoint (used by tests and before backups)."""
        with self._mutex, _db_errors():
            raw = self.engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # type: ignore[union-attr]
            finally:
                raw.close()

    # --- reads (see Queries for the rest) ---------------------------------------------------------

    def me(self) -> User | None:
        """The signed-in user's record."""
        want = keys.normalise_user(self.user_name)
        return next((u for u in self.users() if keys.normalise_user(u.name) == want), None)

    def casefile_for(self, case: Case) -> CaseFile:
        """Convenience: the full case file of a case."""
        found = self.casefile(case.id)
        if found is None:
            raise StoreError("That case no longer exists.")
        return found

    def people_by_id(self, ids: Iterable[str]) -> dict[str, Person]:
        """People by id."""
        wanted = set(ids)
        return {p.id: p for p in self.all(Person) if p.id in wanted}


def _case_of(record: Any) -> str | None:
    if isinstance(record, Case):
        return record.id
    return getattr(record, "case_id", None)


def _touch_private(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)


@contextlib.contextmanager
def _db_errors() -> Iterator[None]:
    """Turn driver errors into store errors with safe messages (parameters are hidden by the engine)."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        raise StoreError(f"The change breaks a store rule ({_first_line(exc.orig)}).") from None
    except sa.exc.OperationalError as exc:
        text = _first_line(exc.orig)
        if "disk" in text.lower() or "full" in text.lower():
            raise StoreError("The disk is full; nothing was saved.") from None
        raise StoreError(f"The store could not complete that ({text}); nothing was saved.") from None
    except sa.exc.DatabaseError as exc:
        if isinstance(exc.orig, sqlcipher3.DatabaseError):
            raise DatabaseDamaged(None, _first_line(exc.orig)) from None
        raise


def _first_line(exc: BaseException | None) -> str:
    return str(exc).splitlines()[0] if exc is not None and str(exc) else type(exc).__name__


def utcnow() -> datetime:
    """Current time in UTC."""
    return datetime.now(UTC)
