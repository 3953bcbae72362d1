"""Subprocess for the kill harness: opens a store and writes in a loop until SIGKILLed.

``python -m tests.reliability.kill_worker STORE ACKS PASSPHRASE_INDEX SEED``. After each operation returns
(committed) one line is appended to ACKS and fsynced: ``save ID``, ``import BATCH N``, ``pw INDEX``,
``backup PATH``, ``rekey``. Nothing is acknowledged before the store call returned.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from caseload.domain.enums import ContactKind
from caseload.domain.ids import new_id
from caseload.domain.model import Contact, Person
from caseload.store import admin, admin_backup
from caseload.store.keys import KdfParams
from caseload.store.store import Store
from tests.records import sample

IMPORT_ROWS = 150


def passphrase(index: int) -> str:
    """The passphrase of generation ``index``."""
    return f"kill harness passphrase {index}"


def main() -> None:
    store_dir, acks, index, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    store = Store.open(store_dir, passphrase(index))
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def ack(line: str) -> None:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)

    print("ready", flush=True)
    case_id = new_id()
    while True:
        op = rng.choices(["save", "import", "pw", "backup", "rekey"], [50, 25, 10, 10, 5])[0]
        if op == "save":
            p = sample(Person, "KILL")
            store.insert(p)
            ack(f"save {p.id}")
        elif op == "import":
            batch = new_id()
            rows = [
                sample(Contact, batch, case_id=case_id, kind=ContactKind.CONTACT, note=batch)
                for _ in range(IMPORT_ROWS)
            ]
            store.bulk_insert({"contacts": rows})
            ack(f"import {batch} {IMPORT_ROWS}")
        elif op == "pw":
            store.change_passphrase(passphrase(index), passphrase(index + 1), kdf=KdfParams())
            index += 1
            ack(f"pw {index}")
        elif op == "backup":
            path = admin_backup.backup(store)
            ack(f"backup {path}")
        else:
            admin.rekey(store, {store.user_name: passphrase(index)}, kdf=KdfParams())
            ack("rekey")
            store = Store.open(store_dir, passphrase(index))


if __name__ == "__main__":
    main()
