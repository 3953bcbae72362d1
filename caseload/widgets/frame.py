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

from textual.widget import Widget


def same_frame(*widgets: Widget) -> None:
    """Send these widgets' pending refreshes to their screen now (they are drawn in the next frame)."""
    for widget in widgets:
        if widget.is_mounted:
            widget._check_refresh()
