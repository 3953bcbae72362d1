"""Render safety in the TUI: 10,000 generated hostile strings stored in names and notes never put a control
byte or a markup action on screen, and ``[TODO]``-like text shows literally.

Two layers: every string goes through exactly the renderables the screens show (the case-tab builders and the
list cells) and is rendered by Rich into terminal segments; and a Pilot run opens the hostile cases in the real
app and scans what the terminal would receive on every screen and tab.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import Role
from caseload.domain.ids import new_id
from caseload.domain.model import (
    RECORD_KEYS,
    Case,
    CjsMilestone,
    Contact,
    Person,
    ProtectiveOrder,
    SafetyPlan,
    SafetyPlanItem,
    User,
)
from caseload.screens import case_tabs as tabs
from caseload.screens.case_list import CaseListScreen
from caseload.screens.case_view import CaseScreen
from caseload.store.store import Store
from caseload.widgets.privacy import level3
from tests.app.tui import SIZE, TODAY, click_actions, control_chars, new_app, settle, unlock
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each, sample
from tests.security.test_sanitise import HOSTILE_PARTS

N_STRINGS = 10_000
CASES = 40
CONTACTS_PER_CASE = (N_STRINGS - CASES * 6) // CASES
CONTROL = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} - {"\n"}


def hostile_strings(n: int, seed: int = 20261204) -> list[str]:
    """``n`` strings mixing escapes, C0/C1 controls, markup, actions and bidi controls with plain text."""
    rng = random.Random(seed)
    alphabet = "abcXYZ 019[]/=@\\:;'\"<>&é€😀"
    out = []
    for i in range(n):
        parts = [rng.choice(HOSTILE_PARTS) if rng.random() < 0.6 else
                 "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 8))]
        if i % 50 == 0:
            parts.append("[TODO]")
        out.append("".join(parts))
    return out


def _render(renderable: Any) -> list[Segment]:
    console = Console(width=200, force_terminal=True, color_system="truecolor", legacy_windows=False)
    return [s for s in console.render(renderable) if not s.control]


def _assert_safe(segments: list[Segment]) -> None:
    for s in segments:
        assert not (set(s.text) & CONTROL), repr(s.text)
        if s.style is not None and s.style._meta:
            assert "@click" not in s.style.meta, s.style.meta


def _hostile_store(store_dir: Path, strings: list[str]) -> list[str]:
    """A store with CASES cases for the signed-in worker; names, notes, plan items, order conditions and
    milestone details all hostile. Returns the case ids."""
    it = iter(strings)
    base = one_of_each("HOSTILE")
    me = dataclasses.replace(base[User], name="A. Worker", role=Role.IDVA)
    s = Store.create(store_dir, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR, first_user=me)
    records: dict[str, list[Any]] = {RECORD_KEYS[t]: [] for t in base if t is not User}
    case_ids = []
    for n in range(CASES):
        person = sample(Person, "x", given_name=next(it), family_name=next(it), postcode="ZZ99 1AA")
        case = dataclasses.replace(base[Case], id=new_id(), reference=f"C-2026-{n + 1:04d}", subject_id=person.id,
                                   worker_id=me.id, closed_on=None)
        plan = dataclasses.replace(base[SafetyPlan], id=new_id(), case_id=case.id, current=True)
        item = dataclasses.replace(base[SafetyPlanItem], id=new_id(), plan_id=plan.id, risk=next(it),
                                   action=next(it))
        order = dataclasses.replace(base[ProtectiveOrder], id=new_id(), case_id=case.id, conditions=next(it))
        milestone = dataclasses.replace(base[CjsMilestone], id=new_id(), case_id=case.id, detail=next(it))
        contacts = [
            dataclasses.replace(base[Contact], id=new_id(), case_id=case.id, worker_id=me.id, note=next(it),
                                at=datetime(2026, 11, 1, 10, tzinfo=UTC) + timedelta(hours=k))
            for k in range(CONTACTS_PER_CASE)
        ]
        records["people"].append(person)
        records["cases"].append(case)
        records["plans"].append(plan)
        records["plan_items"].append(item)
        records["orders"].append(order)
        records["milestones"].append(milestone)
        records["contacts"].extend(contacts)
        case_ids.append(case.id)
    s.bulk_insert({k: v for k, v in records.items() if v})
    s.lock()
    return case_ids


def test_every_hostile_string_renders_safely_through_the_screen_renderables(tmp_path: Path) -> None:
    strings = hostile_strings(N_STRINGS)
    store_dir = tmp_path / "store"
    case_ids = _hostile_store(store_dir, strings)
    store = Store.open(store_dir, PASSPHRASE)
    try:
        files: list[CaseFile] = [f for f in (store.casefile(i) for i in case_ids) if f is not None]
        users = {u.id: u.name for u in store.users()}
        rows = store.case_rows()
    finally:
        store.lock()
    seen = 0
    todo_literal = 0
    for cf in files:
        ctx = tabs.CaseContext(cf, TODAY, Role.IDVA, users)
        for privacy in (False, True):
            renderables: list[Any] = [tabs.header(ctx, privacy), tabs.summary(ctx, privacy, revealed=True)]
            for row in (*tabs.contact_rows(ctx, privacy), *tabs.plan_rows(ctx, privacy),
                        *tabs.order_rows(ctx, privacy), *tabs.milestone_rows(ctx, privacy)):
                renderables.extend(row)
            for r in renderables:
                segs = _render(r)
                _assert_safe(segs)
                if not privacy and "[TODO]" in "".join(s.text for s in segs):
                    todo_literal += 1
        seen += len(cf.contacts) + 6
    for row in rows:
        _assert_safe(_render(Text(level3(row.subject_name, False, 32))))
    assert seen >= N_STRINGS
    assert todo_literal > 0


async def test_hostile_cases_on_screen_in_the_app(tmp_path: Path) -> None:
    strings = hostile_strings(CASES * (6 + CONTACTS_PER_CASE), seed=7)
    store_dir = tmp_path / "store"
    _hostile_store(store_dir, strings)
    app = new_app(store_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app)
        assert not control_chars(app)
        assert not click_actions(app)
        await pilot.press("2")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseListScreen)
        assert not control_chars(app) and not click_actions(app)
        for n in range(4):
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, CaseScreen)
            await pilot.press("r")
            await settle(pilot, app)
            for _ in range(8):
                assert not control_chars(app), app.screen
                assert not click_actions(app)
                await pilot.press("right")
                await settle(pilot, app)
            await pilot.press("escape")
            await settle(pilot, app)
            await pilot.press(*(["down"] * (n + 1)))
        assert app.is_running
