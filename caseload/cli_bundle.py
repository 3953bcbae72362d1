"""Write every record of a store as a JSON bundle (the import format), e.g. ``caseload demo --export-bundle``.

A bundle is identifiable data: it is for moving a caseload between caseload stores, not for sharing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caseload.domain.model import RECORD_KEYS
from caseload.importing import write_bundle
from caseload.store.store import Store


def store_records(store: Store) -> dict[str, list[Any]]:
    """Every record in the store by bundle section."""
    return {key: store.all(record_type) for record_type, key in RECORD_KEYS.items()}


def export_bundle(store: Store, path: Path) -> int:
    """Write the bundle atomically (mode 0600); returns the number of records written."""
    counts = write_bundle(store_records(store), path)
    store.audit_event("bundle.exported", records=sum(counts.values()))
    return sum(counts.values())
