"""A DataTable whose cells draw faster.

Textual's ``DataTable`` draws every cell through Rich's general pipeline (``Styled(Padding(cell))`` through
``console.render_lines``: a measurement, two rounds of line splitting and cropping, and generator layers),
and its cell cache is dropped on every change, so a filter keystroke on the case list redrew each visible
cell that way: most of a keystroke's time. :class:`Table` draws the common cell — a one-line ``rich.text.Text``
in a one-line row — with the same Rich steps that matter (``Text.__rich_console__``: wrap, truncate, join,
render) and pads, crops and styles the line directly, giving the same segments. Anything else (headers,
labels, taller rows, other renderables, tabs, newlines, justified text) goes the original way.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

_NULL = Style.null()
_PLAIN_JUSTIFY = (None, "default")


def render_text_cell(text: Text, console: Console, options: ConsoleOptions, width: int, padding: int,
                     pre_style: Style, post_style: Style) -> list[Segment] | None:
    """One line of a one-line ``Text`` cell ``width`` cells wide, as ``Styled(Padding(text, (0, padding)),
    pre_style, post_style)`` renders it; None when the cell needs the general path."""
    inner = width - 2 * padding
    plain = text.plain
    if inner <= 0 or "\n" in plain or "\t" in plain or text.justify not in _PLAIN_JUSTIFY or text.end != "\n":
        return None
    line: list[Segment] = []
    for segment in text.__rich_console__(console, options.update_width(inner)):
        if isinstance(segment, Segment):
            if segment.text == "\n":
                break
            if segment.text:
                line.append(segment)
        else:  # pragma: no cover - Text renders only segments
            return None
    line = Segment.adjust_line_length(line, inner, style=_NULL, pad=True)
    if padding:
        pad = Segment(" " * padding, _NULL)
        line = [pad, *line, pad]
    return list(Segment.apply_style(line, pre_style or None, post_style or None))


class Table(DataTable[Any]):
    """``DataTable`` with a fast path for one-line ``Text`` cells (same look, same API)."""

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        if row_index < 0 or column_index < 0 or row_index < self.fixed_rows or column_index < self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor, self._update_count,
                     self._pseudo_class_state)
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self.rows.get(row_key)
        if row is None or row.height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        _label, cells = self._get_row_renderables(row_index)
        cell = cells[column_index]
        if not isinstance(cell, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
        options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
        line = render_text_cell(cell, self.app.console, options, width, self.cell_padding, pre_style, post_style)
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        lines = [line]
        self._cell_render_cache[cache_key] = lines
        return lines
