"""The base of every editing modal: load in a worker, validate on the UI thread, save in a worker.

A subclass gives :meth:`FormModal.fields` (the widgets), :meth:`FormModal.load` (thread: read what the form
needs), :meth:`FormModal.show_loaded` (UI: fill the fields), :meth:`FormModal.collect` (UI: read and check the
fields, raising :class:`~caseload.widgets.form_fields.FieldError`) and :meth:`FormModal.write` (thread: ONE
store write call = one audited transaction). ``ctrl+s`` saves, ``escape`` cancels and writes nothing. Store
refusals (a conflict, a rule) and field problems are shown in the message line in plain words, never as a
traceback; after a save the app's data revision is bumped so lists and Today reload.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from caseload.screens.base import CaseloadModal, bump_revision
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.form_fields import FieldError
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import MASK

R = TypeVar("R")


class FormModal(CaseloadModal[R]):
    """A modal form over the current screen. Dismisses with what was saved, or None when cancelled."""

    CSS_PATH = "form_modal.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save: one change, audited"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving anything"),
    ]
    TALL = False
    """A long form: the dialog takes most of the screen and its body scrolls."""

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
        """A load or save was refused; ``text`` is safe to show, ``error`` the store's refusal if any."""

        def __init__(self, text: str, error: StoreError | None = None) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, store: Store, today: date) -> None:
        super().__init__(classes="tall" if self.TALL else None)
        self.store = store
        self.today = today
        self.loaded = False
        self.busy = False
        self.result: Any = None
        self.message = ""

    # --- subclass hooks --------------------------------------------------------------------------------

    def heading(self) -> Text:
        """The title line (before and after loading)."""
        return Text("")

    def fields(self) -> ComposeResult:
        """The form's widgets."""
        yield from ()

    def below_fields(self) -> ComposeResult:
        """Widgets kept in view under the scrolling fields (default none)."""
        yield from ()

    def load(self) -> Any:
        """Thread: read what the form needs (default nothing)."""
        return None

    def show_loaded(self, data: Any) -> None:
        """UI: fill the fields from what :meth:`load` read."""

    def collect(self) -> Any:
        """UI: read and check the fields; raise :class:`FieldError` for the first problem."""
        return None

    def write(self, payload: Any) -> Any:
        """Thread: the one store write; its result is what the modal dismisses with."""
        raise NotImplementedError

    def after_save(self, result: Any) -> None:
        """UI: what happens once saved (default: close with the result)."""
        self.dismiss(result)

    def show_privacy(self, privacy: bool) -> None:
        """UI: re-render level-3 text shown outside inputs when privacy mode changes."""

    def show_refusal(self, text: str, error: StoreError | None) -> None:
        """UI: the store refused a save (default: say why in the message line)."""
        self.say(text, error=True)

    # --- the frame -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Title, the fields in a scrolling body, the message line, the footer."""
        with Vertical(id="form-dialog"):
            yield Static(self.heading(), id="form-title")
            with VerticalScroll(id="form-body", can_focus=False):
                yield from self.fields()
            yield from self.below_fields()
            yield Static(Text(""), id="form-message")
        yield KeyBar()

    def on_mount(self) -> None:
        """Watch privacy mode, then load."""
        self.watch(self.app, "privacy", self._privacy_changed, init=True)
        self.say("Loading…")
        self._load()

    def _privacy_changed(self, privacy: bool) -> None:
        """Level-3 boxes give way to a fixed-width mask (not even the length shows) while privacy is on; what
        was typed stays, and F9 brings the boxes back to edit."""
        focused = self.focused
        for box in self.query("Input.l3").results(Input):
            parent = box.parent
            if not isinstance(parent, Widget):
                continue
            box.display = not privacy
            mask = parent.query_children(".l3-mask")
            if privacy and not mask:
                parent.mount(Static(Text(f"{MASK}  (privacy on: F9 to edit)"), classes="l3-mask"), after=box)
            elif not privacy and mask:
                mask.remove()
        if privacy and isinstance(focused, Input) and focused.has_class("l3"):
            self.focus_next()
        self.show_privacy(privacy)

    def refresh_privacy(self) -> None:
        """Apply privacy mode again (after mounting more fields)."""
        self._privacy_changed(self.privacy)

    def set_heading(self, text: Text) -> None:
        """Replace the title line."""
        self.query_one("#form-title", Static).update(text)

    def say(self, text: str, *, error: bool = False) -> None:
        """Show one plain line in the message line (``✘`` marks a problem, not colour alone)."""
        self.message = text
        line = self.query_one("#form-message", Static)
        line.set_class(error, "error")
        line.update(Text(f"✘ {text}" if error and text else text))

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            data = self.load()
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.loaded = True
        self.say("")
        self.show_loaded(message.data)
        self.set_heading(self.heading())
        self._privacy_changed(self.privacy)

    def action_save(self) -> None:
        """Check the fields, then save in a worker."""
        if self.busy or not self.loaded:
            return
        if self.result is not None:
            self.dismiss(self.result)
            return
        try:
            payload = self.collect()
        except FieldError as exc:
            self.say(str(exc), error=True)
            if exc.widget is not None:
                exc.widget.focus()
            return
        if payload is None:
            return
        self.start_save(payload)

    def start_save(self, payload: Any) -> None:
        """Save ``payload`` through :meth:`write` in a worker."""
        self.busy = True
        self.say("Saving…")
        self._save(payload)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, payload: Any) -> None:
        try:
            result = self.write(payload)
        except StoreError as exc:
            self.post_message(self.Failed(str(exc), exc))
        except Exception as exc:  # the store rolled back: say so, without details
            self.post_message(self.Failed(f"That did not work ({type(exc).__name__}); nothing was changed."))
        else:
            self.post_message(self.Saved(result))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.busy = False
        self.result = message.result
        bump_revision(self)
        self.say("Saved.")
        self.after_save(message.result)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.busy = False
        self.show_refusal(message.text, message.error)

    def action_cancel(self) -> None:
        """Close: with nothing when nothing was saved (a save still running is left to finish first)."""
        if self.busy:
            self.say("Saving… wait a moment.")
            return
        self.dismiss(self.result)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def first_problem(self, problems: list[tuple[str, Widget | None]]) -> None:
        """Raise :class:`FieldError` for the first of ``(message, widget)`` problems, if any."""
        if problems:
            text, widget = problems[0]
            raise FieldError(text, widget)
