"""Export benchmark: a year's anonymised partnership summary for the 10,000-case demo store (goal ≤ 2 s).

    .venv/bin/python benchmarks/export_bench.py [--store DIR] [--cases 10000] [--repeat 5] [--as-of 2026-12-31]

Builds the demo store once in DIR (default /tmp/caseload-export-bench; reused when it exists), adds a
supervisor slot (partnership exports are a supervisor's), then times, median of ``--repeat`` runs: the
reporting queries, the anonymiser (every table, every breakdown, suppression), the R9 ledger check, and
rendering each format. Writes nothing but the store (files are rendered in memory).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain.enums import Role
from caseload.export.anonymise import Rules
from caseload.export.differencing import conflicts, ledger_cells
from caseload.export.periods import parse_period
from caseload.export.service import ExportRequest, Prepared, prepare, render
from caseload.export.summary import build_summary
from caseload.store import keys, ledger, reporting
from caseload.store.store import Store, store_exists

SUPERVISOR = "Bench Supervisor"
console = Console(width=120)


def _store(folder: Path, cases: int, as_of: date) -> Store:
    if not store_exists(folder):
        console.print(f"Building a {cases:,}-case demo store in {folder} (once) …")
        build_demo(folder, cases, 1, as_of, kdf=keys.KdfParams())
    store = Store.open(folder, DEMO_PASSPHRASE, verify=False)
    if not any(s.user == SUPERVISOR for s in store.slots):
        store.add_user(SUPERVISOR, Role.SUPERVISOR, DEMO_PASSPHRASE, kdf=keys.KdfParams())
    store.lock()
    return Store.open(folder, DEMO_PASSPHRASE, SUPERVISOR, verify=False)


def _time(fn: object, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> int:
    """Run the benchmark and print a table."""
    p = argparse.ArgumentParser()
    p.add_argument("--store", type=Path, default=Path("/tmp/caseload-export-bench"))
    p.add_argument("--cases", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 12, 31))
    args = p.parse_args()
    store = _store(args.store, args.cases, args.as_of)
    period = parse_period(str(args.as_of.year), args.as_of)
    rules = Rules()
    t_pop, pop = _time(lambda: reporting.population(store, period.start, period.end), args.repeat)
    t_sum, summary = _time(lambda: build_summary(pop, period, rules, args.as_of, "All areas"), args.repeat)  # type: ignore[arg-type]
    entry = ledger.LedgerEntry("bench", "", period.label, period.start, period.end, "", "html",
                               ledger_cells(summary.tables))  # type: ignore[union-attr]
    t_led, _ = _time(lambda: conflicts(entry, ledger.entries(store), {}, rules), args.repeat)
    t_all, prepared = _time(lambda: prepare(store, ExportRequest(str(args.as_of.year), None, "html",
                                                                   as_of=args.as_of)), args.repeat)
    table = Table(title=f"Partnership summary for {period.label}: {len(pop.facts):,} cases in scope")  # type: ignore[union-attr]
    table.add_column("step")
    table.add_column("median s", justify="right")
    table.add_row("reporting queries (store)", f"{t_pop:.3f}")
    table.add_row("anonymise: 17 tables × breakdowns", f"{t_sum:.3f}")
    table.add_row("R9 ledger check", f"{t_led:.3f}")
    table.add_row("prepare() end to end", f"{t_all:.3f}")
    assert isinstance(prepared, Prepared)
    totals: list[float] = []
    for fmt in ("csv", "xlsx", "html", "md"):
        pf = Prepared(ExportRequest(str(args.as_of.year), None, fmt, as_of=args.as_of), prepared.summary,
                      prepared.entry, ())
        t_fmt, files = _time(lambda pf=pf: render(pf), args.repeat)
        size = sum(len(b) for b in files.values())  # type: ignore[union-attr]
        table.add_row(f"render {fmt} ({size / 1024:.0f} KiB)", f"{t_fmt:.3f}")
        table.add_row(f"  year summary total as {fmt}", f"{t_all + t_fmt:.3f}")
        totals.append(t_all + t_fmt)
    console.print(table)
    worst = max(totals)
    console.print(f"Year summary, slowest format: {worst:.2f} s (goal ≤ 2 s: {'met' if worst <= 2 else 'NOT met'})")
    store.lock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
