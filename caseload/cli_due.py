"""``caseload due``: the due list for a worker or everyone, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from json.encoder import encode_basestring_ascii as _string
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from caseload.clock import today_local
from caseload.domain.due import as_json, due_items_from_facts, priority
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


class _Nested(Exception):
    """A row value is a list or an object (not a flat row)."""


def _value(v: Any) -> str:
    if type(v) is str:
        return _string(v)
    if type(v) is int:
        return int.__repr__(v)
    if isinstance(v, list | tuple | dict):
        raise _Nested
    return json.dumps(v)


def dumps_rows(rows: list[dict[str, Any]]) -> str:
    """``json.dumps(rows, indent=1)``, byte for byte, several times faster for a list of flat rows (the
    standard encoder drops to pure Python when indenting; here each string goes through its C escaper).
    Rows holding lists or objects go to ``json.dumps``."""
    if not rows:
        return "[]"
    keys: dict[str, str] = {}
    try:
        parts = [
            "{\n  "
            + ",\n  ".join((keys.get(k) or keys.setdefault(k, _string(k) + ": ")) + _value(v) for k, v in row.items())
            + "\n }"
            if row
            else "{}"
            for row in rows
        ]
    except _Nested:
        return json.dumps(rows, indent=1)
    return "[\n " + ",\n ".join(parts) + "\n]"


def run_due(store: Store, args: argparse.Namespace, out: Console) -> int:
    """Compute and print the due list."""
    from caseload.cli import CliError

    on = args.as_of or today_local()
    try:
        worker_id = resolve_worker(store, args.worker)
    except UnknownWorker as exc:
        raise CliError(str(exc)) from None
    items = due_items_from_facts(store.due_facts(worker_id=worker_id), on, worker_id=worker_id)
    if args.json:
        out.file.write(dumps_rows(as_json(items)) + "\n")
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
