"""Where an identifiable document may be written, and how: the folder guard and the durable private write.

* The file name is generated (:func:`document_name`): a kind, the date of writing and random hex — never case
  data.
* :func:`guarded_target` resolves the target inside the chosen folder: no absolute or ``..`` parts, no
  symbolic link anywhere in the chosen folder's path or below it, no existing file overwritten.
* :func:`write_private` writes a hidden temp file in that folder (mode 0600), fsyncs it, renames it onto the
  target atomically and fsyncs the folder; on any failure the temp file is removed and nothing is left.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from datetime import date
from pathlib import Path, PurePath

from caseload.store.fileio import PRIVATE_FILE, fsync_dir


class DocumentError(Exception):
    """The document could not be written where asked; ``str()`` is one plain line, no case data."""


def document_name(kind: str, suffix: str, today: date) -> str:
    """A generated file name such as ``marac-referral-20261210-9f3a1c07.html`` (no case data)."""
    return f"{kind}-{today.strftime('%Y%m%d')}-{secrets.token_hex(4)}.{suffix}"


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def chosen_folder(folder: Path) -> Path:
    """The chosen folder as an absolute path; refused when missing, not a folder, or reached through a
    symbolic link at any level."""
    raw = Path(os.path.abspath(folder.expanduser()))
    for part in (raw, *raw.parents):
        st = _lstat(part)
        if st is not None and stat.S_ISLNK(st.st_mode):
            raise DocumentError("The chosen folder goes through a symbolic link; choose the real folder.")
    st = _lstat(raw)
    if st is None:
        raise DocumentError("The chosen folder does not exist.")
    if not stat.S_ISDIR(st.st_mode):
        raise DocumentError("The chosen path is not a folder.")
    return raw


def guarded_target(folder: Path, relative: str | PurePath) -> Path:
    """``folder / relative``, refused unless it stays inside the chosen folder without following a link.

    ``relative`` must be relative, without ``..`` or empty parts; every folder below the chosen one must exist
    and be a real folder (not a link); the file itself must not exist yet (nothing is overwritten).
    """
    base = chosen_folder(folder)
    text = str(relative)
    rel = PurePath(text)
    if text.startswith(("/", "\\")) or rel.is_absolute() or rel.drive or rel.root:
        raise DocumentError("The file must go inside the chosen folder (an absolute path was given).")
    parts = text.split("/")  # the raw parts: PurePath would quietly drop "." and empty ones
    if any(part in ("..", ".", "") for part in parts) or "\\" in text or "\x00" in text:
        raise DocumentError("The file must go inside the chosen folder ('..' or an odd name was given).")
    current = base
    for part in parts[:-1]:
        current = current / part
        st = _lstat(current)
        if st is None or stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            raise DocumentError("The file must go inside the chosen folder (a link or a missing folder).")
    target = current / parts[-1]
    if _lstat(target) is not None:
        raise DocumentError("A file of that name already exists there; nothing was written.")
    if os.path.commonpath([str(base), str(target.parent.resolve(strict=True))]) != str(base.resolve(strict=True)):
        raise DocumentError("The file must go inside the chosen folder.")
    return target


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` (from :func:`guarded_target`): temp file 0600 in the same folder, fsync,
    atomic rename, folder fsync. Raises :class:`DocumentError` and leaves nothing behind on failure."""
    folder = target.parent
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".caseload-", suffix=".tmp", dir=folder)
        tmp = Path(tmp_name)
        os.chmod(tmp, PRIVATE_FILE)  # mkstemp already makes it 0600; this states it
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if _lstat(target) is not None:
            raise DocumentError("A file of that name already exists there; nothing was written.")
        os.replace(tmp, target)
        tmp = None
        fsync_dir(folder)
    except OSError as exc:
        raise DocumentError(
            f"Could not write the document ({exc.strerror or 'input/output error'}); nothing was written."
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
