"""What every caseload screen shares: worker errors go to the app's one handler.

``Worker.StateChanged`` does not bubble, so a screen's failed worker would otherwise go unseen (or end the
app). Screens subclass :class:`CaseloadScreen` and the app turns the error into a safe notification.
"""

from __future__ import annotations

from functools import partial
from typing import Any, TypeVar

from textual import on
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

R = TypeVar("R")


def forward_worker_error(screen: Screen[Any], event: Worker.StateChanged) -> None:
    """Hand a failed worker's error to the app (``CaseloadApp.worker_failed``)."""
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        report = getattr(screen.app, "worker_failed", None)
        if callable(report):
            report(event.worker.error)


READ_AHEAD_REST_S = 0.1
"""How long the cursor rests on a case before the case is read ahead (so opening it is quick)."""


class CaseloadScreen(Screen[R]):
    """A screen whose worker errors become app notifications."""

    _read_ahead_timer: Timer | None = None

    def read_ahead_soon(self, case_id: str | None) -> None:
        """The cursor moved onto a case: once it rests there for ``READ_AHEAD_REST_S``, ask the app to read
        the case ahead (``CaseloadApp.prefetch_case``). Moving on before then reads nothing."""
        if self._read_ahead_timer is not None:
            self._read_ahead_timer.stop()
            self._read_ahead_timer = None
        prefetch = getattr(self.app, "prefetch_case", None)
        if case_id is not None and callable(prefetch):
            self._read_ahead_timer = self.set_timer(READ_AHEAD_REST_S, partial(prefetch, case_id),
                                                    name="read-ahead")

    @property
    def privacy(self) -> bool:
        """Privacy mode as set on the app (level-3 fields masked)."""
        return bool(getattr(self.app, "privacy", False))

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        forward_worker_error(self, event)

    def _compositor_refresh(self) -> None:
        """Textual counts the screen just under the top one as showing through it, opaque or not, and makes
        the top screen redraw whatever changed here (a case list's cursor after Enter opened a case: one or
        two more full frames of the case, identical). Under an opaque screen nothing here shows: drop the
        change instead (the whole screen is drawn again when it is shown again). Under a modal that lets it
        show through, Textual's way stands."""
        app = self.app
        if self is not app.screen and self.is_attached and app.screen.styles.background.a == 1:
            self._compositor._dirty_regions.clear()
            self._dirty_widgets.clear()
            return
        super()._compositor_refresh()


class CaseloadModal(ModalScreen[R]):
    """A modal whose worker errors become app notifications."""

    @property
    def privacy(self) -> bool:
        """Privacy mode as set on the app (level-3 fields masked)."""
        return bool(getattr(self.app, "privacy", False))

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        forward_worker_error(self, event)


def open_case(screen: Screen[Any], case_id: str, tab: str | None = None) -> None:
    """Ask the app to show a case (it keeps one case view and reuses it: opening a case is then cheap)."""
    opener = getattr(screen.app, "open_case", None)
    if callable(opener):
        opener(case_id, tab)


def data_revision(screen: Screen[Any]) -> int:
    """The app's data revision: bumped by every write, so lists reload only when something changed."""
    return int(getattr(screen.app, "data_revision", 0))


def bump_revision(screen: Screen[Any]) -> None:
    """Tell the app something was written (lists and Today reload when shown again)."""
    bump = getattr(screen.app, "bump_revision", None)
    if callable(bump):
        bump()
