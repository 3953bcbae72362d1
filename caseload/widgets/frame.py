"""One change, one frame.

A widget's ``refresh()`` only sets a flag; the widget tells the screen on its *own* next idle, in its own
task. When a screen handler changes several widgets at once (a filter keystroke refills the table and the
summary line), the screen can go idle and draw before those widgets have said so: the first frame then
shows the change, and a second frame (a timer tick later, 17–35 ms) redraws the same widgets again. That
second frame is what a person waits for, and it costs a render for nothing.

:func:`same_frame` hands the widgets' pending refreshes to the screen at once (Textual's own
``Widget._check_refresh``, which the widget would run on its next idle), so they are in the screen's queue
before the screen's next idle and go out in one frame with the rest of the change.
"""

from __future__ import annotations

from typing import Any

from textual.css.query import NoMatches
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static, Tab, TabbedContent, TabPane
from textual.widgets._tabs import Underline


def same_frame(*widgets: Widget) -> None:
    """Send these widgets' pending refreshes to their screen now (they are drawn in the next frame)."""
    for widget in widgets:
        if widget.is_mounted:
            widget._check_refresh()


def underline_now(tabbed: TabbedContent) -> None:
    """Put the tab underline under the active tab in this frame.

    Textual's ``Tabs`` moves the underline *after* the next refresh (``call_after_refresh``), so a tab switch
    shows its content in one frame and the underline under the new tab one frame later. The tabs row does
    not move when the active tab changes, so the underline's place is known now: set it (the same span
    ``Tabs`` computes), and the later move finds it already there and changes nothing.
    """
    try:
        tab = tabbed.query_one("ContentTabs #tabs-list > Tab.-active", Tab)
        underline = tabbed.query_one(Underline)
    except NoMatches:
        return
    start, end = tab.virtual_region.shrink(tab.styles.gutter).column_span
    underline.show_highlight = True
    underline.highlight_start = start
    underline.highlight_end = end
    same_frame(underline)


class SettlesInOneLayout:
    """A widget whose change of size does not lay the screen out a second time.

    After a layout, Textual sets each resized widget's ``virtual_size``, a reactive that asks for another
    layout. A scrolling widget needs it (its scrollbars follow its virtual size); a widget that does not
    scroll was already given its size, and its children their places, by the layout that just ran. So a tab
    whose text changed height took two layouts: two frames, the second 17–35 ms after the first. Widgets
    that cannot scroll (overflow hidden both ways) skip the second one; others keep Textual's behaviour.

    A plain mixin, put before the widget class: a mixin derived from ``Widget`` changes the order in which
    Textual ranks the default CSS of the classes after it (a Static then lost its ``height: auto``)."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        widget: Any = super()
        styles: Any = getattr(self, "styles", None)
        scrolls = styles is None or styles.overflow_x != "hidden" or styles.overflow_y != "hidden"
        return bool(widget._size_updated(size, virtual_size, container_size, layout=layout and scrolls))


class SettledStatic(SettlesInOneLayout, Static):
    """A text block that settles in one layout (see :class:`SettlesInOneLayout`)."""


class SettledPane(SettlesInOneLayout, TabPane):
    """A tab pane that settles in one layout (see :class:`SettlesInOneLayout`)."""
