"""MARAC referral modal: build from the case and DASH, complete, save, write the document.

:class:`MaracReferralModal` builds the referral from the case and its latest DASH through the store
(:meth:`~caseload.store.casework_risk.RiskMixin.preview_marac_referral`; nothing is re-typed), shows the
criteria met with their reasons and the DASH answers, lets the worker complete consent and whom the victim
fears / whom it is safe or not safe to talk to, and saves it
(:meth:`~caseload.store.casework_risk.RiskMixin.refer_to_marac`, one transaction). It then offers to write
the document for the MARAC coordinator (HTML or Markdown) into a chosen folder through
:func:`caseload.documents.marac.write_referral` — generated file name, folder guard, 0600, atomic — with the
warning that the file is identifiable and must travel by secure email.

Listing dates and MARAC actions are recorded by :class:`caseload.screens.marac_listing.MaracListingModal`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, RadioButton, RadioSet, Static

from caseload.documents.files import DocumentError
from caseload.documents.marac import WARNING, Format, write_referral
from caseload.domain.calendar import format_day
from caseload.domain.enums import Consent, DashAnswer
from caseload.domain.marac import CriterionResult, MaracReferralDocument
from caseload.domain.model import MaracReferral
from caseload.domain.sanitise import one_line
from caseload.screens.base import CaseloadModal, bump_revision
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.privacy import level3

CONSENTS = (
    (Consent.CONSENTED, "Aware and consents"),
    (Consent.AWARE_NOT_CONSENTED, "Aware, does not consent"),
    (Consent.NOT_AWARE, "Not aware of the referral"),
)
FORMATS: tuple[tuple[Format, str], ...] = (("html", "HTML (printable)"), ("md", "Markdown"))
ANSWER_WORDS = {DashAnswer.YES: "Yes", DashAnswer.NO: "No", DashAnswer.NOT_KNOWN: "Not known"}
LEVEL3_INPUTS = ("#marac-consent-note", "#marac-feared", "#marac-safe", "#marac-not-safe")
_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)}


def default_folder() -> Path:
    """Where documents go unless the worker chooses: her Documents folder, else her home folder."""
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def parse_day(text: str, today: date) -> date | None:
    """A typed date: ``2026-12-17``, ``17/12/2026``, ``17/12/26``, ``17/12`` (this year) or ``17 Dec 2026``."""
    raw = text.strip().lower()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?", raw):
            year = int(m[3]) if m[3] else today.year
            return date(year + 2000 if year < 100 else year, int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2}) ([a-z]{3})[a-z]* ?(\d{4})?", raw):
            month = _MONTHS.get(m[2])
            return date(int(m[3]) if m[3] else today.year, month, int(m[1])) if month else None
    except ValueError:
        return None
    return None


def referral_summary(doc: MaracReferralDocument, results: tuple[CriterionResult, ...], privacy: bool) -> Text:
    """What the referral is built from: criteria (met or not) with reasons, the people, the DASH answers."""
    text = Text()
    text.append("Criteria\n", style="bold")
    for r in results:
        text.append(f"  {'✔' if r.met else '✘'} {r.reason}\n", style="bold" if r.met else "")
    text.append("\nVictim  ", style="bold")
    text.append(level3(doc.victim.display_name, privacy, 60))
    feared = ", ".join(level3(p.display_name, privacy, 40) for p in doc.perpetrators) or "none recorded"
    text.append("\nPerson(s) causing harm  ", style="bold")
    text.append(feared)
    text.append(f"\nChildren  {len(doc.children)}   Previous MARAC listings  {len(doc.previous_listings)}\n")
    if doc.dash_on is None:
        text.append("\nNo DASH recorded: the referral will go without DASH answers.\n", style="bold")
        return text
    text.append(f"\nDASH of {format_day(doc.dash_on)} · score {doc.dash_score}", style="bold")
    text.append(f" · {doc.risk_level.value.upper() if doc.risk_level else ''}\n", style="bold")
    if doc.judgement_reason:
        text.append("  Professional judgement: ")
        text.append(level3(doc.judgement_reason, privacy, 100))
        text.append("\n")
    for line in doc.dash_answers:
        text.append(f"  {line.number:>2} {ANSWER_WORDS[line.answer]:<9} {one_line(line.question, 100)}\n")
    return text


class MaracReferralModal(CaseloadModal[MaracReferral | None]):
    """Make the MARAC referral, then write it as a document. Dismissed with the saved
    :class:`MaracReferral` (also after writing the document), or None when nothing was saved."""

    CSS_PATH = "marac_referral.tcss"
    AUTO_FOCUS = "#marac-consent"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save referral", id="marac.save", tooltip="Save the referral on the case"),
        Binding("ctrl+s", "write", "Write document", id="marac.write",
                tooltip="Write the referral document into the folder (identifiable: secure email only)"),
        Binding("escape", "close", "Close", id="marac.close", tooltip="Close (cancels if nothing was saved)"),
        Binding("pageup", "scroll_body(-1)", "Up", id="marac.page_up", show=False,
                tooltip="Scroll the criteria and DASH answers up"),
        Binding("pagedown", "scroll_body(1)", "Down", id="marac.page_down", show=False,
                tooltip="Scroll the criteria and DASH answers down"),
        Binding("f1", "app.help", "Help", id="marac.help", show=False, tooltip="Keys for this form"),
    ]

    @dataclass
    class Loaded(Message):
        """The referral as it would be built today, and the four criteria."""

        document: MaracReferralDocument
        results: tuple[CriterionResult, ...]

    @dataclass
    class Saved(Message):
        """The referral was stored."""

        referral: MaracReferral
        document: MaracReferralDocument

    @dataclass
    class Written(Message):
        """The document was written to ``path``."""

        path: Path

    @dataclass
    class Failed(Message):
        """The store or the folder guard refused; ``text`` is one plain line without case data."""

        text: str

    def __init__(self, store: Store, case_id: str, today: date, *, folder: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id
        self.today = today
        self.folder = folder or default_folder()
        self.document: MaracReferralDocument | None = None
        self.results: tuple[CriterionResult, ...] = ()
        self.referral: MaracReferral | None = None
        self.written: Path | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        """Header, what the referral is built from, the worker's part, the document part, messages."""
        with Vertical(id="marac-box"):
            yield Static(Text("MARAC referral · loading…"), id="marac-header")
            with VerticalScroll(id="marac-body"):
                yield Static(Text(""), id="marac-summary")
            with Vertical(id="marac-form"):
                with Horizontal(classes="marac-row"):
                    yield Static(Text("Consent"), classes="marac-label")
                    with RadioSet(id="marac-consent"):
                        for _value, label in CONSENTS:
                            yield RadioButton(label)
                yield from labelled_input("Why not", "required unless she consented", "marac-consent-note")
                yield from labelled_input("Who is feared", "whom the victim fears", "marac-feared")
                yield from labelled_input("Safe to talk to", "who it is safe to talk to (or 'nobody')", "marac-safe")
                yield from labelled_input("Not safe to", "who it is NOT safe to talk to", "marac-not-safe")
            with Vertical(id="marac-doc"):
                yield Static(Text(f"⚠ {WARNING}", style="bold"), id="marac-warning")
                yield from labelled_input("Folder", "folder to write into", "marac-folder")
                with Horizontal(classes="marac-row"):
                    yield Static(Text("Format"), classes="marac-label")
                    with RadioSet(id="marac-format"):
                        for n, (_fmt, label) in enumerate(FORMATS):
                            yield RadioButton(label, value=n == 0)
            yield Static(Text(""), id="marac-message")
            yield KeyBar()

    def on_mount(self) -> None:
        """Privacy watch, default folder, load."""
        self.query_one("#marac-doc").display = False
        self.query_one("#marac-folder", Input).value = str(self.folder)
        self.watch(self.app, "privacy", self._privacy_changed, init=True)
        self._load()

    def _privacy_changed(self, _value: bool) -> None:
        for selector in LEVEL3_INPUTS:
            self.query_one(selector, Input).password = self.privacy
        self._show()

    def _say(self, message: str, style: str = "bold red") -> None:
        self.query_one("#marac-message", Static).update(Text(message, style=style))

    @work(thread=True, exclusive=True, group="marac-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            doc = self.store.preview_marac_referral(self.case_id, on=self.today)
            results = self.store.marac_criteria(self.case_id, self.today)
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(doc, results))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.document, self.results = message.document, message.results
        self._show()
        if not message.document.meets_criteria:
            self._say(f"This case meets no MARAC criterion on {format_day(self.today)}: a referral is offered "
                      "when one is met (see the reasons above).", "bold")
        self.refresh_bindings()

    def _show(self) -> None:
        doc = self.document
        if doc is None:
            return
        header = Text(f"MARAC referral · {doc.case_reference} · ")
        header.append(level3(doc.victim.display_name, self.privacy, 40))
        header.append(f" · {format_day(self.today)}")
        if self.referral is not None:
            header.append("   saved", style="bold")
        self.query_one("#marac-header", Static).update(header)
        self.query_one("#marac-summary", Static).update(referral_summary(doc, self.results, self.privacy))

    # --- keys ----------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Save while the referral is unsaved and the criteria are met; then write the document."""
        if action == "save":
            return self.referral is None and self.document is not None and self.document.meets_criteria
        if action == "write":
            return self.referral is not None
        return True

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "marac-not-safe":
            self.action_save()
        elif event.input.id == "marac-folder":
            self.action_write()
        else:
            self.focus_next()

    def action_scroll_body(self, direction: int) -> None:
        """Page through what the referral is built from, wherever the cursor is."""
        body = self.query_one("#marac-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def action_close(self) -> None:
        """Close: None when nothing was saved, else the saved referral."""
        self.dismiss(self.referral)

    def action_save(self) -> None:
        """Save the referral (the store checks consent, feared and safe to talk)."""
        if self.busy or self.referral is not None or self.document is None or not self.document.meets_criteria:
            return
        pressed = self.query_one("#marac-consent", RadioSet).pressed_index
        if pressed < 0:
            self._say("Choose the victim's consent position first (aware and consents / does not / not aware).")
            self.query_one("#marac-consent").focus()
            return
        self.busy = True
        self._say("Saving…", "")
        values = {s: self.query_one(s, Input).value for s in LEVEL3_INPUTS}
        self._save(CONSENTS[pressed][0], values)

    @work(thread=True, exclusive=True, group="marac-save", exit_on_error=False)
    def _save(self, consent: Consent, values: dict[str, str]) -> None:
        try:
            referral, document = self.store.refer_to_marac(
                self.case_id,
                on=self.today,
                consent=consent,
                consent_note=values["#marac-consent-note"].strip(),
                feared=values["#marac-feared"].strip(),
                safe_to_talk=values["#marac-safe"].strip(),
                not_safe_to_talk=values["#marac-not-safe"].strip(),
            )
        except StoreError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Saved(referral, document))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.busy = False
        self.referral, self.document = message.referral, message.document
        bump_revision(self)
        self.query_one("#marac-form").disabled = True
        self.query_one("#marac-doc").display = True
        self._show()
        self._say("Referral saved on the case. Write the document for the MARAC coordinator (ctrl+s), or esc.",
                  "bold")
        self.query_one("#marac-folder", Input).focus()
        self.refresh_bindings()

    def action_write(self) -> None:
        """Write the document into the chosen folder (generated name; the folder guard applies)."""
        if self.busy or self.referral is None or self.document is None:
            return
        folder = self.query_one("#marac-folder", Input).value.strip()
        if not folder:
            self._say("Choose a folder to write into.")
            return
        fmt = FORMATS[max(0, self.query_one("#marac-format", RadioSet).pressed_index)][0]
        self.busy = True
        self._write(self.document, Path(folder).expanduser(), fmt)

    @work(thread=True, exclusive=True, group="marac-write", exit_on_error=False)
    def _write(self, document: MaracReferralDocument, folder: Path, fmt: Format) -> None:
        try:
            path = write_referral(document, folder, fmt, today=self.today)
        except DocumentError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.store.audit_event("marac.document_written", self.case_id, format=fmt)
        self.post_message(self.Written(path))

    @on(Written)
    def _written(self, message: Written) -> None:
        self.busy = False
        self.written = message.path
        self._say(f"Written: {one_line(str(message.path), 160)} — identifiable: send by secure email only, then "
                  "delete the local copy. esc to close.", "bold")

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.busy = False
        self._say(message.text)


def labelled_input(label: str, placeholder: str, widget_id: str) -> ComposeResult:
    """A one-line label and a compact input beside it."""
    with Horizontal(classes="marac-row"):
        yield Static(Text(label), classes="marac-label")
        yield Input(placeholder=placeholder, max_length=500, compact=True, id=widget_id)
