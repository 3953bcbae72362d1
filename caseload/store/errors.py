"""Errors the store raises. Each carries a one-line message safe to show: no case data, no key material."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: something about the store prevents the operation. ``str()`` is the user message."""


class WrongPassphrase(StoreError):
    """The passphrase did not unwrap any key slot (AES-GCM tag failed)."""

    def __init__(self, message: str = "Wrong passphrase.") -> None:
        super().__init__(message)


class KeysFileDamaged(StoreError):
    """keys.json is unreadable, fails its checksum or holds refused parameters."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"The keys file is damaged: {detail}. The store was not changed.")


class DatabaseDamaged(StoreError):
    """The key is right but SQLCipher refuses the file or a page fails its check."""

    def __init__(self, page: int | None, detail: str = "") -> None:
        self.page = page
        where = f" (page {page})" if page is not None else ""
        extra = f": {detail}" if detail else ""
        super().__init__(
            f"The database is damaged{where}{extra}. The store was not changed; restore from a backup."
        )


class StoreOpenElsewhere(StoreError):
    """Another caseload process holds this store."""

    def __init__(self, pid: int | None) -> None:
        who = f" (process {pid})" if pid else ""
        super().__init__(f"This store is open elsewhere{who}. Close the other caseload first.")


class StoreNotFound(StoreError):
    """No store at the given directory."""


class StoreExists(StoreError):
    """A store already exists where a new one was asked for."""


class StoreTooNew(StoreError):
    """The store was made by a newer caseload than this one."""


class ConflictError(StoreError):
    """A stale write: the record changed since it was read."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was changed by someone else since you opened it. Reload and try again.")


class BadPassphrase(StoreError):
    """A passphrase that cannot be used (empty, too long, too short for a new slot)."""


class NotPermitted(StoreError):
    """The signed-in user's role does not allow this."""
