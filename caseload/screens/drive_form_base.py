"""The base of the Drive editing modals: load in a worker, check on the UI thread, save in a worker.

A subclass gives :meth:`DriveFormModal.fields` (label/widget pairs), :meth:`DriveFormModal.load` (thread:
read what the form needs), :meth:`DriveFormModal.show_loaded` (UI: fill the fields),
:meth:`DriveFormModal.collect` (UI: read and check the fields, raising ``ValueError`` with a plain line) and
:meth:`DriveFormModal.write` (thread: ONE store call = one audited transaction). ``ctrl+s`` saves, ``escape``
cancels and writes nothing. Store refusals are shown in the message line, never as a traceback; after a save
the app's data revision is bumped so Today and the lists reload. Inputs holding level-3 text (class
``level3``) are masked in privacy mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from caseload.screens.base import CaseloadModal, bump_revision
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar

R = TypeVar("R")


def parse_day(raw: str, what: str, *, required: bool = True) -> date | None:
    """A date typed as ``YYYY-MM-DD``; blank is None when not ``required``. Raises ``ValueError`` in words."""
    text = raw.strip()
    if not text:
        if required:
            raise ValueError(f"give the {what} (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"the {what} must be a date written YYYY-MM-DD") from None


def labelled(label: str, widget: Widget) -> Iterator[Widget]:
    """A label cell and its widget, for the two-column field grid."""
    yield Static(Text(label), classes="drive-label")
    yield widget


class DriveFormModal(CaseloadModal[R]):
    """A Drive form over the case view. Dismisses with what was saved, or None when cancelled."""

    CSS_PATH = "drive_forms.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="drive_form.save", tooltip="Save: one change, audited"),
        Binding("escape", "cancel", "Cancel", id="drive_form.cancel", tooltip="Close without saving anything"),
    ]
    FORM_TITLE = "Drive"

    class Loaded(Message):
        """What the form needs arrived from the store."""

        def __init__(self, data: Any) -> None:
            super().__init__()
            self.data = data

    class Saved(Message):
        """The store saved the change; ``result`` is what it returned."""

        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    class Failed(Message):
        """A load or save was refused; ``text`` is one plain line, safe to show."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, store: Store, case_id: str, today: date) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self.today = today
        self.data: Any = None
        self.loaded = False
        self.busy = False

    # --- subclass hooks ------------------------------------------------------------------------------------

    def fields(self) -> Iterator[Widget]:
        """The form's widgets, in pairs for the field grid (see :func:`labelled`)."""
        return iter(())

    def load(self) -> Any:
        """Thread: what the form needs (default: the case file as the write methods see it)."""
        return self.store.casework_file(self.case_id)

    def heading(self) -> str:
        """The title line once loaded (no level-3 text: the case reference is level 2)."""
        reference = getattr(getattr(self.data, "case", None), "reference", "")
        return f"{self.FORM_TITLE} · {reference}" if reference else self.FORM_TITLE

    def show_loaded(self, data: Any) -> None:
        """UI: fill the fields from what was loaded."""

    def hint(self) -> Text:
        """A line under the fields that follows the form (default: nothing)."""
        return Text("")

    def collect(self) -> Any:
        """UI: read the fields and check them; raise ``ValueError`` with a plain line when they are not
        right. Returns what :meth:`write` needs."""
        raise NotImplementedError

    def write(self, values: Any) -> Any:
        """Thread: the one store call; returns what the modal dismisses with."""
        raise NotImplementedError

    # --- machinery -----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Title, the field grid, the hint and message lines, the footer."""
        with Vertical(classes="drive-box"):
            yield Static(Text(f"{self.FORM_TITLE} · loading…"), classes="drive-title")
            with Vertical(classes="drive-fields"):
                yield from self.fields()
            yield Static(Text(""), classes="drive-hint")
            yield Static(Text(""), classes="drive-error")
            yield KeyBar()

    def on_mount(self) -> None:
        """Follow privacy mode; load."""
        self.watch(self.app, "privacy", self._privacy_changed, init=True)
        self._load()

    def _privacy_changed(self, value: bool) -> None:
        for box in self.query(".level3").results(Input):
            box.password = bool(value)

    @work(thread=True, exclusive=True, group="drive-form-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            data = self.load()
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        self.loaded = True
        self.query_one(".drive-title", Static).update(Text(self.heading()))
        self.show_loaded(message.data)
        self.refresh_hint()

    def refresh_hint(self) -> None:
        """Redraw the hint line."""
        if self.loaded:
            self.query_one(".drive-hint", Static).update(self.hint())

    def show_error(self, text: str) -> None:
        """Show a refusal or a field problem in the message line (plain text)."""
        self.query_one(".drive-error", Static).update(Text(text, style="bold"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Saving waits for the load and for a save under way."""
        if action == "save":
            return self.loaded and not self.busy
        return True

    def action_save(self) -> None:
        """Check the fields, then save in a worker."""
        if not self.loaded or self.busy:
            return
        try:
            values = self.collect()
        except ValueError as exc:
            self.show_error(f"Cannot save yet: {exc}.")
            return
        self.busy = True
        self.show_error("")
        self.refresh_bindings()
        self._save(values)

    @work(thread=True, exclusive=True, group="drive-form-save", exit_on_error=False)
    def _save(self, values: Any) -> None:
        try:
            result = self.write(values)
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Saved(result))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        bump_revision(self)
        self.dismiss(message.result)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.busy = False
        self.show_error(message.text)
        self.refresh_bindings()

    def action_cancel(self) -> None:
        """Close without saving anything."""
        self.dismiss(None)
