"""Duplicate check before a new case is created: same name and date of birth as an existing case's subject.

Names are compared after :func:`name_key`: Unicode-normalised (NFKD), diacritics removed, case-folded, and
everything that is not a letter or a digit dropped — so "Zoë O'Neil-Smith", "zoe oneil smith" and
"ZOE  ONEILSMITH" match. Given and family names swapped also match (a common recording slip). A date of birth
must be equal; with no date of birth on either side there is no match (a name alone is too weak).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

from caseload.domain.model import Case, Person


def name_key(text: str) -> str:
    """Comparable form of a name: no diacritics, case-folded, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKD", stripped.casefold())
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def same_person(given_name: str, family_name: str, date_of_birth: date | None, person: Person) -> bool:
    """True when ``person`` has the same date of birth and the same name (either order) after
    :func:`name_key`. False when either date of birth is missing or the name given is blank."""
    if date_of_birth is None or person.date_of_birth != date_of_birth:
        return False
    wanted = name_key(given_name + family_name)
    if not wanted:
        return False
    return wanted in (
        name_key(person.given_name + person.family_name),
        name_key(person.family_name + person.given_name),
    )


def duplicate_references(
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    candidates: Iterable[tuple[Case, Person]],
) -> tuple[str, ...]:
    """References of the cases whose subject matches (sorted, each once)."""
    found = {
        case.reference for case, person in candidates if same_person(given_name, family_name, date_of_birth, person)
    }
    return tuple(sorted(found))
