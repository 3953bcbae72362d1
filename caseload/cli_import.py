"""``caseload import FILE``: validate everything first, then write all of it in one transaction or nothing."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import replace
from typing import Any

from rich.console import Console

from caseload.domain.model import Case, User
from caseload.importing import ImportPlan, RowError, read_import_file
from caseload.store.keys import normalise_user
from caseload.store.store import Store

EXIT_OK = 0
EXIT_REFUSED = 1
MAX_ERRORS_SHOWN = 200


def check_against_store(store: Store, plan: ImportPlan, fallback_worker: str | None) -> ImportPlan:
    """Errors the file cannot know about: references and ids already in the store, unknown workers."""
    errors: list[RowError] = list(plan.errors)
    records: dict[str, tuple[Any, ...]] = dict(plan.records)
    existing_refs = {c.reference for c in store.cases()}
    existing_users = {u.id: u for u in store.users()}
    users_by_name = {normalise_user(u.name): u for u in existing_users.values()}

    for n, case in enumerate(records.get("cases", ()), start=1):
        if case.reference in existing_refs:
            errors.append(
                RowError(n, "reference", f"case reference {case.reference} is already in the store", "cases")
            )

    kept_users: list[User] = []
    for n, user in enumerate(records.get("users", ()), start=1):
        same_name = users_by_name.get(normalise_user(user.name))
        if user.id in existing_users:
            continue
        if same_name is not None:
            errors.append(
                RowError(n, "name", f"a different user called {user.name!r} is already in the store", "users")
            )
            continue
        kept_users.append(user)
    if "users" in records:
        records["users"] = tuple(kept_users)

    if plan.worker_names:
        unknown: Counter[str] = Counter()
        fallback_id = None
        if fallback_worker is not None:
            fb = users_by_name.get(normalise_user(fallback_worker))
            if fb is None:
                errors.append(
                    RowError(0, "worker", f"--worker {fallback_worker!r} is not a user of this store")
                )
            else:
                fallback_id = fb.id
        cases: list[Case] = []
        for case in records.get("cases", ()):
            name = plan.worker_names.get(case.id, "")
            user = users_by_name.get(normalise_user(name)) if name else None
            if user is not None:
                cases.append(replace(case, worker_id=user.id))
            elif fallback_id is not None:
                cases.append(replace(case, worker_id=fallback_id))
            else:
                unknown[name or "(blank)"] += 1
                cases.append(case)
        for name, count in sorted(unknown.items()):
            errors.append(
                RowError(
                    0,
                    "worker",
                    f"worker {name!r} is not a user of this store ({count} cases); "
                    "add the user or pass --worker NAME",
                )
            )
        records["cases"] = tuple(cases)
    return ImportPlan(records=records, errors=tuple(errors), warnings=plan.warnings, worker_names={})


def run_import(store: Store, args: argparse.Namespace, out: Console, err: Console) -> int:
    """Validate, report, and (unless --dry-run) write all records in one transaction."""
    from caseload.cli import progress_bar

    plan = read_import_file(args.file)
    if plan.ok:
        plan = check_against_store(store, plan, args.worker)
    for warning in plan.warnings:
        err.print(f"note: {warning}", markup=False)
    if not plan.ok:
        for error in plan.errors[:MAX_ERRORS_SHOWN]:
            err.print(f"error: {error}", markup=False)
        more = len(plan.errors) - MAX_ERRORS_SHOWN
        if more > 0:
            err.print(f"… and {more} more errors.", markup=False)
        err.print(f"Nothing was imported: {len(plan.errors)} errors.", markup=False)
        return EXIT_REFUSED
    summary = ", ".join(f"{len(v):,} {k}" for k, v in plan.records.items() if v)
    if args.dry_run:
        out.print(
            f"Dry run: the file is valid and would import {summary}. Nothing was written.", markup=False
        )
        return EXIT_OK
    with progress_bar() as update:
        store.bulk_insert(
            {k: list(v) for k, v in plan.records.items()},
            progress=lambda d, t: update("Importing", d, t),
            event="records.imported",
        )
    out.print(f"Imported {summary}.", markup=False)
    return EXIT_OK
