"""Casework write benchmark: median time of each write of the casework API on a service-scale demo store.

    .venv/bin/python benchmarks/casework_bench.py [--cases 10000] [--repeat 20]

Builds a demo store (synthetic, seeded) in a temp folder, signs in as the demo IDVA and times each write on
one of her open cases (each call is one transaction with its audit entry). The temp folder is deleted after.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain import workflow
from caseload.domain.enums import (
    Channel,
    Consent,
    ContactKind,
    ContactOutcome,
    DashAnswer,
    ItemStatus,
    MilestoneKind,
    OrderType,
    ReferralSource,
    SafetyCategory,
)
from caseload.domain.forms import MaracAction, PersonDetails, ReferralForm
from caseload.store import keys
from caseload.store.store import Store

TODAY = date(2026, 12, 10)


def timed(fn: Callable[[int], Any], repeat: int) -> float:
    """Median milliseconds of ``fn(i)`` over ``repeat`` calls (after one warm-up)."""
    fn(-1)
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    """Build the store, time the writes, print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="caseload-bench-"))
    try:
        t0 = time.perf_counter()
        me, _ = build_demo(folder / "store", args.cases, 7, TODAY, kdf=keys.KdfParams())
        built = time.perf_counter() - t0
        store = Store.open(folder / "store", DEMO_PASSPHRASE, me.name)
        try:
            rows = _measure(store, args.repeat)
            n_cases = len(store.cases())
        finally:
            store.lock()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    table = Table(
        title=f"Casework writes, demo store of {args.cases} cases (built in {built:.0f} s; IDVA sees {n_cases})"
    )
    table.add_column("write")
    table.add_column("median ms", justify="right")
    for name, ms in rows:
        table.add_row(name, f"{ms:.1f}")
    Console(width=120).print(table)


def _measure(store: Store, repeat: int) -> list[tuple[str, float]]:
    case = next(c for c in store.cases(open_only=True))
    yes15 = (DashAnswer.YES,) * 15 + (DashAnswer.NO,) * 9
    at = datetime(2026, 12, 8, 11, tzinfo=UTC)
    order = store.add_order(case.id, kind=OrderType.PRE_CHARGE_BAIL, starts_on=TODAY)
    item = store.add_plan_item(case.id, on=TODAY, category=SafetyCategory.HOUSING, risk="r", action="a", who="IDVA")
    listing = store.record_marac_listing(case.id, meeting_on=TODAY)
    state: dict[str, Any] = {"item": item, "case": store.casefile_for(case).case}

    def form(i: int) -> ReferralForm:
        victim = PersonDetails("Bench", f"Example{i + 1000}", date_of_birth=date(1980, 1, 1) + timedelta(days=i + 1))
        return ReferralForm(victim=victim, received_on=TODAY, source=ReferralSource.SELF)

    def edit_item(i: int) -> None:
        state["item"] = store.update_plan_item(replace(state["item"], status=ItemStatus.IN_PROGRESS))

    def flip_status(i: int) -> None:
        cf = store.casefile_for(state["case"])
        offered = [a for a in workflow.next_actions(cf.case) if a.kind == workflow.ActionKind.STATUS]
        state["case"] = store.change_status(cf.case, offered[0].to)

    def told(i: int) -> None:
        _, (update,) = store.add_milestone(case.id, kind=MilestoneKind.CHARGED, occurred_on=TODAY)
        store.mark_update_told(update, told_on=TODAY + timedelta(days=1), channel=Channel.PHONE)

    ops: list[tuple[str, Callable[[int], Any]]] = [
        ("find_duplicates", lambda i: store.find_duplicates("Testina", "Fictional", date(1990, 4, 2))),
        ("create_victim_case", lambda i: store.create_victim_case(form(i))),
        (
            "log_contact",
            lambda i: store.log_contact(
                case.id,
                at=at,
                kind=ContactKind.CONTACT,
                channel=Channel.PHONE,
                outcome=ContactOutcome.SPOKE,
                minutes=10,
                note="Short note",
            ),
        ),
        ("save_dash", lambda i: store.save_dash(case.id, yes15, assessed_on=TODAY)),
        ("preview_marac_referral", lambda i: store.preview_marac_referral(case.id, on=TODAY)),
        (
            "refer_to_marac",
            lambda i: store.refer_to_marac(case.id, on=TODAY, consent=Consent.CONSENTED, feared="X", safe_to_talk="Y"),
        ),
        ("add_marac_actions", lambda i: store.add_marac_actions(listing.id, [MaracAction("Police", "Flag")])),
        (
            "add_plan_item",
            lambda i: store.add_plan_item(
                case.id, on=TODAY, category=SafetyCategory.COURT, risk="r", action="a", who="IDVA"
            ),
        ),
        ("update_plan_item", edit_item),
        ("add_order", lambda i: store.add_order(case.id, kind=OrderType.DVPN, starts_on=TODAY)),
        ("record_breach", lambda i: store.record_breach(order.id, occurred_on=TODAY)),
        ("add_milestone + mark_update_told", told),
        ("change_status", flip_status),
    ]
    return [(name, timed(fn, repeat)) for name, fn in ops]


if __name__ == "__main__":
    main()
