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

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets._data_table import Column, RowKey

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
    if cell_len(plain) <= inner:  # fits: what wrap, join and render give, without them
        if not text.spans:
            style = console.get_style(text.style, default=_NULL) if text.style else None
            line = [Segment(plain, style)] if plain else []
        else:
            line = [segment for segment in text.render(console) if segment.text]
        return _finish(line, inner, padding, pre_style, post_style)
    for segment in text.__rich_console__(console, options.update_width(inner)):
        if isinstance(segment, Segment):
            if segment.text == "\n":
                break
            if segment.text:
                line.append(segment)
        else:  # pragma: no cover - Text renders only segments
            return None
    return _finish(line, inner, padding, pre_style, post_style)


def _finish(line: list[Segment], inner: int, padding: int, pre_style: Style, post_style: Style) -> list[Segment]:
    """Pad or crop to the cell, add the cell padding, apply the cell's styles."""
    line = Segment.adjust_line_length(line, inner, style=_NULL, pad=True)
    if padding:
        pad = Segment(" " * padding, _NULL)
        line = [pad, *line, pad]
    return list(Segment.apply_style(line, pre_style or None, post_style or None))


def text_width(text: Text) -> int:
    """What ``textual.render.measure(console, text, 1)`` returns for a ``Text``, without building options."""
    lines = text.plain.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0


class Table(DataTable[Any]):
    """``DataTable`` with a fast path for one-line ``Text`` cells (same look, same API), its column order
    kept between column changes (DataTable rebuilds it on every call, thousands of times a frame), and new
    rows measured directly when they hold only ``Text``."""

    _columns_for: object = None
    _columns_len = -1
    _columns_cached: list[Column] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pre_styles: dict[tuple[Style, int, int, Style], Style] = {}
        """A cell's style (row style, its place, cursor or hover) by what it is made of: the same from one
        refill to the next, where the cell cache is not."""

    @property
    def ordered_columns(self) -> list[Column]:
        """The columns in screen order (rebuilt only when the columns change)."""
        locations = self._column_locations
        if self._columns_for is not locations or self._columns_len != len(self.columns):
            keys = [locations.get_key(i) for i in range(len(self.columns))]
            self._columns_cached = [self.columns[key] for key in keys if key is not None]
            self._columns_for, self._columns_len = locations, len(self.columns)
        return list(self._columns_cached)

    def add_rows(self, rows: Iterable[Iterable[Any]]) -> list[RowKey]:
        """Add rows, and size the table for them now rather than when the table is next idle (what DataTable's
        idle handler would do), so the frame that shows the rows needs no second frame for the scrollbars."""
        keys = super().add_rows(rows)
        if self._require_update_dimensions and not self._updated_cells:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)
        return keys

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Column widths and the virtual size after rows were added, as DataTable computes them; rows with a
        label or an automatic height, or cells other than ``Text``, go the original way."""
        new_rows = list(new_rows)
        widths: list[list[int]] = []
        for row_key in new_rows:
            row_index = self._row_locations.get(row_key)
            if row_index is None:
                continue
            row = self.rows.get(row_key)
            if row is None or row.label is not None or row.auto_height:
                super()._update_dimensions(new_rows)
                return
            _label, cells = self._get_row_renderables(row_index)
            texts = [cell for cell in cells if isinstance(cell, Text)]
            if len(texts) != len(cells):
                super()._update_dimensions(new_rows)
                return
            widths.append([text_width(text) for text in texts])
        for column, column_widths in zip(self.ordered_columns, zip(*widths, strict=True), strict=False):
            column.content_width = max(column.content_width, *column_widths)
        data_cells_width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(data_cells_width + self._row_label_column_width,
                                 self._total_row_height + header_height)

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
        style_key = (base_style, row_index, column_index, component_style)
        pre_style = self._pre_styles.get(style_key)
        if pre_style is None:
            if len(self._pre_styles) > 4096:
                self._pre_styles.clear()
            pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
            self._pre_styles[style_key] = pre_style
        options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
        line = render_text_cell(cell, self.app.console, options, width, self.cell_padding, pre_style, post_style)
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        lines = [line]
        self._cell_render_cache[cache_key] = lines
        return lines
