"""What every caseload screen shares: worker errors go to the app's one handler.

``Worker.StateChanged`` does not bubble, so a screen's failed worker would otherwise go unseen (or end the
app). Screens subclass :class:`CaseloadScreen` and the app turns the error into a safe notification.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual import on
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

R = TypeVar("R")


def forward_worker_error(screen: Screen[Any], event: Worker.StateChanged) -> None:
    """Hand a failed worker's error to the app (``CaseloadApp.worker_failed``)."""
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        report = getattr(screen.app, "worker_failed", None)
        if callable(report):
            report(event.worker.error)


class CaseloadScreen(Screen[R]):
    """A screen whose worker errors become app notifications."""

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        forward_worker_error(self, event)


class CaseloadModal(ModalScreen[R]):
    """A modal whose worker errors become app notifications."""

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        forward_worker_error(self, event)
