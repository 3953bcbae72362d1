"""Showing stored text safely: the sanitiser for all of it, and masking for level-3 fields."""

from __future__ import annotations

from rich.text import Text

from caseload.domain.sanitise import mask, one_line

MASK = "●●●●●"


def plain(value: str, limit: int = 200) -> Text:
    """Stored or user text as plain, terminal-safe, one-line ``Text`` (never markup)."""
    return Text(one_line(value, limit))


def level3(value: str, privacy: bool, limit: int = 200) -> str:
    """A level-3 field: masked in privacy mode, else sanitised to one line."""
    if privacy:
        return mask(value) or ""
    return one_line(value, limit)


def masked(value: str, revealed: bool, privacy: bool, limit: int = 200) -> str:
    """A field masked until revealed (address, safe-contact details); privacy mode masks it regardless."""
    if privacy or not revealed:
        return MASK if value else ""
    return one_line(value, limit)
