"""``caseload due``: the due list for a worker or everyone, as a table or JSON."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from caseload.clock import today_local
from caseload.domain.due import as_json, due_items, priority
from caseload.domain.sanitise import one_line
from caseload.store.keys import normalise_user
from caseload.store.store import Store

EXIT_OK = 0


class UnknownWorker(ValueError):
    """No user of that name."""


def resolve_worker(store: Store, name: str | None) -> str | None:
    """The id of the named worker (case-insensitive), None for everyone."""
    if name is None:
        return None
    want = normalise_user(name)
    for user in store.users():
        if normalise_user(user.name) == want:
            return user.id
    raise UnknownWorker(f"No worker called {name!r} in this store.")


def run_due(store: Store, args: argparse.Namespace, out: Console) -> int:
    """Compute and print the due list."""
    from caseload.cli import CliError

    on = args.as_of or today_local()
    try:
        worker_id = resolve_worker(store, args.worker)
    except UnknownWorker as exc:
        raise CliError(str(exc)) from None
    files = store.due_casefiles(worker_id=worker_id)
    items = due_items(files, on, worker_id=worker_id)
    if args.json:
        out.file.write(json.dumps(as_json(items), indent=1) + "\n")
        return EXIT_OK
    table = Table(title=f"Due on {on:%a %d %b %Y} · {len(items):,} items", title_justify="left")
    for col in ("Risk", "Case", "What", "Due", "Late", "Priority"):
        table.add_column(col)
    for item in items:
        late = (
            f"{item.days_overdue} d" if item.days_overdue > 0 else ("today" if item.days_overdue == 0 else "")
        )
        table.add_row(
            Text(item.risk.value.upper()),
            Text(item.case_reference),
            Text(one_line(item.reason, 90)),
            Text(item.due_on.strftime("%d %b %Y")),
            Text(late),
            Text(str(priority(item))),
        )
    out.print(table)
    return EXIT_OK
