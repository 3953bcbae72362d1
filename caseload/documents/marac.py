"""The MARAC referral as a document for the MARAC coordinator: HTML (inline CSS, printable) or Markdown.

Both are rendered from one list of sections built from a :class:`~caseload.domain.marac.MaracReferralDocument`:
the criteria met with their reasons, consent, whom the victim fears and whom it is safe / not safe to talk to,
the victim, safe-contact details, the people causing harm, the children, the DASH answers and score, and
previous listings. A header says the file is identifiable and must travel by secure email only.

Every piece of text is made safe before it is written: control characters and ESC sequences removed by
:func:`caseload.domain.sanitise.clean`, then HTML-escaped (HTML) or with Markdown punctuation backslash-escaped
and ``< > &`` as entities (Markdown), so a name or note cannot inject tags, links, images or formatting.
Firewall fields (immigration status, NRPF, visa dependence) and the code word are never included.

:func:`write_referral` writes the file under a generated name (no case data) inside the chosen folder only
(see :mod:`caseload.documents.files`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from caseload.documents.files import DocumentError, document_name, guarded_target, write_private
from caseload.domain.calendar import format_day
from caseload.domain.enums import Channel, Consent, DashAnswer, MaracCriterion
from caseload.domain.marac import MaracReferralDocument
from caseload.domain.model import Person
from caseload.domain.sanitise import clean

Format = Literal["html", "md"]

WARNING = (
    "OFFICIAL-SENSITIVE — identifiable personal data. This referral identifies a victim of domestic abuse, "
    "her children and the person she fears. Send it to the MARAC coordinator by secure email only; never by "
    "ordinary email, messaging apps or removable media. Delete local copies once it has been sent."
)
_ANSWERS = {DashAnswer.YES: "Yes", DashAnswer.NO: "No", DashAnswer.NOT_KNOWN: "Not known"}
_CONSENT = {
    Consent.CONSENTED: "Victim is aware and consents",
    Consent.AWARE_NOT_CONSENTED: "Victim is aware but does not consent",
    Consent.NOT_AWARE: "Victim is not aware of the referral",
}
_CRITERIA = {
    MaracCriterion.VISIBLE_HIGH_RISK: "Visible high risk",
    MaracCriterion.PROFESSIONAL_JUDGEMENT: "Professional judgement",
    MaracCriterion.POTENTIAL_ESCALATION: "Potential escalation",
    MaracCriterion.REPEAT: "Repeat",
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MD_ESCAPED = frozenset("\\`*_{}[]()#.!|~:=@$^")
_MD_LINE_START = frozenset("-+")  # list markers and thematic breaks only matter at the start of a line
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the document: label/value rows, a table (first row is the header) and/or a list."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    items: tuple[str, ...] = ()


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """A table with a header row; empty when there are no rows (the section then says "None")."""
    return (head, *rows) if rows else ()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _yes_no(value: bool | None) -> str:
    return "Not recorded" if value is None else ("Yes" if value else "No")


def _day(d: date | None) -> str:
    return format_day(d) if d is not None else "Not recorded"


def _needs(p: Person) -> str:
    needs = [
        label
        for label, on in (
            ("interpreter needed", p.interpreter_needed),
            ("Deaf / BSL", p.deaf_bsl),
            ("disability", bool(p.disability)),
            ("pregnant", p.pregnant),
        )
        if on
    ]
    return ", ".join(needs) or "None recorded"


def _victim(p: Person) -> Section:
    return Section(
        "Victim",
        rows=(
            ("Name", p.display_name),
            ("Date of birth", _day(p.date_of_birth)),
            ("Age band", p.age_band.value.replace("_", " ")),
            ("Sex", p.sex.value.replace("_", " ")),
            ("Address", p.address or "Not recorded"),
            ("Postcode", p.postcode or "Not recorded"),
            ("Phone", p.phone or "Not recorded"),
            ("Email", p.email or "Not recorded"),
            ("Needs", _needs(p)),
        ),
    )


def _safe_contact(doc: MaracReferralDocument) -> Section:
    sc = doc.safe_contact
    if sc is None:
        return Section("Safe contact", rows=(("Arrangements", "None recorded: ask the IDVA before any contact"),))
    days = ", ".join(_DAYS[d] for d in sc.safe_weekdays if 0 <= d < 7) or "None recorded"
    times = (
        f"{sc.safe_from or 'any time'} to {sc.safe_until or 'any time'}"
        if sc.safe_from or sc.safe_until
        else "Any time"
    )
    return Section(
        "Safe contact",
        rows=(
            ("Safe numbers", "; ".join(sc.safe_numbers) or "None recorded"),
            ("Safe days", days),
            ("Safe times", times),
            ("Safe to leave voicemail", _yes_no(sc.voicemail_safe)),
            ("Safe to text", _yes_no(sc.text_safe)),
            ("Safe to email", _yes_no(sc.email_safe)),
            ("Preferred channel", Channel(sc.preferred_channel).value.replace("_", " ")),
            ("Who must not know", sc.who_must_not_know or "Not recorded"),
            ("Code word", "Held by the IDVA; not included in this document"),
        ),
    )


def sections(doc: MaracReferralDocument) -> tuple[Section, ...]:
    """The document's sections in order (plain, unescaped text; the renderers escape it)."""
    criteria = tuple(_capital(c.reason) or _CRITERIA[c.criterion] for c in doc.criteria) or (
        "No criterion met on the referral date",
    )
    dash_rows = (
        ("DASH completed on", _day(doc.dash_on)),
        ("DASH score", "No DASH recorded" if doc.dash_score is None else f"{doc.dash_score} of 24"),
        ("Risk level", doc.risk_level.value if doc.risk_level is not None else "Not assessed"),
        ("Professional judgement", doc.judgement_reason or "None recorded"),
    )
    answers = _table(
        ("No.", "Question", "Answer"),
        [(str(line.number), line.question, _ANSWERS[line.answer]) for line in doc.dash_answers],
    )
    perps = _table(
        ("Name", "Date of birth", "Address", "Postcode"),
        [
            (p.display_name, _day(p.date_of_birth), p.address or "Not recorded", p.postcode or "Not recorded")
            for p in doc.perpetrators
        ],
    )
    children = _table(
        ("Name", "Date of birth / age", "Relationship to victim", "To the person causing harm", "School informed"),
        [
            (
                c.given_name,
                format_day(c.date_of_birth) if c.date_of_birth else f"aged {c.age_band.value}",
                c.relationship_to_victim,
                c.relationship_to_perpetrator,
                _yes_no(c.school_informed),
            )
            for c in doc.children
        ],
    )
    listings = _table(
        ("MARAC meeting", "Repeat"), [(format_day(m.meeting_on), _yes_no(m.repeat)) for m in doc.previous_listings]
    )
    return (
        Section(
            "Referral",
            rows=(("Case reference", doc.case_reference), ("Prepared on", format_day(doc.prepared_on))),
        ),
        Section("Referral criteria met", items=criteria),
        Section("Consent", rows=(("Consent", _CONSENT[doc.consent]), ("Note", doc.consent_note or "None"))),
        Section(
            "Who the victim fears and who it is safe to talk to",
            rows=(
                ("Feared", doc.feared or "Not recorded"),
                ("Safe to talk to", doc.safe_to_talk or "Not recorded"),
                ("Not safe to talk to", doc.not_safe_to_talk or "Not recorded"),
            ),
        ),
        _victim(doc.victim),
        _safe_contact(doc),
        Section("People causing harm", table=perps, items=() if perps else ("None recorded",)),
        Section("Children", table=children, items=() if children else ("None recorded",)),
        Section("DASH risk identification checklist", rows=dash_rows, table=answers),
        Section("Previous MARAC listings", table=listings, items=() if listings else ("None",)),
    )


# --- HTML --------------------------------------------------------------------------------------------------

_CSS = """
body{font:11pt/1.45 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#111;margin:2em auto;max-width:60em}
.warning{border:3px solid #a00;background:#fff0f0;color:#600;padding:.8em 1em;margin-bottom:1.5em;font-weight:600}
h1{font-size:1.6em;margin:.2em 0 .6em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid #bbb;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#eee}table.rows th{width:14em}ul{margin:.3em 0 .3em 1.2em}
footer{margin-top:2em;font-size:.85em;color:#444}
@media print{body{margin:0;max-width:none}.warning{border-width:2px}h2{break-after:avoid}tr{break-inside:avoid}}
"""


def _h(text: str) -> str:
    """Cleaned and HTML-escaped text; newlines become ``<br>``."""
    return html.escape(clean(text, multiline=True).replace("\t", " ")).replace("\n", "<br>")


def _html_section(s: Section) -> list[str]:
    out = [f"<section><h2>{_h(s.title)}</h2>"]
    if s.rows:
        out.append('<table class="rows">')
        out += [f'<tr><th scope="row">{_h(k)}</th><td>{_h(v)}</td></tr>' for k, v in s.rows]
        out.append("</table>")
    if s.table:
        head, *body = s.table
        out.append("<table><thead><tr>" + "".join(f'<th scope="col">{_h(c)}</th>' for c in head) + "</tr></thead>")
        out += ["<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in body]
        out.append("</table>")
    if s.items:
        out.append("<ul>" + "".join(f"<li>{_h(i)}</li>" for i in s.items) + "</ul>")
    out.append("</section>")
    return out


def render_html(doc: MaracReferralDocument, *, generated_on: date | None = None) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, nothing fetched from elsewhere)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">',
        f"<title>MARAC referral</title><style>{_CSS}</style></head><body>",
        f'<div class="warning" role="alert">{_h(WARNING)}</div>',
        "<h1>MARAC referral</h1>",
    ]
    for s in sections(doc):
        parts += _html_section(s)
    when = format_day(generated_on or doc.prepared_on)
    parts.append(f"<footer>Generated by caseload on {_h(when)}. {_h(WARNING.split('. ')[0])}.</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- Markdown ----------------------------------------------------------------------------------------------


def _md_line(line: str) -> str:
    head = f"\\{line[0]}" if line[:1] in _MD_LINE_START else ""
    rest = line[1:] if head else line
    return head + "".join(_MD_ENTITIES.get(ch) or (f"\\{ch}" if ch in _MD_ESCAPED else ch) for ch in rest)


def md_text(text: str, *, one_line: bool = False) -> str:
    """Cleaned text with Markdown neutralised: ASCII punctuation that could start markup is backslash-escaped
    and ``< > &`` become entities (no raw HTML, links, images, emphasis, headings, lists or autolinks).
    Newlines become hard line breaks, or `` / `` when ``one_line``."""
    lines = clean(text, multiline=True).replace("\t", " ").split("\n")
    escaped = [_md_line(line.strip()) for line in lines]
    return " / ".join(escaped) if one_line else "\\\n  ".join(escaped)


def _md_section(s: Section) -> list[str]:
    out = [f"## {md_text(s.title, one_line=True)}", ""]
    if s.rows:
        out += [f"- **{md_text(k, one_line=True)}:** {md_text(v)}" for k, v in s.rows]
        out.append("")
    if s.table:
        head, *body = s.table
        out.append("| " + " | ".join(md_text(c, one_line=True) for c in head) + " |")
        out.append("|" + "---|" * len(head))
        out += ["| " + " | ".join(md_text(c, one_line=True) for c in row) + " |" for row in body]
        out.append("")
    if s.items:
        out += [f"- {md_text(i)}" for i in s.items]
        out.append("")
    return out


def render_markdown(doc: MaracReferralDocument, *, generated_on: date | None = None) -> str:
    """The referral as Markdown, every piece of text neutralised (see :func:`md_text`)."""
    parts = [f"> **{md_text(WARNING, one_line=True)}**", "", "# MARAC referral", ""]
    for s in sections(doc):
        parts += _md_section(s)
    parts.append(f"_Generated by caseload on {md_text(format_day(generated_on or doc.prepared_on))}\\._")
    return "\n".join(parts) + "\n"


def render(doc: MaracReferralDocument, fmt: Format, *, generated_on: date | None = None) -> str:
    """:func:`render_html` or :func:`render_markdown`."""
    if fmt == "html":
        return render_html(doc, generated_on=generated_on)
    if fmt == "md":
        return render_markdown(doc, generated_on=generated_on)
    raise DocumentError("Choose HTML or Markdown.")


def write_referral(doc: MaracReferralDocument, folder: Path, fmt: Format = "html", *, today: date) -> Path:
    """Write the referral into ``folder`` under a generated name (``marac-referral-YYYYMMDD-<hex>.html`` or
    ``.md``; ``today`` is the date of writing, not a case date) and return its path. Mode 0600, temp file +
    fsync + atomic rename. Raises :class:`~caseload.documents.files.DocumentError` with a plain message when
    the folder is refused or the write fails; nothing is left behind then."""
    text = render(doc, fmt, generated_on=today)
    target = guarded_target(folder, document_name("marac-referral", fmt, today))
    write_private(target, text.encode("utf-8"))
    return target


__all__: Sequence[str] = (
    "WARNING",
    "DocumentError",
    "Section",
    "md_text",
    "render",
    "render_html",
    "render_markdown",
    "sections",
    "write_referral",
)
