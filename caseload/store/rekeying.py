"""Full rekey (new data key, ``PRAGMA rekey``, every remaining slot rewrapped) that survives a kill at any point.

Order: (1) the audit HMAC key is pinned inside the database (``audit_secret`` setting), so the chain stays
verifiable under the new data key; (2) the new slots are written to ``keys.json.rekey`` (fsynced); (3)
``PRAGMA rekey`` rewrites every page in one transaction; (4) ``keys.json.rekey`` is atomically renamed over
``keys.json``. :func:`settle` runs at every open: if a ``keys.json.rekey`` is left over, whichever key the
database actually accepts decides whether it is completed (renamed) or dropped. Nothing is ever lost: at every
moment one of the two files unwraps to the key the database is under.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import sqlcipher3

from caseload import paths
from caseload.store import keys
from caseload.store.engine import raw_connect
from caseload.store.errors import DatabaseDamaged, StoreError
from caseload.store.fileio import fsync_dir

PENDING_SUFFIX = ".rekey"


def pending_path(store_dir: Path) -> Path:
    """Where the new slots wait while the database is rekeyed."""
    kp = paths.keys_path(store_dir)
    return kp.with_name(kp.name + PENDING_SUFFIX)


def key_opens(db: Path, key: bytes | bytearray) -> bool:
    """True if SQLCipher accepts ``key`` for the database (reads the schema; no page scan)."""
    try:
        conn = raw_connect(db, key)
    except (DatabaseDamaged, sqlcipher3.DatabaseError):
        return False
    conn.close()
    return True


def settle(store_dir: Path, passphrase: str, user: str | None) -> None:
    """Finish or drop an interrupted rekey. Call with the store lock held, before unlocking normally."""
    pending = pending_path(store_dir)
    if not pending.exists():
        return
    db = paths.db_path(store_dir)
    old_slot, old_key = keys.unlock(keys.read_keys(paths.keys_path(store_dir)), passphrase, user)
    try:
        if key_opens(db, old_key):
            pending.unlink()  # the rekey never committed: the old keys are right
            fsync_dir(store_dir)
            return
    finally:
        keys.zero(old_key)
    try:
        new_file = keys.read_keys(pending)
        _, new_key = keys.unlock(new_file, passphrase, old_slot.user)
    except StoreError:
        raise DatabaseDamaged(None, "an interrupted rekey left keys that do not open it") from None
    try:
        if not key_opens(db, new_key):
            raise DatabaseDamaged(None, "neither the old nor the new key opens it")
    finally:
        keys.zero(new_key)
    os.replace(pending, paths.keys_path(store_dir))  # the rekey committed: complete it
    fsync_dir(store_dir)


def rekey_database(raw_conn: object, store_dir: Path, new_keys: keys.KeysFile, new_key: bytearray) -> None:
    """Steps (2)–(4) on the store's open connection (the caller holds the store mutex and has pinned the
    audit key). On failure before the rename the pending file is removed if the database kept its old key."""
    pending = pending_path(store_dir)
    keys.write_keys(pending, new_keys)
    try:
        cur = raw_conn.cursor()  # type: ignore[attr-defined]
        cur.execute(f"PRAGMA rekey = \"x'{bytes(new_key).hex()}'\"")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        cur.close()
    except BaseException:
        if key_opens(paths.db_path(store_dir), new_key):
            raise
        with contextlib.suppress(FileNotFoundError):
            pending.unlink()
        raise
    os.replace(pending, paths.keys_path(store_dir))
    fsync_dir(store_dir)
