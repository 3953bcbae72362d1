"""Store benchmark: a 10,000-case store; typical queries through the Store API, raw sqlcipher3 and plaintext.

    .venv/bin/python benchmarks/store_bench.py [--cases 10000] [--repeat 20] [--keep DIR]

Builds the store with the synthetic generator (seeded), then for each query prints the median time through
the Store API (SQLAlchemy + decoding into domain records), the same SQL through raw ``sqlcipher3`` on the
same file, and the same SQL on a plaintext SQLite copy (built from the same records in a temp folder and
deleted afterwards), as ratios against plaintext.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.store import keys
from caseload.store.engine import raw_connect
from caseload.store.schema import TABLES, metadata
from caseload.store.store import Store

console = Console(width=150)

SQL_OPEN_BY_WORKER = "SELECT * FROM cases WHERE worker_id = ? AND closed_on IS NULL ORDER BY reference"
SQL_OVERDUE = """
SELECT c.id, c.reference, c.risk_level, MAX(k.at) AS last_contact
FROM cases c LEFT JOIN contacts k ON k.case_id = c.id AND k.kind = 'contact'
WHERE c.closed_on IS NULL
GROUP BY c.id
HAVING last_contact IS NULL
    OR last_contact < CASE c.risk_level WHEN 'high' THEN ? WHEN 'medium' THEN ? ELSE ? END
"""
CASE_TABLES = [rt.table.name for rt in TABLES.values() if "case_id" in rt.table.c]


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def plaintext_copy(store: Store, path: Path) -> None:
    """Write the same records into a plaintext SQLite file with the same schema and indexes."""
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with store.reading() as src, engine.begin() as dst:
        for rt in TABLES.values():
            rows = [dict(r._mapping) for r in src.execute(sa.select(rt.table))]
            if rows:
                dst.execute(rt.table.insert(), rows)
    engine.dispose()


def sql_case(conn: Any, case_id: str) -> int:
    """The SQL behind 'one case with all its records'."""
    n = len(conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchall())
    for name in CASE_TABLES:
        n += len(conn.execute(f"SELECT * FROM {name} WHERE case_id = ?", (case_id,)).fetchall())
    return n


def main() -> int:
    """Build, measure, print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="reuse/keep the demo store in this folder")
    args = ap.parse_args()
    today = date(2026, 12, 2)
    work = Path(tempfile.mkdtemp(prefix="caseload-bench-"))
    store_dir = args.keep or work / "store"
    try:
        if not (store_dir / "keys.json").exists():
            t0 = time.perf_counter()
            _, counts = build_demo(store_dir, args.cases, 7, today, kdf=keys.KdfParams())
            build_s = time.perf_counter() - t0
            console.print(
                f"built {counts.get('cases', 0):,} cases, {counts.get('contacts', 0):,} contacts "
                f"in {build_s:.1f} s"
            )
        store = Store.open(store_dir, DEMO_PASSPHRASE)
        worker = max(
            ((u.id, len(store.cases(worker_id=u.id, open_only=True))) for u in store.users()),
            key=lambda x: x[1],
        )[0]
        some_case = store.cases()[len(store.cases()) // 2].id
        cut = [(today - timedelta(days=d)).isoformat() for d in (7, 14, 28)]
        plain = work / "plain.db"
        plaintext_copy(store, plain)
        raw = raw_connect(store_dir / "caseload.db", store._data_key or bytearray())
        pconn = sqlite3.connect(plain)
        pconn.execute("PRAGMA cache_size = -65536")

        queries: list[tuple[str, Callable[[], Any], Callable[[Any], Any]]] = [
            (
                "open cases by worker",
                lambda: store.cases(worker_id=worker, open_only=True),
                lambda c: c.execute(SQL_OPEN_BY_WORKER, (worker,)).fetchall(),
            ),
            (
                "overdue contacts (all open cases)",
                lambda: store.last_contacts(),
                lambda c: c.execute(SQL_OVERDUE, cut).fetchall(),
            ),
            (
                "one case with all its records",
                lambda: store.casefile(some_case),
                lambda c: sql_case(c, some_case),
            ),
        ]
        table = Table(title=f"store benchmark · {args.cases:,} cases · median of {args.repeat}")
        for col in (
            "query",
            "Store API ms",
            "raw sqlcipher3 ms",
            "plaintext ms",
            "API/plain",
            "cipher/plain",
        ):
            table.add_column(col, justify="right" if col != "query" else "left")
        for name, api, sql in queries:
            t_api = median_ms(api, args.repeat)
            t_raw = median_ms(lambda sql=sql: sql(raw), args.repeat)
            t_plain = median_ms(lambda sql=sql: sql(pconn), args.repeat)
            table.add_row(
                name,
                f"{t_api:.2f}",
                f"{t_raw:.2f}",
                f"{t_plain:.2f}",
                f"{t_api / t_plain:.2f}×",
                f"{t_raw / t_plain:.2f}×",
            )
        console.print(table)
        t0 = time.perf_counter()
        files = store.casefiles(open_only=True)
        console.print(
            f"load every open case file: {len(files):,} in {(time.perf_counter() - t0) * 1000:.0f} ms"
        )
        raw.close()
        pconn.close()
        store.lock()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
