"""The synthetic caseload: deterministic for a seed, realistic mixes (domain.md), obviously fake, scales."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from caseload.demo import build_demo
from caseload.domain.enums import CaseKind, PersonRole, RiskLevel, Sex
from caseload.domain.marac import evaluate
from caseload.domain.model import Case
from caseload.store.keys import KdfParams
from caseload.synthetic import generate, to_casefiles

TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def big() -> object:
    return generate(cases=3000, seed=11, today=TODAY)


def test_same_seed_same_records_other_seed_differs() -> None:
    a = generate(cases=120, seed=5, today=TODAY)
    b = generate(cases=120, seed=5, today=TODAY)
    c = generate(cases=120, seed=6, today=TODAY)
    assert a == b
    assert a.cases != c.cases
    assert [x.id for x in a.contacts] == [x.id for x in b.contacts]


def test_victim_sex_mix_and_children(big) -> None:  # type: ignore[no-untyped-def]
    victims = [c for c in big.cases if c.kind is CaseKind.VICTIM]
    people = {p.id: p for p in big.people}
    sexes = Counter(people[c.subject_id].sex for c in victims)
    n = len(victims)
    assert 0.62 <= sexes[Sex.FEMALE] / n <= 0.74
    assert 0.19 <= sexes[Sex.MALE] / n <= 0.31
    with_children = {ch.case_id for ch in big.children}
    share = sum(1 for c in victims if c.id in with_children) / n
    assert 0.82 <= share <= 0.92
    assert 0.80 <= n / len(big.cases) <= 0.90  # about 85% victim cases


def test_marac_repeats_and_high_risk_share(big) -> None:  # type: ignore[no-untyped-def]
    victims = [c for c in big.cases if c.kind is CaseKind.VICTIM]
    high = sum(1 for c in victims if c.risk_level is RiskLevel.HIGH) / len(victims)
    assert 0.45 <= high <= 0.75
    listed = Counter(m.case_id for m in big.marac_listings)
    repeat_cases = sum(1 for n in listed.values() if n > 1)
    assert listed and 0.10 <= repeat_cases / len(listed) <= 0.45


def test_drive_cases_link_to_victims_including_hidden(big) -> None:  # type: ignore[no-untyped-def]
    drive = {c.id for c in big.cases if c.kind is CaseKind.PERPETRATOR}
    assert drive
    links = [x for x in big.links if x.perpetrator_case_id in drive]
    assert len({x.perpetrator_case_id for x in links}) >= 0.9 * len(drive)
    hidden = [x for x in links if x.victim_case_id is None]
    assert hidden, "some Drive links are hidden victims with no IDVA case"
    victim_cases = {c.id for c in big.cases if c.kind is CaseKind.VICTIM}
    assert all(x.victim_case_id in victim_cases for x in links if x.victim_case_id is not None)


def test_names_and_numbers_are_obviously_synthetic(big) -> None:  # type: ignore[no-untyped-def]
    victims = [p for p in big.people if p.role is PersonRole.VICTIM]
    assert all(p.postcode.startswith("ZZ99") for p in victims if p.postcode)
    drama = re.compile(r"^(07700 900\d{3}|0\d{2,4} ?\d{3} ?\d{3,4})$")
    assert all(drama.match(n) for sc in big.safe_contacts for n in sc.safe_numbers)
    assert all(n.startswith("07700 900") for sc in big.safe_contacts for n in sc.safe_numbers if n.startswith("07"))


def test_case_risk_is_the_latest_dash_and_rules_read_it(big) -> None:  # type: ignore[no-untyped-def]
    files = to_casefiles(big)
    assert len(files) == len(big.cases)
    sample = [f for f in files if f.case.kind is CaseKind.VICTIM][:200]
    met = sum(1 for f in sample if any(r.met for r in evaluate(f, TODAY)))
    assert met > 0
    assert all(isinstance(f.case, Case) for f in sample)


@pytest.mark.slow
def test_service_scale_store_builds_within_budget(tmp_path: Path) -> None:
    start = time.perf_counter()
    _, counts = build_demo(tmp_path / "big", 10_000, 1, TODAY, kdf=KdfParams())
    took = time.perf_counter() - start
    assert counts["cases"] == 10_000
    assert 250_000 <= counts["contacts"] <= 400_000  # ~300,000 contacts at service scale
    assert took < 240, f"10,000-case store took {took:.0f} s"
