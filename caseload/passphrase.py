"""Getting a passphrase: prompt (default), ``CASELOAD_PASSPHRASE`` or ``--passphrase-file`` (less safe)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

PASSPHRASE_ENV = "CASELOAD_PASSPHRASE"
MAX_FILE_BYTES = 4096


class PassphraseError(ValueError):
    """No usable passphrase could be had."""


def from_file(path: Path) -> str:
    """Read a passphrase file: UTF-8, one trailing newline removed, nothing else trimmed."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PassphraseError(f"The passphrase file is larger than {MAX_FILE_BYTES} bytes.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PassphraseError(f"The passphrase file {path} does not exist.") from None
    except OSError as exc:
        raise PassphraseError(f"The passphrase file cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PassphraseError("The passphrase file is not valid UTF-8 text.") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if "\x00" in text:
        raise PassphraseError("The passphrase file contains a NUL character.")
    return text


def get_passphrase(file: Path | None, prompt: str = "Passphrase: ", *, confirm: bool = False) -> str:
    """The passphrase from the file, the environment, or an interactive prompt."""
    if file is not None:
        return from_file(file)
    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise PassphraseError(
            f"No passphrase: run in a terminal, or set {PASSPHRASE_ENV} or --passphrase-file."
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat passphrase: ") != first:
        raise PassphraseError("The two passphrases differ.")
    return first
