"""The case list's filter box: an ``Input`` whose keystrokes do not lay out the screen again.

Textual's ``Input`` keeps its virtual size at the width of its text (for horizontal scrolling), and
``virtual_size`` is a reactive that asks for a layout of the whole screen when it changes — so every
keystroke in a filter box re-laid out the case list and its 200-row table, and the table's scrollbar
refresh that follows made a second frame. The box's own size never depends on its text (width and height
are fixed by CSS), and scrolling reads ``virtual_size`` directly, so a repaint is all a keystroke needs.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """An ``Input`` for a fixed-size filter box: a keystroke repaints the box, it does not lay out the screen."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
