"""Build a demo store from the synthetic caseload: generate, derive victim updates, load in one go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from caseload.domain import victims_code
from caseload.domain.enums import Channel, Role
from caseload.domain.model import RECORD_KEYS, Case, User, VictimUpdate
from caseload.store import admin, keys
from caseload.store.store import Store
from caseload.synthetic.generator import SyntheticCaseload, generate

DEMO_PASSPHRASE = "demo passphrase - synthetic data only"
DEMO_MARKER = "DEMO"
Progress = Callable[[str, int, int], None]


def derive_updates(sc: SyntheticCaseload, today: date) -> list[VictimUpdate]:
    """Victims' Code obligations for every milestone on a victim case; older ones mostly told."""
    cases = {c.id: c for c in sc.cases}
    out: list[VictimUpdate] = []
    for n, milestone in enumerate(sc.milestones):
        case = cases.get(milestone.case_id)
        if case is None or case.kind.value != "victim":
            continue
        for update in victims_code.obligations_for(milestone, case):
            if update.due_on < today - timedelta(days=10):
                told = update.due_on + timedelta(days=1 if n % 9 == 0 else 0)
                update = replace(update, told_on=told, told_channel=Channel.PHONE)
            out.append(update)
    for info in sc.drive_info:
        victim_case = cases.get(info.victim_case_id)
        if victim_case is None:
            continue
        update = victims_code.drive_update_for(info)
        if update.due_on < today - timedelta(days=10):
            update = replace(update, told_on=update.due_on, told_channel=Channel.PHONE)
        out.append(update)
    return out


def records_of(sc: SyntheticCaseload, updates: list[VictimUpdate]) -> dict[str, list[Any]]:
    """The synthetic caseload as ``{table: records}`` for :meth:`Store.bulk_insert`."""
    names = {f.name for f in fields(sc)}
    records: dict[str, list[Any]] = {
        key: list(getattr(sc, key)) for key in RECORD_KEYS.values() if key in names
    }
    records["updates"] = updates
    return records


def demo_user(sc: SyntheticCaseload) -> User:
    """The user the demo signs in as: the IDVA with the most open cases."""
    open_counts: dict[str, int] = {}
    for c in sc.cases:
        if c.closed_on is None:
            open_counts[c.worker_id] = open_counts.get(c.worker_id, 0) + 1
    idvas = [u for u in sc.users if u.role is Role.IDVA]
    return max(idvas, key=lambda u: (open_counts.get(u.id, 0), u.name))


def demo_colleagues(sc: SyntheticCaseload) -> list[User]:
    """Colleagues who also get a demo key slot (same passphrase): the Drive case manager with the most open
    cases, then a supervisor. Sign in as them with ``--user NAME`` to see the store as that role."""
    open_counts: dict[str, int] = {}
    for c in sc.cases:
        if c.closed_on is None:
            open_counts[c.worker_id] = open_counts.get(c.worker_id, 0) + 1
    out: list[User] = []
    for role in (Role.DRIVE, Role.SUPERVISOR):
        candidates = [u for u in sc.users if u.role is role]
        if candidates:
            out.append(max(candidates, key=lambda u: (open_counts.get(u.id, 0), u.name)))
    return out


def slot_user(store_dir: Path, role: Role) -> str | None:
    """The name of the first key slot with ``role`` (e.g. the demo supervisor), or None."""
    found = keys.read_keys(store_dir / "keys.json")
    return next((s.user for s in found.slots if s.role == role.value), None)


def build_demo(
    store_dir: Path,
    cases: int,
    seed: int,
    today: date,
    progress: Progress | None = None,
    kdf: keys.KdfParams | None = None,
) -> tuple[User, dict[str, int]]:
    """Create a demo store in ``store_dir``; returns the demo user and record counts."""
    if progress:
        progress("Generating synthetic caseload", 0, 1)
    sc = generate(cases=cases, seed=seed, today=today)
    updates = derive_updates(sc, today)
    me = demo_user(sc)
    if progress:
        progress("Generating synthetic caseload", 1, 1)
    store = Store.create(
        store_dir, me.name, me.role, DEMO_PASSPHRASE, kdf=kdf or keys.KdfParams(), first_user=me
    )
    try:
        records = records_of(sc, updates)
        records["users"] = [u for u in records["users"] if u.id != me.id]
        counts = store.bulk_insert(
            records,
            progress=(lambda d, t: progress("Writing encrypted store", d, t)) if progress else None,
            event="demo.generated",
        )
        store.set_setting("demo", f"cases={cases};seed={seed};today={today.isoformat()}")
        colleagues = demo_colleagues(sc)  # Drive first: once a supervisor has a slot, only she may add users
        for n, colleague in enumerate(colleagues, start=1):
            admin.add_user(store, colleague.name, colleague.role, DEMO_PASSPHRASE, kdf=kdf or keys.KdfParams())
            if progress:
                progress("Adding demo colleagues' key slots", n, len(colleagues))
    finally:
        store.lock()
    (store_dir / DEMO_MARKER).write_text("synthetic demo store: no real data\n", encoding="utf-8")
    return me, counts


def is_demo_store(store_dir: Path) -> bool:
    """True if the folder was made by ``caseload demo``."""
    return (store_dir / DEMO_MARKER).is_file()


def open_cases(store: Store) -> list[Case]:
    """Open cases of the store (small helper for the CLI summary)."""
    return store.cases(open_only=True)
