"""Store administration commands: passwd, user add|list|remove, rekey, backup, restore, retention."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from rich.table import Table
from rich.text import Text

from caseload.clock import today_local
from caseload.domain.enums import Role
from caseload.domain.sanitise import one_line
from caseload.passphrase import PassphraseError, from_file, get_passphrase

NEW_PASSPHRASE_ENV = "CASELOAD_NEW_PASSPHRASE"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the administration sub-commands."""
    s = sub.add_parser("passwd", help="change your passphrase (rewraps your key slot only)")
    s.add_argument("--new-passphrase-file", type=Path, help=f"new passphrase from a file (or ${NEW_PASSPHRASE_ENV})")

    s = sub.add_parser("user", help="key slots: user add | list | remove")
    us = s.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = us.add_parser("add", help="add a user slot (supervisors)")
    a.add_argument("name")
    a.add_argument("--role", choices=[r.value for r in Role], required=True)
    a.add_argument("--team", default="")
    a.add_argument("--new-passphrase-file", type=Path, help="the new user's passphrase from a file")
    us.add_parser("list", help="list users and whether each has a key slot")
    r = us.add_parser("remove", help="delete a user's key slot (supervisors); consider 'caseload rekey' after")
    r.add_argument("name")

    s = sub.add_parser("rekey", help="new data key for the whole store; every slot rewrapped (supervisors)")
    s.add_argument(
        "--passphrases-file", type=Path, help='JSON {"user": "passphrase", …} for the other slots (less safe)'
    )

    s = sub.add_parser("backup", help="encrypted, consistent backup (default: <store>/backups/)")
    s.add_argument("--out", type=Path, metavar="FILE", help="write the backup to FILE instead")

    s = sub.add_parser("restore", help="verify a backup, keep the current store aside, then restore it")
    s.add_argument("file", type=Path)

    s = sub.add_parser("retention", help="cases past their retention date (supervisors); --dispose to delete")
    s.add_argument("--as-of", type=date.fromisoformat, help="date to review for (default: today)")
    s.add_argument("--dispose", nargs="+", metavar="REF", help="hard-delete these offered cases")


def _new_passphrase(file: Path | None, who: str) -> str:
    if file is not None:
        return from_file(file)
    env = os.environ.get(NEW_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise PassphraseError(f"No new passphrase for {who}: use --new-passphrase-file or ${NEW_PASSPHRASE_ENV}.")
    return get_passphrase(None, f"New passphrase for {who}: ", confirm=True)


def cmd_passwd(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload passwd."""
    from caseload.cli import EXIT_OK, out
    from caseload.store import admin
    from caseload.store.store import Store

    old = get_passphrase(args.passphrase_file)
    store = Store.open(store_dir, old, args.user)
    try:
        admin.change_passphrase(store, old, _new_passphrase(args.new_passphrase_file, store.user_name))
        name = store.user_name
    finally:
        store.lock()
    out.print(f"Passphrase changed for {name}; other users' slots are unchanged.", markup=False)
    return EXIT_OK


def cmd_user(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload user add|list|remove."""
    from caseload.cli import EXIT_OK, open_store, out
    from caseload.store import admin

    store = open_store(args, store_dir)
    try:
        if args.user_command == "list":
            table = Table(title="Users", title_justify="left")
            for col in ("Name", "Role", "Team", "Key slot", "Active"):
                table.add_column(col)
            for info in admin.list_users(store):
                table.add_row(
                    Text(one_line(info.name, 40)),
                    Text(info.role.value),
                    Text(one_line(info.team, 30)),
                    Text("yes" if info.has_slot else "no"),
                    Text("yes" if info.active else "no"),
                )
            out.print(table)
        elif args.user_command == "add":
            passphrase = _new_passphrase(args.new_passphrase_file, args.name)
            user = admin.add_user(store, args.name, Role(args.role), passphrase, team=args.team)
            out.print(f"Added a key slot for {one_line(user.name, 60)} ({args.role}).", markup=False)
        else:
            slot = admin.remove_user(store, args.name)
            out.print(
                f"Removed the key slot of {one_line(slot.user, 60)}. If they may have kept a copy of the "
                "store, run 'caseload rekey' too.",
                markup=False,
            )
    finally:
        store.lock()
    return EXIT_OK


def cmd_rekey(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload rekey."""
    from caseload.cli import EXIT_OK, CliError, out, progress_bar
    from caseload.store import admin
    from caseload.store.store import Store

    mine = get_passphrase(args.passphrase_file)
    store = Store.open(store_dir, mine, args.user)
    try:
        given: dict[str, str] = {store.user_name: mine}
        if args.passphrases_file is not None:
            try:
                doc = json.loads(from_file(args.passphrases_file))
            except json.JSONDecodeError:
                raise CliError("The passphrases file is not JSON.") from None
            if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
                raise CliError('The passphrases file must be {"user": "passphrase", …}.')
            given.update({str(k): v for k, v in doc.items()})
        for slot in store.slots:
            if slot.user not in given and sys.stdin.isatty():
                given[slot.user] = get_passphrase(None, f"Passphrase of {slot.user}: ")
        with progress_bar() as update:
            n = admin.rekey(store, given, progress=update)
    finally:
        if store.is_open:
            store.lock()
    out.print(f"The store has a new data key; {n} key slots rewrapped.", markup=False)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload backup."""
    from caseload.cli import EXIT_OK, open_store, out, progress_bar
    from caseload.store import admin_backup

    store = open_store(args, store_dir)
    try:
        with progress_bar() as update:
            path = admin_backup.backup(store, args.out, progress=update)
    finally:
        store.lock()
    out.print(f"Encrypted backup written to {path}.", markup=False)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload restore FILE (the current store need not open)."""
    from caseload.cli import EXIT_OK, out, progress_bar
    from caseload.store import admin_backup

    passphrase = get_passphrase(args.passphrase_file, "Passphrase (any user of the backup): ")
    with progress_bar() as update:
        aside = admin_backup.restore(store_dir, args.file, passphrase, args.user, progress=update)
    out.print(f"Restored. The previous store's files are kept in {aside}.", markup=False)
    return EXIT_OK


def cmd_retention(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload retention [--dispose REF ...]."""
    from caseload.cli import EXIT_OK, open_store, out
    from caseload.store import admin_retention

    on = args.as_of or today_local()
    store = open_store(args, store_dir)
    try:
        if args.dispose:
            counts = admin_retention.dispose(store, args.dispose, on)
            out.print(
                f"Disposed of {len(args.dispose)} case(s): {sum(counts.values()):,} records deleted.", markup=False
            )
            return EXIT_OK
        items = admin_retention.review(store, on)
    finally:
        store.lock()
    table = Table(title=f"Retention review on {on:%d %b %Y} · {len(items)} cases", title_justify="left")
    for col in ("Case", "Closed", "Due for disposal", "Offered", "Why"):
        table.add_column(col)
    for i in items:
        table.add_row(
            Text(i.reference),
            Text(i.closed_on.isoformat() if i.closed_on else ""),
            Text(i.dispose_on.isoformat() if i.dispose_on else "—"),
            Text("yes" if i.offered else "no (hold)"),
            Text(one_line(i.reason, 90)),
        )
    out.print(table)
    return EXIT_OK
