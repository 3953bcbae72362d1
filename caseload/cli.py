"""Command line: builds Config and Store, runs a command or opens the TUI. Every command works unattended."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

from rich.console import Console

from caseload import cli_admin, paths
from caseload.cli_export import add_parser as add_export_parser
from caseload.cli_export import cmd_export
from caseload.clock import today_local
from caseload.config import Config, ConfigError, load_config
from caseload.domain.enums import Role
from caseload.passphrase import PassphraseError, get_passphrase
from caseload.store.errors import StoreError
from caseload.store.store import Store, store_exists

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class CliError(Exception):
    """A user-facing error: one line, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="caseload",
        description="Casework for IDVAs, Drive case managers and supervisors, on an encrypted local store. "
        "With no command, opens the app on the store.",
    )
    p.add_argument(
        "--store", type=Path, help=f"store folder (default: ${paths.STORE_ENV} or the user data dir)"
    )
    p.add_argument(
        "--passphrase-file",
        type=Path,
        help="read the passphrase from this file (less safe than the prompt; so is $CASELOAD_PASSPHRASE)",
    )
    p.add_argument("--user", help="user name of the key slot to unlock (default: whichever slot opens)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("init", help="create a store and the first user slot")
    s.add_argument("--role", choices=[r.value for r in Role], default=Role.IDVA.value)

    s = sub.add_parser(
        "demo", help="create (or reuse) a demo store with a synthetic caseload and open the app"
    )
    s.add_argument("--cases", type=int, default=60, help="number of cases (60 … 10000; default 60)")
    s.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    s.add_argument("--as-of", type=date.fromisoformat, help="the demo's 'today' (default: today)")
    s.add_argument("--no-open", action="store_true", help="build the store but do not open the app")
    s.add_argument("--fresh", action="store_true", help="delete an existing demo store first")
    s.add_argument(
        "--export-bundle", type=Path, metavar="FILE", help="also write the caseload as a JSON bundle"
    )

    s = sub.add_parser(
        "check", help="integrity: keys checksum, cipher_integrity_check, integrity_check, audit"
    )
    s.add_argument("--json", action="store_true", help="print the report as JSON")

    s = sub.add_parser("due", help="due and overdue work, ranked by risk × lateness")
    s.add_argument("--json", action="store_true", help="print JSON (schema in the README)")
    s.add_argument("--as-of", type=date.fromisoformat, help="date to compute for (default: today)")
    s.add_argument("--worker", help="one worker's items (default: everyone's)")

    s = sub.add_parser(
        "import", help="import a JSON bundle or a CSV/XLSX caseload spreadsheet (all or nothing)"
    )
    s.add_argument("file", type=Path)
    s.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    s.add_argument("--worker", help="worker for spreadsheet rows with no known worker (default: you)")

    add_export_parser(sub)

    cli_admin.add_parsers(sub)

    sub.add_parser("tui", help="open the app (same as no command)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``caseload`` console script."""
    os.umask(0o077)
    parser = _parser()
    args = parser.parse_args(argv)
    store_dir: Path = args.store.expanduser() if args.store else paths.default_store_dir()
    if args.command == "demo" and not args.store and not os.environ.get(paths.STORE_ENV):
        store_dir = paths.demo_store_dir()
    try:
        handler = COMMANDS.get(args.command or "tui", cmd_tui)
        return handler(args, store_dir)
    except (StoreError, PassphraseError, ConfigError, CliError) as exc:
        err.print(f"caseload: {exc}", markup=False)
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.print("caseload: interrupted; nothing was half-written.", markup=False)
        return 130
    except Exception as exc:
        if os.environ.get("CASELOAD_DEBUG") == "1":
            raise
        err.print(
            f"caseload: unexpected {type(exc).__name__}; nothing was changed. "
            "Set CASELOAD_DEBUG=1 to see details (may show data).",
            markup=False,
        )
        return 70


# --- helpers ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr; yields ``update(label, done, total)``."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield update


def open_store(args: argparse.Namespace, store_dir: Path, *, verify: bool = True) -> Store:
    """Unlock the store with the passphrase from file, environment or prompt. ``verify=False`` (read-only
    commands) skips the whole-file page check at open; every page read is still HMAC-checked."""
    if not store_exists(store_dir):
        raise CliError(f"No store in {store_dir}. Run 'caseload init' (or 'caseload demo') first.")
    passphrase = get_passphrase(args.passphrase_file)
    return Store.open(store_dir, passphrase, args.user, verify=verify)


def _config(args: argparse.Namespace, store_dir: Path) -> Config:
    return load_config(paths.config_file(), store_dir, user=args.user)


# --- commands --------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload init."""
    if store_exists(store_dir):
        raise CliError(f"A store already exists in {store_dir}.")
    user = args.user or (input("Your name (as colleagues know you): ").strip() if sys.stdin.isatty() else "")
    if not user:
        raise CliError("A user name is needed: pass --user NAME.")
    passphrase = get_passphrase(args.passphrase_file, "New passphrase: ", confirm=True)
    store = Store.create(store_dir, user, Role(args.role), passphrase)
    store.lock()
    out.print(f"Created an encrypted store in {store_dir} for {user} ({args.role}).", markup=False)
    out.print("Keep full-disk encryption on: no application can protect memory, swap or hibernation.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload demo."""
    from caseload.demo import DEMO_PASSPHRASE, build_demo, is_demo_store

    if not 1 <= args.cases <= 20000:
        raise CliError("--cases must be between 1 and 20000.")
    today = args.as_of or today_local()
    if store_exists(store_dir) and args.fresh:
        if not is_demo_store(store_dir):
            raise CliError(f"{store_dir} is not a demo store; refusing to delete it.")
        shutil.rmtree(store_dir)
    if store_exists(store_dir):
        if not is_demo_store(store_dir):
            raise CliError(f"{store_dir} holds a store that is not a demo store; use another --store.")
        out.print(f"Reusing the demo store in {store_dir} (use --fresh to rebuild).", markup=False)
    else:
        with progress_bar() as update:
            me, counts = build_demo(store_dir, args.cases, args.seed, today, progress=update)
        out.print(
            f"Demo store in {store_dir}: {counts.get('cases', 0):,} cases, "
            f"{counts.get('contacts', 0):,} contacts. Sign in as {me.name}.",
            markup=False,
        )
    out.print(f"Demo passphrase: {DEMO_PASSPHRASE}", markup=False)
    others = _demo_slots(store_dir)
    if others:
        out.print(f"Same passphrase, other roles (type the name in the user field): {others}", markup=False)
    if args.export_bundle:
        from caseload.cli_bundle import export_bundle
        from caseload.demo import slot_user

        # The whole caseload: signed in as the demo supervisor (the demo IDVA sees only her own cases).
        with Store.open(store_dir, DEMO_PASSPHRASE, slot_user(store_dir, Role.SUPERVISOR)) as store:
            n = export_bundle(store, args.export_bundle)
        out.print(f"Wrote {n:,} records to {args.export_bundle}.", markup=False)
    if args.no_open:
        return EXIT_OK
    return _run_tui(_config(args, store_dir))


def _demo_slots(store_dir: Path) -> str:
    """"A. Manager (drive), A. Supervisor (supervisor)": the demo's other key slots."""
    from caseload.store import keys

    try:
        found = keys.read_keys(paths.keys_path(store_dir))
    except StoreError:
        return ""
    return ", ".join(f"{s.user} ({s.role})" for s in found.slots[1:])


def cmd_check(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload check."""
    store = open_store(args, store_dir)
    try:
        report = store.check()
    finally:
        store.lock()
    if args.json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        out.print(f"keys file checksum      {'ok' if report.keys_ok else 'DAMAGED'}", markup=False)
        pages = ", ".join(map(str, report.cipher_pages_failing)) or "ok"
        out.print(f"cipher_integrity_check  {pages}", markup=False)
        out.print(f"integrity_check         {'; '.join(report.integrity)}", markup=False)
        chain = "ok" if report.audit_first_broken is None else f"BROKEN at entry {report.audit_first_broken}"
        out.print(f"audit chain             {chain} ({report.audit_entries} entries)", markup=False)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def cmd_due(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload due."""
    from caseload.cli_due import run_due

    store = open_store(args, store_dir, verify=False)
    try:
        return run_due(store, args, out)
    finally:
        store.lock()


def cmd_import(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload import."""
    from caseload.cli_import import run_import

    store = open_store(args, store_dir)
    try:
        return run_import(store, args, out, err)
    finally:
        store.lock()


def cmd_tui(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload (no command): open the app."""
    if not store_exists(store_dir):
        raise CliError(f"No store in {store_dir}. Run 'caseload init' or 'caseload demo' first.")
    return _run_tui(_config(args, store_dir))


def _run_tui(config: Config) -> int:
    from caseload.app import make_app

    app = make_app(config)
    app.run()
    return int(app.return_code or 0)


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "check": cmd_check,
    "due": cmd_due,
    "import": cmd_import,
    "export": cmd_export,
    "tui": cmd_tui,
    "passwd": cli_admin.cmd_passwd,
    "user": cli_admin.cmd_user,
    "rekey": cli_admin.cmd_rekey,
    "backup": cli_admin.cmd_backup,
    "restore": cli_admin.cmd_restore,
    "retention": cli_admin.cmd_retention,
}
