"""Shared fixtures: stores with floor KDF parameters (fast), sample records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caseload.domain.enums import Role
from caseload.store.keys import KdfParams
from caseload.store.store import Store

PASSPHRASE = "correct horse battery staple"
FLOOR = KdfParams()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    s = Store.create(store_dir, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    yield s
    s.lock()


@pytest.fixture
def supervisor_store(store_dir: Path) -> Iterator[Store]:
    """A store signed in as a supervisor: reads see every case (an IDVA sees only her own cases)."""
    s = Store.create(store_dir, "S. Supervisor", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    yield s
    s.lock()
