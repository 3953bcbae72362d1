"""Small keyboard-first form fields shared by the editing modals.

- :class:`ChoiceRow`: one choice from a few, each with its own key (``(a)ttempt  [c]ontact``); the chosen one
  is in brackets, so the choice never rests on colour alone. ``←``/``→`` move, ``enter`` goes to the next field.
- :class:`ToggleRow`: several choices, each key toggles one (weekdays, abuse types).
- :class:`DateField`: a date typed as ``2026-12-24`` or ``24/12/2026``, its weekday shown as you type.
- :class:`FormRow`: a label and a field on one line.

Parsing helpers raise :class:`FieldError` with one plain line naming the field, never echoing its value.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from caseload.domain.calendar import bank_holidays
from caseload.domain.enums import Region
from caseload.domain.sanitise import one_line

V = TypeVar("V")
H = TypeVar("H", bound=Hashable)

DATE_HINT = "2026-12-24 or 24/12/2026"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")

FIRST: Any = object()
"""``ChoiceRow(value=FIRST)``: start on the first option."""
NOTHING: Any = object()
"""``ChoiceRow(value=NOTHING)``: start with nothing chosen (the worker must choose)."""


class FieldError(ValueError):
    """A field holds something unusable; ``str()`` is one plain line, ``widget`` the field to focus."""

    def __init__(self, message: str, widget: Widget | None = None) -> None:
        super().__init__(message)
        self.widget = widget


def long_day(d: date) -> str:
    """A date with its weekday, locale-independent: ``Thu 24 Dec 2026``."""
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def parse_date(text: str) -> date | None:
    """``2026-12-24`` or ``24/12/2026`` (spaces around ignored) → a date; blank → None.
    Raises ``ValueError`` with a plain message otherwise."""
    text = text.strip()
    if not text:
        return None
    iso, uk = _ISO.match(text), _UK.match(text)
    if iso:
        y, m, d = (int(g) for g in iso.groups())
    elif uk:
        d, m, y = (int(g) for g in uk.groups())
    else:
        raise ValueError(f"write the date as {DATE_HINT}")
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError("there is no such date") from None


def warm_calendar(today: date) -> None:
    """Read the bank holidays around ``today`` (call it from a worker: the first read takes a moment, and a
    stalled UI thread lets fast keystrokes reach the wrong field)."""
    for year in (today.year - 1, today.year, today.year + 1):
        bank_holidays(Region.ENGLAND_WALES, year)


def parse_hhmm(text: str, label: str, widget: Widget | None = None) -> str:
    """A time of day ``HH:MM`` (``9:30`` becomes ``09:30``); blank stays blank."""
    text = text.strip()
    if not text:
        return ""
    m = _HHMM.match(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise FieldError(f"{label}: write the time as 10:00 (24-hour clock).", widget)
    return f"{int(m.group(1)):02d}:{m.group(2)}"


@dataclass(frozen=True, slots=True)
class Choice(Generic[V]):
    """One option of a :class:`ChoiceRow`: the key that picks it, its value and its label."""

    key: str
    value: V
    label: str

    def shown(self, chosen: bool) -> str:
        """``(p)hone`` — or ``[p]hone`` when chosen; ``(1) DVPN`` when the key is not in the label."""
        left, right = ("[", "]") if chosen else ("(", ")")
        at = self.label.lower().find(self.key.lower())
        if at < 0 or not self.key.isalpha():
            return f"{left}{self.key}{right} {self.label}"
        return f"{self.label[:at]}{left}{self.label[at]}{right}{self.label[at + 1:]}"


def choices(items: Iterable[tuple[str, V, str]]) -> tuple[Choice[V], ...]:
    """Choices from ``(key, value, label)`` triples."""
    return tuple(Choice(k, v, lbl) for k, v, lbl in items)


def yes_no_unknown() -> tuple[Choice[bool | None], ...]:
    """``y`` yes / ``n`` no / ``k`` not known."""
    return choices((("y", True, "yes"), ("n", False, "no"), ("k", None, "not known")))


def yes_no() -> tuple[Choice[bool], ...]:
    """``y`` yes / ``n`` no."""
    return choices((("y", True, "yes"), ("n", False, "no")))


def _pack(parts: Sequence[tuple[str, str]], width: int, vertical: bool) -> Text:
    """Options as styled text, whole options per line (a label never breaks in the middle)."""
    out = Text()
    used = 0
    for n, (shown, style) in enumerate(parts):
        if n:
            if vertical or (width > 0 and used + 2 + len(shown) > width):
                out.append("\n")
                used = 0
            else:
                out.append("  ")
                used += 2
        out.append(shown, style=style)
        used += len(shown)
    return out


class _KeyedRow(Widget, can_focus=True):
    """What choice and toggle rows share: keys, packing, focus styling."""

    DEFAULT_CSS = """
    _KeyedRow { height: auto; width: 1fr; }
    _KeyedRow:focus { background: $boost; }
    """
    BINDINGS = [Binding("enter", "next_field", "Next", id="form.next_field", show=False)]

    def __init__(self, options: Sequence[Choice[Any]], *, vertical: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.options: tuple[Choice[Any], ...] = tuple(options)
        self.vertical = vertical

    def _parts(self) -> list[tuple[str, str]]:  # pragma: no cover - overridden
        return []

    def render(self) -> Text:
        """The options, packed to the widget's width."""
        return _pack(self._parts(), self.content_size.width, self.vertical)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Lines the packed options need at ``width``."""
        return max(1, len(_pack(self._parts(), width, self.vertical).plain.split("\n")))

    def _index_of_key(self, character: str | None) -> int | None:
        if not character or not character.isprintable():
            return None
        for n, option in enumerate(self.options):
            if option.key.lower() == character.lower():
                return n
        return None

    def _picked(self, index: int) -> None:  # pragma: no cover - overridden
        return None

    def on_key(self, event: events.Key) -> None:
        """An option's key picks (or toggles) it."""
        index = self._index_of_key(event.character)
        if index is not None:
            event.stop()
            event.prevent_default()
            self._picked(index)

    def action_next_field(self) -> None:
        """Enter: on to the next field."""
        self.screen.focus_next()


class ChoiceRow(_KeyedRow, Generic[V]):
    """Exactly one of a few options (or none yet, when no default is given)."""

    BINDINGS = [
        Binding("left", "move(-1)", "Previous", id="form.choice_prev", show=False),
        Binding("right", "move(1)", "Next option", id="form.choice_next", show=False),
    ]

    class Changed(Message):
        """The chosen option changed."""

        def __init__(self, row: ChoiceRow[Any]) -> None:
            super().__init__()
            self.row = row

        @property
        def control(self) -> ChoiceRow[Any]:
            """The row that changed."""
            return self.row

    def __init__(self, options: Sequence[Choice[V]], value: Any = FIRST, *, vertical: bool = False,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(options, vertical=vertical, id=id, classes=classes)
        self.options: tuple[Choice[V], ...] = tuple(options)
        self.index: int | None = self._index_of(value)

    def _index_of(self, value: Any) -> int | None:
        if value is NOTHING:
            return None
        if value is FIRST:
            return 0 if self.options else None
        return next((n for n, o in enumerate(self.options) if o.value == value), None)

    def _parts(self) -> list[tuple[str, str]]:
        return [(o.shown(n == self.index), "bold reverse" if n == self.index else "")
                for n, o in enumerate(self.options)]

    @property
    def chosen(self) -> bool:
        """True once an option is chosen."""
        return self.index is not None and self.index < len(self.options)

    @property
    def value(self) -> V:
        """The chosen value (raises ``LookupError`` when nothing is chosen)."""
        if self.index is None or not self.chosen:
            raise LookupError("nothing chosen")
        return self.options[self.index].value

    def select(self, value: V) -> None:
        """Choose the option with ``value`` (ignored when there is none)."""
        for n, option in enumerate(self.options):
            if option.value == value:
                self._picked(n)
                return

    def set_options(self, options: Sequence[Choice[V]], value: Any = FIRST) -> None:
        """Replace the options (e.g. once a worker has loaded them), choosing ``value`` (default the first)."""
        self.options = tuple(options)
        self.index = self._index_of(value)
        self.refresh(layout=True)
        self.post_message(self.Changed(self))

    def _picked(self, index: int) -> None:
        changed = index != self.index
        self.index = index
        self.refresh(layout=True)
        if changed:
            self.post_message(self.Changed(self))

    def action_move(self, step: int) -> None:
        """←/→: the previous or next option."""
        if self.options:
            start = self.index if self.index is not None else (-1 if step > 0 else 0)
            self._picked((start + step) % len(self.options))


class ToggleRow(_KeyedRow, Generic[H]):
    """Any number of options; each key toggles one (``[x] 1 Mon  [ ] 6 Sat``)."""

    def __init__(self, options: Sequence[Choice[H]], values: Iterable[H] = (), *, vertical: bool = False,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(options, vertical=vertical, id=id, classes=classes)
        self.options: tuple[Choice[H], ...] = tuple(options)
        self.selected: set[H] = set(values)

    def _parts(self) -> list[tuple[str, str]]:
        return [(f"[{'x' if o.value in self.selected else ' '}] {o.key} {o.label}",
                 "bold" if o.value in self.selected else "") for o in self.options]

    @property
    def values(self) -> tuple[H, ...]:
        """The toggled-on values, in option order."""
        return tuple(o.value for o in self.options if o.value in self.selected)

    def _picked(self, index: int) -> None:
        value = self.options[index].value
        self.selected.symmetric_difference_update({value})
        self.refresh(layout=True)


class DateInput(Input):
    """An input for one date; see :func:`parse_date`."""


class DateField(Horizontal):
    """A date input with the weekday of what was typed beside it (``Thu 24 Dec 2026``)."""

    DEFAULT_CSS = """
    DateField { height: auto; width: 1fr; }
    DateField > DateInput { width: 14; }
    DateField > .date-hint { width: 1fr; padding-left: 2; color: $text-muted; }
    """

    def __init__(self, value: date | None = None, *, label: str, required: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id, classes="date-field")
        self.label = label
        self.required = required
        self._initial = value

    def compose(self) -> ComposeResult:
        """The input and the hint."""
        yield DateInput(self._initial.isoformat() if self._initial else "", compact=True,
                        select_on_focus=True)
        yield Static(Text(self._hint(self._initial.isoformat() if self._initial else "")), classes="date-hint")

    @property
    def input(self) -> DateInput:
        """The text box."""
        return self.query_one(DateInput)

    def _hint(self, text: str) -> str:
        try:
            parsed = parse_date(text)
        except ValueError as exc:
            return str(exc)
        if parsed is None:
            return "required" if self.required else DATE_HINT
        return long_day(parsed)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.query_one(".date-hint", Static).update(Text(self._hint(event.value)))

    def set_date(self, value: date | None) -> None:
        """Put a date into the box (None empties it)."""
        self.input.value = value.isoformat() if value else ""

    def value(self) -> date | None:
        """The date typed (None when blank and not required); raises :class:`FieldError`."""
        try:
            parsed = parse_date(self.input.value)
        except ValueError as exc:
            raise FieldError(f"{self.label}: {exc}.", self.input) from None
        if parsed is None and self.required:
            raise FieldError(f"{self.label}: a date is needed ({DATE_HINT}).", self.input)
        return parsed

    def required_value(self) -> date:
        """:meth:`value`, which cannot be None for a required field."""
        parsed = self.value()
        if parsed is None:
            raise FieldError(f"{self.label}: a date is needed ({DATE_HINT}).", self.input)
        return parsed


class FormRow(Horizontal):
    """A label and its field on one line."""

    DEFAULT_CSS = """
    FormRow { height: auto; width: 1fr; margin-bottom: 0; }
    FormRow > .form-label { width: 18; color: $text-muted; }
    FormRow > Input { width: 1fr; }
    """

    def __init__(self, label: str, *children: Widget, id: str | None = None) -> None:
        super().__init__(Label(Text(label), classes="form-label"), *children, id=id)


def text_input(value: str = "", *, placeholder: str = "", id: str | None = None, level3: bool = False,
               max_length: int = 0) -> Input:
    """A one-line compact text box (stored text put in it is sanitised to one line); ``level3`` marks it for
    masking in privacy mode."""
    return Input(one_line(value, 100_000), placeholder=placeholder, id=id, compact=True,
                 classes="l3" if level3 else None,
                 max_length=max_length)
