"""DASH form: the 24 questions answered with y / n / k, live score, band and MARAC criteria, saved as a new
immutable snapshot.

``y`` / ``n`` / ``k`` answer the question under the cursor and move to the next; ``↑`` / ``↓`` move; ``enter``
writes a note for the question (``enter`` again, or ``esc``, goes back to the list); ``j`` sets a
professional-judgement level — only levels above the score band are offered, and a written reason is required
(the store refuses a judgement that would lower the level or has no reason). The header shows the score, the
band (raised by judgement) and "MARAC: yes/no"; below the list, each MARAC criterion is evaluated live by
:func:`caseload.domain.marac.evaluate` on the case file with this draft included, with its reason.
``ctrl+s`` saves through :meth:`~caseload.store.casework_risk.RiskMixin.save_dash` (one transaction, earlier
snapshots never touched); ``esc`` (outside a text box) cancels and writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from caseload.domain.calendar import format_day
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import QUESTION_COUNT, QUESTIONS, assessed_level, band, score
from caseload.domain.enums import DashAnswer, RiskLevel
from caseload.domain.marac import CriterionResult, evaluate
from caseload.domain.model import DashAssessment
from caseload.screens.base import CaseloadModal, bump_revision
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import level3
from caseload.widgets.table import Table

DRAFT_ID = "~draft"
"""Id of the unsaved draft in the live MARAC check: sorts after every stored id, so it is the latest DASH."""

ANSWER_KEYS = (DashAnswer.YES, DashAnswer.NO, DashAnswer.NOT_KNOWN)


def answer_cell(answer: DashAnswer | None) -> Text:
    """``[y] n  k``: the chosen answer bracketed and highlighted; all plain when unanswered."""
    text = Text()
    for option in ANSWER_KEYS:
        if option == answer:
            text.append(f"[{option.value}]", style="reverse bold")
        else:
            text.append(f" {option.value} ")
    return text


def draft_assessment(
    case_id: str,
    on: date,
    answers: Sequence[DashAnswer | None],
    judgement: RiskLevel | None,
    reason: str,
) -> DashAssessment:
    """The draft as a DASH snapshot for the live checks (unanswered questions count as "not known")."""
    return DashAssessment(
        id=DRAFT_ID,
        case_id=case_id,
        assessed_on=on,
        assessor_id="",
        answers=tuple(a or DashAnswer.NOT_KNOWN for a in answers),
        judgement_level=judgement,
        judgement_reason=reason,
    )


def live_criteria(casefile: CaseFile, draft: DashAssessment, on: date) -> tuple[CriterionResult, ...]:
    """The four MARAC criteria on ``on`` for the case file with the draft DASH as its latest."""
    return evaluate(dataclasses.replace(casefile, dash=(*casefile.dash, draft)), on)


def judgement_options(score_band: RiskLevel) -> tuple[RiskLevel, ...]:
    """Levels professional judgement may choose: only those above the score band, highest first."""
    return tuple(level for level in (RiskLevel.HIGH, RiskLevel.MEDIUM) if level.rank > score_band.rank)


class DashFormModal(CaseloadModal[DashAssessment | None]):
    """A new DASH for a case. Dismissed with the saved :class:`DashAssessment`, or None."""

    CSS_PATH = "dash_form.tcss"
    AUTO_FOCUS = "#dash-table"
    BINDINGS = [
        Binding("y", "answer('y')", "Yes", id="dash.yes", tooltip="Yes, then the next question"),
        Binding("n", "answer('n')", "No", id="dash.no", tooltip="No, then the next question"),
        Binding("k", "answer('k')", "Not known", id="dash.not_known", tooltip="Not known, then the next question"),
        Binding("j", "judgement", "Judgement", id="dash.judgement",
                tooltip="Professional judgement: raise the level (a reason is required)"),
        Binding("ctrl+s", "save", "Save", id="dash.save", tooltip="Save as a new DASH snapshot"),
        Binding("escape", "escape", "Cancel", id="dash.cancel",
                tooltip="Back to the questions from a text box; otherwise close without saving"),
        Binding("f1", "app.help", "Help", id="dash.help", show=False, tooltip="Keys for this form"),
    ]

    class Loaded(Message):
        """The case file arrived."""

        def __init__(self, casefile: CaseFile) -> None:
            super().__init__()
            self.casefile = casefile

    class Saved(Message):
        """The snapshot was stored."""

        def __init__(self, dash: DashAssessment) -> None:
            super().__init__()
            self.dash = dash

    class Failed(Message):
        """The store refused; ``text`` is one plain line without case data."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, store: Store, case_id: str, today: date) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self.today = today
        self.casefile: CaseFile | None = None
        self.answers: list[DashAnswer | None] = [None] * QUESTION_COUNT
        self.notes: list[str] = [""] * QUESTION_COUNT
        self.judgement: RiskLevel | None = None
        self.note_row = 0
        self.saving = False
        self.error = ""

    def compose(self) -> ComposeResult:
        """Header, the 24 questions, the current question in full, note, judgement, MARAC check, footer."""
        with Vertical(id="dash-box"):
            with Horizontal(id="dash-head"):
                yield Static(Text("DASH risk checklist · loading…"), id="dash-header")
                yield Static(Text(""), id="dash-score")
            yield Table(id="dash-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text(""), id="dash-question")
            with Horizontal(classes="dash-row"):
                yield Static(Text("Note (enter)"), id="dash-note-label", classes="dash-label")
                yield Input(placeholder="optional note for this question", max_length=1000, compact=True,
                            id="dash-note")
            with Horizontal(classes="dash-row"):
                yield Static(Text(""), id="dash-judgement", classes="dash-label")
                yield Input(placeholder="reason (required when raising)", max_length=1000, compact=True,
                            id="dash-reason")
            yield Static(Text(""), id="dash-marac")
            yield Static(Text(""), id="dash-error")
            yield KeyBar()

    def on_mount(self) -> None:
        """Columns and rows, privacy watch, load the case."""
        table = self.query_one(DataTable)
        width = max(30, min(self.app.size.width, 140) - 3 - 9 - 26 - 14)
        self._question_width = width
        table.add_column("#", key="n", width=3)
        table.add_column("Question", key="q", width=width)
        table.add_column("Answer", key="a", width=9)
        table.add_column("Note", key="note", width=26)
        for n, question in enumerate(QUESTIONS, 1):
            table.add_row(Text(str(n)), Text(_cut(question, width)), answer_cell(None), Text(""), key=f"q{n}")
        self.watch(self.app, "privacy", self._privacy_changed, init=True)
        self._load()

    @work(thread=True, exclusive=True, group="dash-form", exit_on_error=False)
    def _load(self) -> None:
        try:
            casefile = self.store.casework_file(self.case_id)
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(casefile))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.casefile = message.casefile
        self.refresh_view()

    def _privacy_changed(self, _value: bool) -> None:
        for box in self.query(Input):
            box.password = self.privacy
        for row in range(QUESTION_COUNT):
            self._show_row(row)
        self.refresh_view()

    # --- state ---------------------------------------------------------------------------------------------

    @property
    def row(self) -> int:
        """The question under the cursor (0-based)."""
        return self.query_one(DataTable).cursor_row

    @property
    def reason(self) -> str:
        """The judgement reason as typed."""
        return self.query_one("#dash-reason", Input).value

    def draft(self) -> DashAssessment:
        """The form as a draft snapshot."""
        return draft_assessment(self.case_id, self.today, self.answers, self.judgement, self.reason)

    def score_band(self) -> RiskLevel:
        """The band of the score so far."""
        return band(score(self.draft().answers))

    def _show_row(self, row: int) -> None:
        table = self.query_one(DataTable)
        table.update_cell(f"q{row + 1}", "a", answer_cell(self.answers[row]))
        table.update_cell(f"q{row + 1}", "note", Text(level3(self.notes[row], self.privacy, 24)))

    def refresh_view(self) -> None:
        """Redraw header, current question, judgement line, MARAC check and messages."""
        draft = self.draft()
        value, banded, level = score(draft.answers), band(score(draft.answers)), assessed_level(draft)
        cf = self.casefile
        results = live_criteria(cf, draft, self.today) if cf is not None else ()
        marac = any(r.met for r in results)
        header = Text("DASH · ")
        if cf is not None:
            header.append(f"{cf.case.reference} · ")
            header.append(level3(cf.subject.display_name, self.privacy, 30))
            header.append(" · ")
        header.append(format_day(self.today))
        self.query_one("#dash-header", Static).update(header)
        answered = sum(a is not None for a in self.answers)
        live = Text(f"{answered}/{QUESTION_COUNT} answered · ")
        live.append(f"score {value} · {banded.value.upper()}", style="bold")
        if level != banded:
            live.append(f" → {level.value.upper()} (judgement)", style="bold")
        live.append(" · MARAC: ")
        live.append("yes" if marac else "no", style="bold red" if marac else "bold")
        self.query_one("#dash-score", Static).update(live)
        row = self.row
        self.query_one("#dash-question", Static).update(Text(f"Q{row + 1}. {QUESTIONS[row]}"))
        self.query_one("#dash-note-label", Static).update(Text(f"Note Q{row + 1} (enter)"))
        self.query_one("#dash-judgement", Static).update(self._judgement_text(banded))
        lines = [Text("MARAC criteria (live, with this DASH):", style="bold")]
        for r in results:
            lines.append(Text(f"  {'✔' if r.met else '✘'} {r.reason}", style="bold" if r.met else ""))
        self.query_one("#dash-marac", Static).update(Text("\n").join(lines))
        self.query_one("#dash-error", Static).update(Text(self.error, style="bold red"))

    def _judgement_text(self, banded: RiskLevel) -> Text:
        text = Text("Judgement (j): ")
        if self.judgement is None:
            text.append("none")
        elif self.judgement.rank <= banded.rank:
            text.append(f"{self.judgement.value.upper()} ✘ not above the band", style="bold red")
        else:
            text.append(f"raise to {self.judgement.value.upper()}", style="bold")
        return text

    # --- keys ----------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing is saved before the case has loaded or while a save runs."""
        if action in ("save", "answer", "judgement"):
            return self.casefile is not None and not self.saving
        return True

    def action_answer(self, value: str) -> None:
        """Answer the question under the cursor and move to the next."""
        row = self.row
        self.answers[row] = DashAnswer(value)
        self._show_row(row)
        self.error = ""
        table = self.query_one(DataTable)
        if row + 1 < QUESTION_COUNT:
            table.move_cursor(row=row + 1)
        self.refresh_view()

    @on(DataTable.RowHighlighted)
    def _moved(self, _event: DataTable.RowHighlighted) -> None:
        self.note_row = self.row
        box = self.query_one("#dash-note", Input)
        with box.prevent(Input.Changed):
            box.value = self.notes[self.note_row]
        self.refresh_view()

    @on(DataTable.RowSelected)
    def _write_note(self, _event: DataTable.RowSelected) -> None:
        self.note_row = self.row
        self.query_one("#dash-note", Input).focus()

    @on(Input.Changed, "#dash-note")
    def _note_changed(self, event: Input.Changed) -> None:
        self.notes[self.note_row] = event.value
        self._show_row(self.note_row)

    @on(Input.Changed, "#dash-reason")
    def _reason_changed(self, _event: Input.Changed) -> None:
        self.error = ""
        self.refresh_view()

    @on(Input.Submitted)
    def _input_done(self, _event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_judgement(self) -> None:
        """Cycle the professional-judgement level through the levels above the score band, then none."""
        options = judgement_options(self.score_band())
        if not options and self.judgement is None:
            self.error = "The score already puts this case at high risk; judgement can only raise a level."
            self.refresh_view()
            return
        cycle: list[RiskLevel | None] = [None, *options]
        at = cycle.index(self.judgement) if self.judgement in cycle else 0
        self.judgement = cycle[(at + 1) % len(cycle)]
        self.error = ""
        self.refresh_view()
        if self.judgement is not None and not self.reason.strip():
            self.query_one("#dash-reason", Input).focus()

    def action_escape(self) -> None:
        """From a text box back to the questions; otherwise close without saving."""
        if isinstance(self.focused, Input):
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)

    def action_save(self) -> None:
        """Save a new snapshot once every question is answered (the store checks the judgement)."""
        missing = [n for n, a in enumerate(self.answers, 1) if a is None]
        if missing:
            listed = ", ".join(f"Q{n}" for n in missing[:6]) + ("…" if len(missing) > 6 else "")
            self.error = f"Answer every question first: {len(missing)} not answered ({listed})."
            self.query_one(DataTable).move_cursor(row=missing[0] - 1)
            self.query_one(DataTable).focus()
            self.refresh_view()
            return
        self.saving = True
        self.error = ""
        self.refresh_bindings()
        answers = tuple(a for a in self.answers if a is not None)
        self._save(answers, tuple(n.strip() for n in self.notes), self.judgement, self.reason)

    @work(thread=True, exclusive=True, group="dash-save", exit_on_error=False)
    def _save(
        self, answers: tuple[DashAnswer, ...], notes: tuple[str, ...], judgement: RiskLevel | None, reason: str
    ) -> None:
        try:
            dash = self.store.save_dash(
                self.case_id,
                answers,
                assessed_on=self.today,
                notes=notes,
                judgement_level=judgement,
                judgement_reason=reason,
            )
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Saved(dash))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        bump_revision(self)
        self.dismiss(message.dash)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.saving = False
        self.error = message.text
        self.refresh_bindings()
        self.refresh_view()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
