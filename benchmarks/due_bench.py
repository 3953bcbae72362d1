"""Due-list benchmark: ``caseload due --json`` on a 10,000-case demo store, end to end and the sum alone.

    .venv/bin/python benchmarks/due_bench.py [--cases 10000] [--keep DIR] [--role supervisor|idva]

Goals (issue 3): end to end ≤ 1 s excluding the key derivation; the calculation itself ≤ 100 ms.

The due list is read from each case's kept due facts (``caseload.store.due_facts``): "read kept facts" is
that read when every case's facts are kept (the usual state: a write forgets only its own case's facts);
"rebuild every case's facts" is the cold read after the kept facts are thrown away (first run after upgrading,
or after a settings or bank-holiday change); "from case files" is the old way (every case file read and
reduced on each run), for comparison.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain.due import due_items, due_items_from_facts
from caseload.store import keys
from caseload.store.store import Store

AS_OF = date(2026, 12, 2)


def _child_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:5.0f} ms"


def forget_kept_facts(store: Store) -> None:
    """Throw away every kept due fact (what a settings or bank-holiday change does)."""
    from caseload.store.schema import due_facts_table

    with store.transaction() as conn:
        conn.execute(due_facts_table.delete())


def main() -> int:
    """Build (or reuse) the store and print the timings."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--role", choices=["supervisor", "idva"], default="supervisor",
                    help="whose due list: the supervisor's is the whole store (default), the IDVA's her own")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caseload-due-"))
    store_dir = args.keep or work / "store"
    try:
        if not (store_dir / "keys.json").exists():
            build_demo(store_dir, args.cases, 7, AS_OF, kdf=keys.KdfParams())
        slots = keys.read_keys(store_dir / "keys.json").slots
        slot = next((s for s in slots if s.role == args.role), slots[0])
        t0, c0 = time.perf_counter(), time.process_time()
        keys.unwrap(slot, DEMO_PASSPHRASE)
        kdf_s, kdf_cpu = time.perf_counter() - t0, time.process_time() - c0

        store = Store.open(store_dir, DEMO_PASSPHRASE, slot.user, verify=False)
        worker = None  # as `caseload due` without --worker: every case the signed-in user may see
        rebuilds, rebuild_cpu = [], []
        for _ in range(max(1, args.repeat // 2)):
            forget_kept_facts(store)
            t0, c0 = time.perf_counter(), time.process_time()
            store.due_facts(worker_id=worker)
            rebuilds.append(time.perf_counter() - t0)
            rebuild_cpu.append(time.process_time() - c0)
        loads, calcs, load_cpu, calc_cpu, old_loads, old_calcs = [], [], [], [], [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            facts = store.due_facts(worker_id=worker)
            t1, c1 = time.perf_counter(), time.process_time()
            items = due_items_from_facts(facts, AS_OF, worker_id=worker)
            t2, c2 = time.perf_counter(), time.process_time()
            loads.append(t1 - t0)
            calcs.append(t2 - t1)
            load_cpu.append(c1 - c0)
            calc_cpu.append(c2 - c1)
        for _ in range(max(1, args.repeat // 2)):
            t0 = time.perf_counter()
            files = store.due_casefiles(worker_id=worker)
            t1 = time.perf_counter()
            old = due_items(files, AS_OF, worker_id=worker)
            old_loads.append(t1 - t0)
            old_calcs.append(time.perf_counter() - t1)
        assert old == items, "the kept facts and the case files give different due lists"
        store.lock()

        env = {**os.environ, "CASELOAD_PASSPHRASE": DEMO_PASSPHRASE}
        cmd = [sys.executable, "-m", "caseload", "--store", str(store_dir), "--user", slot.user, "due", "--json",
               "--as-of", AS_OF.isoformat()]
        ends, end_cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), _child_cpu()
            proc = subprocess.run(cmd, env=env, capture_output=True, check=True)
            ends.append(time.perf_counter() - t0)
            end_cpu.append(_child_cpu() - c0)
        startup, startup_cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), _child_cpu()
            subprocess.run([sys.executable, "-c", "import caseload.cli"], check=True)
            startup.append(time.perf_counter() - t0)
            startup_cpu.append(_child_cpu() - c0)
        end = statistics.median(ends)
        print(f"cases: {args.cases:,}  signed in as {slot.user} ({slot.role})  due items: {len(items):,}  "
              f"output bytes: {len(proc.stdout):,}")
        print("medians of", args.repeat, "runs; wall clock, and CPU time (steadier on a shared machine)")
        print(f"key derivation (Argon2id, slot params): {kdf_s * 1000:.0f} ms  cpu {kdf_cpu * 1000:.0f} ms")
        print(f"read kept facts:                        {_ms(loads)}  cpu {_ms(load_cpu)}")
        print(f"due-list calculation (from facts):      {_ms(calcs)}  cpu {_ms(calc_cpu)}  (goal ≤ 100)")
        print(f"rebuild every case's facts (cold read): {_ms(rebuilds)}  cpu {_ms(rebuild_cpu)}")
        print(f"old way, from case files: read {_ms(old_loads)}, calculation {_ms(old_calcs)}")
        print(f"python start + imports:                 {_ms(startup)}  cpu {_ms(startup_cpu)}")
        print(f"caseload due --json end to end:         {_ms(ends)}  cpu {_ms(end_cpu)}")
        print(f"  … excluding key derivation:           {(end - kdf_s) * 1000:.0f} ms  "
              f"cpu {(statistics.median(end_cpu) - kdf_cpu) * 1000:.0f} ms  (goal ≤ 1000)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
