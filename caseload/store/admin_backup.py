"""Encrypted backups and verified restore. No Textual.

A backup file is ``MAGIC`` + the length of the keys file (8 bytes, big-endian) + keys.json (no secret in clear)
+ a SQLCipher database made by ``VACUUM INTO`` on the store's keyed connection: encrypted with the same data
key, consistent while the store is open (one read transaction). It never passes through plaintext
(``sqlcipher_export`` to a plaintext attach is never used). Written to a temp file, fsynced, atomically renamed,
mode 0600. Any slot in the backup's keys restores it.

Restore checks everything on a staged copy first — keys checksum and unwrap, ``cipher_integrity_check``,
``integrity_check``, the audit chain — and only then moves the current store's files aside into a dated
``replaced-…`` folder (never deleted, never overwritten) and the staged files into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from caseload import paths
from caseload.store import keys
from caseload.store.errors import StoreError
from caseload.store.fileio import PRIVATE_FILE, fsync_dir, make_private_dir
from caseload.store.lockfile import StoreLock

if TYPE_CHECKING:
    from caseload.store.store import CheckReport, Store

MAGIC = b"CASELOAD-BACKUP-1\n"
SUFFIX = ".clbackup"
CHUNK = 1 << 20
MAX_KEYS_BYTES = 1 << 20
Progress = Callable[[str, int, int], None]


class BackupRefused(StoreError):
    """A backup that cannot be restored (damaged, foreign, or failing a check); nothing was changed."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"The backup cannot be restored: {detail}. The current store was not changed.")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def default_backup_path(store_dir: Path) -> Path:
    """``<store>/backups/caseload-<UTC time>.clbackup`` (a new name each time)."""
    folder = store_dir / "backups"
    base = f"caseload-{_stamp()}"
    path, n = folder / f"{base}{SUFFIX}", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}{SUFFIX}"
    return path


def _private_new(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    os.close(fd)


def _copy(src: IO[bytes], dst: IO[bytes], total: int, progress: Progress | None, label: str) -> None:
    done = 0
    while chunk := src.read(CHUNK):
        dst.write(chunk)
        done += len(chunk)
        if progress is not None:
            progress(label, done, total)


def backup(store: Store, out: Path | None = None, progress: Progress | None = None) -> Path:
    """Write an encrypted, consistent backup of the open store; returns its path. Audited (no values)."""
    dest = out if out is not None else default_backup_path(store.store_dir)
    if dest.is_symlink() or dest.exists():
        raise StoreError(f"{dest} already exists; choose another file.")
    if out is None:
        make_private_dir(dest.parent)
    elif not dest.parent.is_dir():
        raise StoreError(f"The folder {dest.parent} does not exist.")
    stage = dest.parent / f".{dest.name}.{os.getpid()}.db.tmp"
    final_tmp = dest.parent / f".{dest.name}.{os.getpid()}.tmp"
    try:
        _private_new(stage)
        stage.unlink()  # VACUUM INTO wants a new file; the name is ours and the folder private or chosen
        if progress is not None:
            progress("Copying the encrypted store", 0, 1)
        with store._mutex:  # one read transaction on the keyed connection: consistent while open
            raw = store.engine.raw_connection()
            try:
                raw.driver_connection.execute("VACUUM INTO ?", (str(stage),))  # type: ignore[union-attr]
            finally:
                raw.close()
        os.chmod(stage, PRIVATE_FILE)
        keys_bytes = keys.dumps(store._keys)
        size = stage.stat().st_size
        _private_new(final_tmp)
        with final_tmp.open("wb") as fh, stage.open("rb") as src:
            fh.write(MAGIC + struct.pack(">Q", len(keys_bytes)) + keys_bytes)
            _copy(src, fh, size, progress, "Writing the backup")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(final_tmp, dest)
        fsync_dir(dest.parent)
    except OSError as exc:
        raise StoreError(f"The backup could not be written ({exc.strerror or exc}); no backup file was left.") from None
    finally:
        for p in (stage, final_tmp):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
    store.audit_event("store.backed_up", bytes=dest.stat().st_size)
    return dest


def _unpack(file: Path, into: Path, progress: Progress | None) -> bytes:
    """Split a backup into its keys (returned) and database (written to ``into``); BackupRefused if it is
    not one."""
    try:
        with file.open("rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise BackupRefused("it is not a caseload backup")
            (n,) = struct.unpack(">Q", fh.read(8).rjust(8, b"\0"))
            if not 0 < n <= MAX_KEYS_BYTES:
                raise BackupRefused("its keys section is damaged")
            keys_bytes = fh.read(n)
            if len(keys_bytes) != n:
                raise BackupRefused("it is cut short")
            total = file.stat().st_size - len(MAGIC) - 8 - n
            with into.open("wb") as out:
                _copy(fh, out, total, progress, "Reading the backup")
                out.flush()
                os.fsync(out.fileno())
    except FileNotFoundError:
        raise StoreError(f"No such backup file: {file}.") from None
    except OSError as exc:
        raise StoreError(f"The backup could not be read ({exc.strerror or exc}); nothing was changed.") from None
    return keys_bytes


def verify_backup(file: Path, passphrase: str, user: str | None = None, work: Path | None = None) -> CheckReport:
    """Check a backup completely on a throw-away copy; BackupRefused on any problem."""
    from caseload.store.store import Store

    folder = work or file.parent / f".verify-{_stamp()}-{os.getpid()}"
    make_private_dir(folder)
    try:
        return _stage(file, folder, passphrase, user, None, Store)[1]
    finally:
        if work is None:
            shutil.rmtree(folder, ignore_errors=True)


def _stage(
    file: Path, folder: Path, passphrase: str, user: str | None, progress: Progress | None, store_cls: type[Store]
) -> tuple[str, CheckReport]:
    db = paths.db_path(folder)
    _private_new(db)
    keys_bytes = _unpack(file, db, progress)
    try:
        keyfile = keys.loads(keys_bytes)
    except StoreError:
        raise BackupRefused("its keys section fails its checksum") from None
    keys.write_keys(paths.keys_path(folder), keyfile)
    try:
        with store_cls.open(folder, passphrase, user) as staged:
            report = staged.check()
            name = staged.user_name
            staged.checkpoint()
    except StoreError as exc:
        if type(exc).__name__ == "WrongPassphrase":
            raise
        raise BackupRefused(str(exc).split(". ")[0].lower()) from None
    if not report.ok:
        what = (
            "its audit chain is broken at entry {report.audit_first_broken}"
            if report.audit_first_broken is not None
            else "it fails its integrity checks"
        )
        raise BackupRefused(what.format(report=report))
    return name, report


def restore(
    store_dir: Path, file: Path, passphrase: str, user: str | None = None, progress: Progress | None = None
) -> Path:
    """Verify ``file`` and make it the store; the current files go to a dated folder, whose path is
    returned. Works with any user's slot in the backup, and on a store that will no longer open."""
    from caseload.store.store import Store

    make_private_dir(store_dir)
    stamp = _stamp()
    staging = store_dir / f".restore-{stamp}-{os.getpid()}"
    aside = store_dir / f"replaced-{stamp}"
    make_private_dir(staging)
    try:
        name, _ = _stage(file, staging, passphrase, user, progress, Store)
        with StoreLock(paths.lock_path(store_dir)):
            make_private_dir(aside)
            db, kf = paths.db_path(store_dir), paths.keys_path(store_dir)
            for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), kf):
                if p.exists():
                    os.replace(p, aside / p.name)
            fsync_dir(aside)
            os.replace(paths.db_path(staging), db)
            os.replace(paths.keys_path(staging), kf)
            fsync_dir(store_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with Store.open(store_dir, passphrase, name) as restored:
        restored.audit_event("store.restored", bytes=file.stat().st_size)
    return aside
