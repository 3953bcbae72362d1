"""Safe output files: generated names, the chosen folder only, temp file + fsync + atomic rename, mode 0600.

Files are staged first (all written and fsynced as hidden temp files in the folder), then committed by
renaming; anything that fails before the commit removes every staged temp file, so a failed export leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from caseload.store.fileio import PRIVATE_FILE, fsync_dir

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


class ExportPathError(ValueError):
    """The output folder is missing, not a folder, a symlink, or a file name would leave it."""


def neutralise(text: str) -> str:
    """OWASP ASVS 1.2.10: a cell starting with ``= + - @``, tab or CR is prefixed with ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def output_folder(folder: Path) -> Path:
    """The resolved output folder; refuses a symlink (at any level the user named) or a non-folder."""
    raw = Path(os.path.abspath(folder.expanduser()))
    for part in (raw, *raw.parents):
        if part.is_symlink():
            raise ExportPathError(f"{folder} goes through a symbolic link; choose the real folder.")
    if not raw.exists():
        raise ExportPathError(f"The folder {folder} does not exist.")
    if not raw.is_dir():
        raise ExportPathError(f"{folder} is not a folder.")
    return raw.resolve(strict=True)


def target(folder: Path, name: str) -> Path:
    """``folder / name`` for a generated name, checked to stay inside ``folder`` and not be a link."""
    if not _SAFE_NAME.match(name) or name in (".", ".."):
        raise ExportPathError("Refusing an unsafe file name.")
    path = folder / name
    if path.parent != folder or path.is_symlink():
        raise ExportPathError("Refusing to write outside the chosen folder or through a link.")
    return path


@dataclass
class Staged:
    """Temp files waiting to be renamed onto their targets."""

    folder: Path
    pending: list[tuple[Path, Path]] = field(default_factory=list)

    def add(self, name: str, data: bytes) -> None:
        """Write ``data`` to a hidden temp file in the folder (fsynced, 0600)."""
        path = target(self.folder, name)
        if path.exists():
            raise ExportPathError(f"{name} already exists in the folder.")
        fd, tmp_name = tempfile.mkstemp(prefix=".caseload-export-", suffix=".tmp", dir=self.folder)
        tmp = Path(tmp_name)
        self.pending.append((tmp, path))
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def commit(self) -> list[Path]:
        """Rename every staged file onto its target; returns the targets."""
        done: list[Path] = []
        for tmp, path in self.pending:
            if path.exists() or path.is_symlink():
                raise ExportPathError(f"{path.name} appeared in the folder while writing.")
            os.replace(tmp, path)
            done.append(path)
        self.pending = []
        fsync_dir(self.folder)
        return done

    def discard(self) -> None:
        """Remove every staged temp file."""
        for tmp, _ in self.pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self.pending = []


@contextlib.contextmanager
def staging(folder: Path) -> Iterator[Staged]:
    """Stage files in ``folder``; on any error every temp file is removed."""
    staged = Staged(output_folder(folder))
    try:
        yield staged
    finally:
        staged.discard()
