"""Render safety: hostile text loses every control byte and escape, and stays plain text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from caseload.domain.sanitise import clean, mask, one_line

ESC = "\x1b"
HOSTILE_PARTS = [
    f"{ESC}[31m",
    f"{ESC}[2J",
    f"{ESC}]0;title{ESC}\\",
    f"{ESC}]8;;http://x{ESC}\\link{ESC}]8;;{ESC}\\",
    f"{ESC}P1$r{ESC}\\",
    "\x9b31m",
    "\x9d0;t\x07",
    "\x07",
    "\x00",
    "\x7f",
    "\x85",
    "[@click=app.quit]",
    "[b]bold[/b]",
    "[TODO]",
    "\u202e",
    "\u2066",
    "\r",
    "\x08",
]

hostile = st.lists(st.one_of(st.sampled_from(HOSTILE_PARTS), st.text(max_size=8)), max_size=12).map("".join)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@settings(max_examples=10_000, deadline=None)
@given(hostile)
def test_no_control_bytes_survive(s: str) -> None:
    out = clean(s)
    assert CONTROL.search(out) is None
    assert "\n" not in out and "\t" not in out
    assert "\u202e" not in out and "\u2066" not in out
    multi = clean(s, multiline=True)
    assert re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", multi) is None


@settings(max_examples=2_000, deadline=None)
@given(hostile)
def test_rendered_as_plain_text(s: str) -> None:
    console = Console(width=200, record=True, force_terminal=True, color_system=None)
    console.print(Text(one_line(s)))
    rendered = console.export_text()
    assert ESC not in rendered and "\x9b" not in rendered
    assert CONTROL.search(rendered.replace("\n", "")) is None
    assert rendered.rstrip() == one_line(s).rstrip() or len(one_line(s)) > 190


def test_markup_and_actions_are_kept_as_literal_text() -> None:
    assert clean("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert Text(clean("[b]x[/b]")).spans == []


def test_examples() -> None:
    assert clean(f"Jane{ESC}[2J Doe") == "Jane Doe"
    assert clean("a\u202eb") == "a<RLO>b"
    assert clean("line1\nline2", multiline=True) == "line1\nline2"
    assert one_line("a\nb\tc") == "a b c"
    assert mask("secret") == "●●●●●" and mask("") == ""
