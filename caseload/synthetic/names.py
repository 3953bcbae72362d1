"""Obviously synthetic names, places and numbers for the synthetic caseload.

Every pool is built from roots that read as made up ("Testina Fictional", "12 Sample Street, Northshire"),
so a screenshot of the demo can never be mistaken for a real person:

* family names combine a fake root ("Fictional", "Testcase", "Specimen", ...) with a place-name ending;
* given names combine a fake root ("Test", "Sampl", "Placehold", ...) with a female or male ending;
* postcodes use ``ZZ99``, the NHS pseudo-postcode prefix, which is not a real postal district;
* phone numbers are in Ofcom's drama range 07700 900000–900999 (reserved, never allocated);
* e-mail addresses are at ``example.com`` (reserved by RFC 2606).
"""

from __future__ import annotations

import random

GIVEN_ROOTS: tuple[str, ...] = (
    "Test",
    "Sampl",
    "Placehold",
    "Exampl",
    "Fiction",
    "Dumm",
    "Mock",
    "Specim",
    "Synth",
    "Faux",
    "Pseud",
    "Proto",
    "Demo",
    "Stubb",
    "Madeup",
    "Templat",
)
"""Roots of every given name."""

FEMALE_ENDINGS: tuple[str, ...] = ("ina", "a", "ella", "ette", "ia", "ara", "elle", "ona")
MALE_ENDINGS: tuple[str, ...] = ("o", "on", "us", "ard", "ert", "ik", "ington", "bert")

FEMALE_GIVEN: tuple[str, ...] = tuple(r + e for r in GIVEN_ROOTS for e in FEMALE_ENDINGS)
"""Female-sounding synthetic given names ("Testina", "Sampla", "Placeholda", ...)."""

MALE_GIVEN: tuple[str, ...] = tuple(r + e for r in GIVEN_ROOTS for e in MALE_ENDINGS)
"""Male-sounding synthetic given names ("Testo", "Samplus", "Mockington", ...)."""

GIVEN_NAMES: frozenset[str] = frozenset(FEMALE_GIVEN) | frozenset(MALE_GIVEN)
"""Every given name the generator can use (people and children)."""

FAMILY_ROOTS: tuple[str, ...] = (
    "Fictional",
    "Testcase",
    "Example",
    "Specimen",
    "Madeup",
    "Placeholder",
    "Sample",
    "Dummy",
    "Mockup",
    "Synthetic",
    "Pseudonym",
    "Notreal",
    "Fakename",
    "Stub",
    "Template",
    "Testdata",
)
"""Roots of every family name: each one says "not a real person"."""

FAMILY_ENDINGS: tuple[str, ...] = ("", "ton", "worth", "ley", "field", "by", "ridge", "wood")

FAMILY_NAMES: tuple[str, ...] = tuple(r + e for r in FAMILY_ROOTS for e in FAMILY_ENDINGS)
"""Every family name the generator can use ("Fictional", "Testcaseton", "Specimenworth", ...)."""

FAMILY_NAME_SET: frozenset[str] = frozenset(FAMILY_NAMES)

STREET_ROOTS: tuple[str, ...] = (
    "Sample",
    "Example",
    "Placeholder",
    "Testcase",
    "Fictional",
    "Madeup",
    "Specimen",
    "Dummy",
    "Mockup",
    "Notreal",
    "Synthetic",
    "Template",
)
STREET_TYPES: tuple[str, ...] = (
    "Street",
    "Road",
    "Lane",
    "Avenue",
    "Close",
    "Crescent",
    "Way",
    "Grove",
    "Terrace",
    "Mews",
)
STREETS: tuple[str, ...] = tuple(f"{r} {t}" for r in STREET_ROOTS for t in STREET_TYPES)
"""Synthetic street names ("Sample Street", "Placeholder Close", ...)."""

AREAS: tuple[str, ...] = ("Northshire", "Southborough", "Eastvale", "Westmoor", "Midtown", "Upper Sampleton")
"""Synthetic local-authority / community-safety-partnership areas."""

POSTCODE_PREFIX = "ZZ99"
"""NHS pseudo-postcode prefix: not a real postal district."""

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code of a UK postcode

PHONE_PREFIX = "07700 900"
"""Ofcom drama range 07700 900000–900999 (numbers reserved for fiction)."""

EMAIL_DOMAIN = "example.com"

CODE_WORDS: tuple[str, ...] = (
    "Bluebell",
    "Teapot",
    "Lighthouse",
    "Marmalade",
    "Pinecone",
    "Kettle",
    "Sunflower",
    "Umbrella",
    "Lantern",
    "Biscuit",
    "Penguin",
    "Meadow",
    "Paperclip",
    "Thimble",
    "Rainbow",
    "Compass",
    "Acorn",
    "Snowdrop",
    "Hedgehog",
    "Crumpet",
)
"""Code words for safe-contact arrangements."""

WORKER_SURNAMES: dict[str, tuple[str, ...]] = {
    "idva": (
        "Worker",
        "Advisor",
        "Caseworker",
        "Helper",
        "Supporter",
        "Keyworker",
        "Navigator",
        "Practitioner",
    ),
    "drive": ("Manager", "Coordinator", "Mentor"),
    "supervisor": ("Supervisor", "Lead"),
}
"""Synthetic user surnames per role: users are named like "A. Worker", "B. Advisor", "A. Manager"."""

_INITIALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def worker_name(role: str, index: int) -> str:
    """The ``index``-th user name of a role: unique per (role, index), e.g. "A. Worker", "B. Advisor".

    Initial and surname cycle together (26 letters against the surname pool); once every pair is used a
    number is appended ("A. Worker 2").
    """
    pool = WORKER_SURNAMES[role]
    period = _lcm(len(_INITIALS), len(pool))
    name = f"{_INITIALS[index % len(_INITIALS)]}. {pool[index % len(pool)]}"
    return name if index < period else f"{name} {index // period + 1}"


def _lcm(a: int, b: int) -> int:
    x, y = a, b
    while y:
        x, y = y, x % y
    return a * b // x


def given_name(rng: random.Random, female: bool) -> str:
    """A synthetic given name from the female or male pool."""
    pool = FEMALE_GIVEN if female else MALE_GIVEN
    return pool[int(rng.random() * len(pool))]


def family_name(rng: random.Random) -> str:
    """A synthetic family name."""
    return FAMILY_NAMES[int(rng.random() * len(FAMILY_NAMES))]


def street_address(rng: random.Random, area: str) -> str:
    """A synthetic address line such as "12 Sample Street, Northshire"."""
    street = STREETS[int(rng.random() * len(STREETS))]
    return f"{rng.randint(1, 199)} {street}, {area}"


def postcode(rng: random.Random) -> str:
    """A pseudo-postcode such as "ZZ99 3QT" (ZZ99 is not a real postal district)."""
    letters = _INWARD_LETTERS
    a = letters[int(rng.random() * len(letters))]
    b = letters[int(rng.random() * len(letters))]
    return f"{POSTCODE_PREFIX} {rng.randint(1, 9)}{a}{b}"


def phone(rng: random.Random) -> str:
    """A mobile number in Ofcom's drama range: "07700 900000" to "07700 900999"."""
    return f"{PHONE_PREFIX}{int(rng.random() * 1000):03d}"


def email(given: str, family: str, n: int) -> str:
    """A reserved-domain e-mail address such as "testina.fictional7@example.com"."""
    return f"{given.lower()}.{family.lower()}{n}@{EMAIL_DOMAIN}"


def code_word(rng: random.Random) -> str:
    """A code word for safe contact."""
    return CODE_WORDS[int(rng.random() * len(CODE_WORDS))]
