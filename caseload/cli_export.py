"""``caseload export partnership``: an anonymised partnership summary written to a folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when an export runs: other commands start faster without them
    from rich.console import Console

    from caseload.store.store import Store

FORMATS = ("csv", "xlsx", "html", "md")
"""Same as :data:`caseload.export.writers.FORMATS` (a test keeps them equal)."""

EXIT_OK = 0
EXIT_REFUSED = 1
SHOW_CONFLICTS = 12


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export partnership`` on the main parser's subcommands."""
    s = sub.add_parser("export", help="anonymised partnership summaries")
    kinds = s.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    p = kinds.add_parser("partnership", help="anonymised partnership summary for a quarter or a year")
    p.add_argument("--period", required=True, help="2026-Q3 (a quarter) or 2026 (a year, to date if running)")
    p.add_argument("--area", help="one local authority / CSP area (default: all areas)")
    p.add_argument("--format", choices=FORMATS, default="html", help="csv, xlsx, html or md (default html)")
    p.add_argument("--out", type=Path, help="folder to write into (default: the store's exports folder)")
    p.add_argument("--threshold", type=int, default=10, help="suppression threshold (10 or more; default 10)")
    p.add_argument("--as-of", type=date.fromisoformat, help=argparse.SUPPRESS)


def cmd_export(args: argparse.Namespace, store_dir: Path) -> int:
    """caseload export partnership."""
    from caseload.cli import err, open_store, out, progress_bar

    store = open_store(args, store_dir)
    try:
        with progress_bar() as update:
            return run_export(store, args, out, err, update)
    finally:
        store.lock()


def run_export(
    store: Store,
    args: argparse.Namespace,
    out: Console,
    err: Console,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Prepare, check the ledger, write; print the files or the refusal in words."""
    from caseload.cli import CliError
    from caseload.export.files import ExportPathError
    from caseload.export.service import ExportError, ExportRefused, ExportRequest, prepare, write

    request = ExportRequest(args.period, args.area, args.format, args.threshold, getattr(args, "as_of", None))
    step = progress or (lambda _label, _done, _total: None)
    try:
        step("Anonymising", 0, 2)
        prepared = prepare(store, request)
        step("Anonymising", 1, 2)
        files = write(store, prepared, args.out)
        step("Anonymising", 2, 2)
    except ExportRefused as refused:
        err.print(
            "caseload: export refused (R9 differencing): together with an earlier export it would let "
            "someone work out a number between 1 and 9.",
            markup=False,
        )
        for c in refused.conflicts[:SHOW_CONFLICTS]:
            err.print(f"  - {c.explain()}", markup=False)
        more = len(refused.conflicts) - SHOW_CONFLICTS
        if more > 0:
            err.print(f"  … and {more} more figure(s).", markup=False)
        err.print("Nothing was written. Choose a period or area that does not nest inside, or contain, the "
                  "earlier export.", markup=False)
        return EXIT_REFUSED
    except (ExportError, ExportPathError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Could not write the export: {exc.strerror or 'I/O error'}; nothing was written.") from None
    counts = prepared.counts
    out.print(
        f"Wrote {len(files)} file(s) for {prepared.summary.period.describe()}, {prepared.summary.area}: "
        f"{counts['tables']} tables, {counts['cells']} figures, "
        f"{counts['withheld_primary']} shown as <{prepared.summary.rules.threshold}, "
        f"{counts['withheld_secondary'] + counts['withheld_dominance']} withheld (*).",
        markup=False,
    )
    for f in files:
        out.print(f"  {f}", markup=False)
    return EXIT_OK
