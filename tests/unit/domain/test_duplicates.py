"""Duplicate check on name + date of birth."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from caseload.domain.duplicates import duplicate_references, name_key, same_person
from tests.unit.domain.factories import case, person

DOB = date(1990, 4, 2)


def test_matches_ignore_case_spacing_and_diacritics() -> None:
    p = person(given_name="Zoë", family_name="O'Neil-Smith", date_of_birth=DOB)
    assert same_person("zoe", "oneil smith", DOB, p)
    assert same_person("  ZOË ", "O NEIL SMITH", DOB, p)
    assert same_person("O'Neil-Smith", "Zoe", DOB, p)  # swapped
    assert not same_person("Zoe", "O'Neil-Smith", date(1990, 4, 3), p)
    assert not same_person("Zoe", "O'Neil", DOB, p)
    assert not same_person("Zoe", "O'Neil-Smith", None, p)
    assert not same_person("", "", DOB, person(given_name="", family_name="", date_of_birth=DOB))


def test_duplicate_references_sorted_once() -> None:
    a = person(given_name="Testina", family_name="Fictional", date_of_birth=DOB)
    b = person(given_name="Other", family_name="Fictional", date_of_birth=DOB)
    cases = [(case(reference="C-2026-0002"), a), (case(reference="C-2025-0101"), a), (case(reference="C-2026-0003"), b)]
    assert duplicate_references("testina", "FICTIONAL", DOB, cases) == ("C-2025-0101", "C-2026-0002")


@given(st.text(max_size=30))
def test_name_key_is_stable_under_case_and_spacing(text: str) -> None:
    key = name_key(text)
    assert key == name_key(text.upper().casefold()) or text.upper().casefold() != text.casefold()
    assert name_key(" ".join(text)) == key
    assert all(ch.isalnum() for ch in key)
