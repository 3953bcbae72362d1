"""Store administration: user slots (add, list, remove), passphrase change and full rekey. No Textual.

Who may administer: a supervisor; in a store with no supervisor slot at all (one IDVA working alone), its
users. Every change is audited with ids and roles only. Backup/restore live in :mod:`admin_backup`,
retention review in :mod:`admin_retention`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from caseload import paths
from caseload.domain.enums import Role
from caseload.domain.ids import new_id
from caseload.domain.model import User
from caseload.store import audit, keys, rekeying
from caseload.store.errors import NotPermitted, StoreError, StoreExists, WrongPassphrase
from caseload.store.schema import table_for

if TYPE_CHECKING:
    from caseload.store.store import Store

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class UserInfo:
    """One line of ``caseload user list``."""

    name: str
    role: Role
    has_slot: bool
    active: bool
    team: str


@contextlib.contextmanager
def _keys_write() -> Iterator[None]:
    """A keys-file write that fails (disk full, I/O error) becomes a clear message; the transaction it runs
    in rolls back and the old keys file stays (it is replaced atomically)."""
    try:
        yield
    except OSError as exc:
        raise StoreError(
            f"The keys file could not be written ({exc.strerror or exc}); nothing was changed."
        ) from None


def require_admin(store: Store, what: str) -> None:
    """Raise :class:`NotPermitted` unless the signed-in user may administer the store."""
    if store.role is Role.SUPERVISOR:
        return
    if any(s.role == Role.SUPERVISOR.value for s in store.slots):
        raise NotPermitted(f"Only a supervisor can {what}.")


def _user_record(store: Store, name: str) -> User | None:
    want = keys.normalise_user(name)
    return next((u for u in store.users() if keys.normalise_user(u.name) == want), None)


def list_users(store: Store) -> list[UserInfo]:
    """Every user record and slot, by name (slots without a record are listed too)."""
    slotted = {keys.normalise_user(s.user): s for s in store.slots}
    out: list[UserInfo] = []
    seen: set[str] = set()
    for u in store.users():
        key = keys.normalise_user(u.name)
        seen.add(key)
        out.append(UserInfo(u.name, u.role, key in slotted, u.active, u.team))
    for key, slot in slotted.items():
        if key not in seen:
            out.append(UserInfo(slot.user, Role(slot.role), True, True, ""))
    return sorted(out, key=lambda i: keys.normalise_user(i.name))


def add_user(
    store: Store, name: str, role: Role, passphrase: str, kdf: keys.KdfParams | None = None, team: str = ""
) -> User:
    """Add a key slot for ``name``. A user record of that name (e.g. imported) gets the slot; otherwise a
    new record is made. Audited as ``user.added``."""
    require_admin(store, "add users")
    name = name.strip()
    if store._keys.slot_for(name) is not None:
        raise StoreExists(f"A user called {name!r} already has a key slot.")
    existing = _user_record(store, name)
    if existing is not None and existing.role is not role:
        raise StoreError(f"{name!r} is already a user of this store with the role {existing.role.value}.")
    data_key = store._data_key
    if data_key is None:
        raise StoreError("The store is locked.")
    slot = keys.make_slot(data_key, name, role.value, passphrase, kdf or keys.calibrate(), keys.slot_id())
    user = existing or User(id=new_id(), name=name, role=role, team=team)
    new_keys = replace(store._keys, slots=(*store._keys.slots, slot))
    rt = table_for(User)
    with _keys_write(), store.transaction() as conn:
        if existing is None:
            conn.execute(rt.table.insert().values(rt.to_row(user)))
        elif not existing.active:
            conn.execute(rt.table.update().where(rt.table.c.id == user.id).values(active=True))
        detail = {"user_id": user.id, "role": role.value, "slot": slot.id}
        audit.append(conn, store._audit_key, store.user_name, "user.added", None, detail)
        keys.write_keys(paths.keys_path(store.store_dir), new_keys)
    store._keys = new_keys
    return user


def remove_user(store: Store, name: str) -> keys.KeySlot:
    """Delete ``name``'s key slot (their user record stays, marked inactive, for the cases' history).
    A removed user who may have kept a copy of the store should be followed by :func:`rekey`."""
    require_admin(store, "remove users")
    slot = store._keys.slot_for(name)
    if slot is None:
        raise StoreError(f"No user called {name!r} has a key slot.")
    if slot.id == store._slot.id:
        raise StoreError("You cannot remove your own key slot; ask another administrator.")
    remaining = tuple(s for s in store._keys.slots if s.id != slot.id)
    new_keys = replace(store._keys, slots=remaining)
    record = _user_record(store, slot.user)
    rt = table_for(User)
    with _keys_write(), store.transaction() as conn:
        if record is not None:
            conn.execute(rt.table.update().where(rt.table.c.id == record.id).values(active=False))
        detail = {"user_id": record.id if record else "", "role": slot.role, "slot": slot.id}
        audit.append(conn, store._audit_key, store.user_name, "user.removed", None, detail)
        keys.write_keys(paths.keys_path(store.store_dir), new_keys)
    store._keys = new_keys
    return slot


def change_passphrase(store: Store, old: str, new: str) -> None:
    """Rewrap the signed-in user's slot under a new passphrase (audited; other slots untouched)."""
    if old == new:
        raise StoreError("The new passphrase is the same as the old one.")
    with _keys_write():
        store.change_passphrase(old, new)


def rekey(
    store: Store,
    passphrases: Mapping[str, str],
    *,
    kdf: keys.KdfParams | None = None,
    progress: Progress | None = None,
) -> int:
    """New data key, ``PRAGMA rekey``, every slot rewrapped. ``passphrases`` maps each slot's user name to
    its passphrase (a slot cannot be rewrapped without it); all are checked before anything changes.
    The audit chain keeps verifying (its key is pinned first). The store is locked afterwards: reopen it.
    Returns the number of slots rewrapped."""
    require_admin(store, "rekey the store")
    given = {keys.normalise_user(k): v for k, v in passphrases.items()}
    slots = store._keys.slots
    missing = [s.user for s in slots if keys.normalise_user(s.user) not in given]
    if missing:
        raise StoreError(f"A passphrase is needed for every slot; missing: {', '.join(missing)}.")

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress("Rekeying", done, total)

    total = len(slots) * 2 + 2
    current = store._data_key
    if current is None:
        raise StoreError("The store is locked.")
    for n, slot in enumerate(slots, start=1):  # check every passphrase before changing anything
        try:
            key = keys.unwrap(slot, given[keys.normalise_user(slot.user)])
        except WrongPassphrase:
            raise WrongPassphrase(f"Wrong passphrase for {slot.user}; nothing was changed.") from None
        same = bytes(key) == bytes(current)
        keys.zero(key)
        if not same:
            raise StoreError(f"{slot.user}'s slot does not open this store's data key; nothing was changed.")
        step(n, total)
    chain = store.check()
    if chain.audit_first_broken is not None:
        raise StoreError(f"The audit chain is broken at entry {chain.audit_first_broken}; not rekeying.")
    new_key = keys.new_data_key()
    new_slots = []
    for n, slot in enumerate(slots, start=len(slots) + 1):
        pp = given[keys.normalise_user(slot.user)]
        new_slots.append(keys.make_slot(new_key, slot.user, slot.role, pp, kdf or slot.kdf, slot.id))
        step(n, total)
    new_keys = replace(store._keys, slots=tuple(new_slots))
    with store.transaction() as conn:
        audit.pin_key(conn, store._audit_key)
        audit.append(conn, store._audit_key, store.user_name, "store.rekey_started", None, {"slots": len(slots)})
    with _keys_write(), store._mutex:
        raw = store.engine.raw_connection()
        try:
            rekeying.rekey_database(raw.driver_connection, store.store_dir, new_keys, new_key)
        finally:
            raw.close()
    step(total - 1, total)
    store.lock()
    from caseload.store.store import Store as StoreClass

    name, pp = store.user_name, given[keys.normalise_user(store.user_name)]
    with StoreClass.open(store.store_dir, pp, name) as reopened, reopened.transaction() as conn:
        audit.append(conn, reopened._audit_key, name, "store.rekeyed", None, {"slots": len(slots)})
    keys.zero(new_key)
    step(total, total)
    return len(slots)

