"""MARAC referral document: contents, generated names, folder guard, hostile text, durable private write."""

from __future__ import annotations

import html
import os
import re
import stat
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from caseload.documents import files
from caseload.documents.files import DocumentError, guarded_target
from caseload.documents.marac import WARNING, md_text, render_html, render_markdown, write_referral
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import QUESTIONS
from caseload.domain.enums import ChildAgeBand, Consent, DashAnswer, PersonRole
from caseload.domain.marac import MaracReferralDocument, build_referral
from caseload.domain.model import Child, MaracListing, Party, SafeContact
from tests.unit.domain.factories import answers, case, dash, person

NAME_RE = re.compile(r"^marac-referral-\d{8}-[0-9a-f]{8}\.(html|md)$")
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(1)">',
    "link": "[click here](https://evil.example/x)",
    "image": "![pixel](https://evil.example/p.png)",
    "esc": "\x1b[2J\x1b]8;;https://evil.example\x07hyper\x1b]8;;\x07\x9b31m",
    "markup": "*bold* _em_ `code`\n# heading\n> quote\n1. list\n===",
    "auto": "<https://evil.example> www.evil.example someone@evil.example",
}


def _document(victim_name: str = "Testina", note: str = "Her sister") -> MaracReferralDocument:
    victim = person(
        given_name=victim_name,
        family_name="Fictional",
        date_of_birth=date(1990, 4, 2),
        address="1 Example Row",
        postcode="ZZ99 1AA",
        phone="07700 900123",
    )
    perp = person(PersonRole.PERPETRATOR, given_name="Exemplar", family_name="Person", date_of_birth=date(1985, 1, 9))
    c = case(subject_id=victim.id)
    answers_15 = answers(15, not_known=2)
    cf = CaseFile(
        case=c,
        subject=victim,
        people=(perp,),
        parties=(Party("party-1", c.id, perp.id, PersonRole.PERPETRATOR),),
        children=(Child("child-1", c.id, "Pip", date(2019, 6, 1), ChildAgeBand.B5_10),),
        dash=(dash(c.id, date(2026, 12, 9), yes=15, answers=answers_15),),
        marac_listings=(MaracListing("listing-1", c.id, date(2025, 3, 5)),),
        safe_contact=SafeContact(
            "sc",
            c.id,
            safe_numbers=("07700 900123",),
            safe_from="10:00",
            safe_until="14:00",
            code_word="bluebell",
            who_must_not_know="Exemplar",
        ),
    )
    return build_referral(
        cf,
        date(2026, 12, 10),
        consent=Consent.CONSENTED,
        feared="Exemplar Person",
        safe_to_talk=note,
        not_safe_to_talk="Mutual friends",
    )


def test_document_contains_the_dash_answers_and_the_rest() -> None:
    doc = _document()
    page, md = render_html(doc), render_markdown(doc)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    words = {DashAnswer.YES: "Yes", DashAnswer.NO: "No", DashAnswer.NOT_KNOWN: "Not known"}
    assert rows == [
        (str(n), html.escape(q), words[a]) for n, (q, a) in enumerate(zip(QUESTIONS, answers(15, 2), strict=True), 1)
    ]
    md_rows = re.findall(r"^\| (\d+) \| (.*) \| (Yes|No|Not known) \|$", md, re.M)
    assert [(int(n), a) for n, _, a in md_rows] == [(n, words[a]) for n, a in enumerate(answers(15, 2), 1)]
    assert md_rows[0][1] == md_text(QUESTIONS[0], one_line=True)
    for text in (page, md):
        assert "15 of 24" in text and "Visible high risk" in text and "Exemplar Person" in text
        assert "Pip" in text and "07700 900123" in text and "Mutual friends" in text and "5 Mar 2025" in text
        assert "bluebell" not in text  # the code word never leaves the store
    assert doc.case_reference in page and md_text(doc.case_reference) in md
    assert html.escape(WARNING) in page and "secure email" in md.splitlines()[0]
    assert "<script" not in page and "Content-Security-Policy" in page


def test_written_file_has_a_generated_name_mode_0600_and_the_bytes(tmp_path: Path) -> None:
    doc = _document()
    names = set()
    for fmt in ("html", "md", "html"):
        path = write_referral(doc, tmp_path, fmt, today=date(2026, 12, 10))  # type: ignore[arg-type]
        assert path.parent == tmp_path and NAME_RE.match(path.name)
        for case_text in ("Testina", "Fictional", doc.case_reference, "1990", "20261209", doc.case_id):
            assert case_text not in path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        expected = (
            render_html(doc, generated_on=date(2026, 12, 10))
            if fmt == "html"
            else render_markdown(doc, generated_on=date(2026, 12, 10))
        )
        assert path.read_bytes() == expected.encode("utf-8")
        names.add(path.name)
    assert len(names) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # no temp files left


def test_folder_guard_rejects_paths_outside(tmp_path: Path) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "sub").mkdir()
    assert guarded_target(folder, "sub/a.html") == folder / "sub" / "a.html"
    for bad in (
        "../outside/a.html",
        "sub/../../outside/a.html",
        str(outside / "a.html"),
        str(folder / "a.html"),
        "",
        ".",
        "a/./b.html",
    ):
        with pytest.raises(DocumentError, match="inside the chosen folder"):
            guarded_target(folder, bad)
    (folder / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DocumentError, match="link"):
        guarded_target(folder, "link/a.html")
    (folder / "exists.html").write_text("x")
    (folder / "dangling.html").symlink_to(outside / "new.html")
    for taken in ("exists.html", "dangling.html"):
        with pytest.raises(DocumentError, match="already exists"):
            guarded_target(folder, taken)
    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(DocumentError, match="symbolic link"):
        write_referral(_document(), linked_folder, "html", today=date(2026, 12, 10))
    with pytest.raises(DocumentError, match="does not exist"):
        write_referral(_document(), tmp_path / "missing", "html", today=date(2026, 12, 10))
    with pytest.raises(DocumentError, match="not a folder"):
        write_referral(_document(), folder / "exists.html", "html", today=date(2026, 12, 10))
    assert list(outside.iterdir()) == [] and not (outside / "new.html").exists()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def _tags(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    return parser


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_is_neutralised(kind: str) -> None:
    bad = HOSTILE[kind]
    doc = _document(victim_name=bad, note=bad)
    page, md = render_html(doc), render_markdown(doc)
    for out in (page, md):
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    seen = _tags(page)
    assert seen.tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "div",
        "h1",
        "h2",
        "section",
        "table",
        "thead",
        "tr",
        "th",
        "td",
        "ul",
        "li",
        "footer",
        "br",
    }
    assert seen.attrs <= {"lang", "charset", "http-equiv", "content", "name", "class", "role", "scope"}
    rendered = MarkdownIt("commonmark").render(md)
    tags = _tags(rendered).tags
    assert tags <= {"blockquote", "p", "strong", "h1", "h2", "ul", "li", "em", "br"}
    assert "https://" not in md and "www.evil" not in md and "](" not in md.replace("\\](", "")
    assert rendered.count("<h1>") == 1  # only the title; a heading in a name stays text


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(DocumentError, match=r"No space left on device.*nothing was written"):
        write_referral(_document(), tmp_path, "md", today=date(2026, 12, 10))
    assert list(tmp_path.iterdir()) == []
    assert os.listdir(tmp_path) == []
