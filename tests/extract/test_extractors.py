"""addon.extract on files built by the real libraries and on independent samples from other projects
(tests/data/formats, with their licences): the text comes out; encrypted, damaged and oversized files
raise Unreadable with a reason and a check, never anything else."""
from __future__ import annotations

from pathlib import Path

import pytest

from addon import extract
from addon.extract import Corrupt, Encrypted, TooDeep, TooLarge, Unreadable
from addon.extract.mail import MAX_DEPTH
from tests.extract import samples as s

DATA = Path(__file__).parent.parent / "data" / "formats"
WHO = "Siobhán O'Connor"


@pytest.mark.parametrize("fmt,build", [
    ("pdf", lambda: s.pdf(WHO)), ("docx", lambda: s.docx(WHO)), ("pptx", lambda: s.pptx(WHO)),
    ("odt", lambda: s.odt(WHO)), ("rtf", lambda: s.rtf(WHO)), ("ics", lambda: s.ics(WHO, "so@x.test")),
    ("eml", lambda: s.eml("", ("in.eml", "message/rfc822", s.eml("", ("n.docx", s.MIME["docx"], s.docx(WHO))))))])
def test_text_formats(fmt, build):
    got = extract.extract(build(), s.MIME[fmt], f"file.{fmt}")
    assert WHO in got.all_text() and not got.tabular


@pytest.mark.parametrize("fmt,build", [
    ("xlsx", lambda r: s.xlsx(r)), ("xlsm", lambda r: s.xlsx(r, macro=True)), ("csv", lambda r: s.delimited(r)),
    ("tsv", lambda r: s.delimited(r, "\t")), ("ods", lambda r: s.ods(r))])
def test_tables_give_rows_with_tab_and_number(fmt, build):
    got = extract.extract(build([["Name", "Phone"], ["Other", "1"], [WHO, 447700900461]]), s.MIME[fmt], f"book.{fmt}")
    hit = [r for r in got.rows if WHO in r.cells]
    assert got.tabular and len(hit) == 1 and hit[0].row == 3
    assert hit[0].sheet == ("book" if fmt in ("csv", "tsv") else "Customers")
    assert "447700900461" in hit[0].cells  # a phone stored as a number reads without ".0"


def test_octet_stream_is_read_by_extension():
    assert WHO in extract.extract(s.docx(WHO), "application/octet-stream", "notes.docx").all_text()
    assert extract.extract(b"\x89PNG\r\n", "image/png", "scan.png") is None  # scanned images: out of scope


@pytest.mark.parametrize("name,needle", [
    ("crazyones.pdf", "The Crazy Ones"), ("r4-owner-password.pdf", "pdf encryption test"),
    ("blk-paras-and-tables.docx", "Lorem ipsum"), ("hdr-header-footer.docx", "Header for section-1"),
    ("ph-populated-placeholders.pptx", "Body text"), ("serious_poem.odt", "burning deck"),
    ("example.ics", "another_friend@example.com")])
def test_independent_samples(name, needle):
    got = extract.extract((DATA / name).read_bytes(), None, name)
    assert needle in got.all_text()


def test_independent_spreadsheet_sample():
    got = extract.extract((DATA / "pythagoras.ods").read_bytes(), None, "pythagoras.ods")
    assert got.tabular and any("5" in r.cells for r in got.rows)


@pytest.mark.parametrize("data,mime,kind,words", [
    (lambda: (DATA / "r4-user-password.pdf").read_bytes(), "application/pdf", Encrypted, "encrypted PDF"),
    (lambda: s.encrypted_pdf(WHO), "application/pdf", Encrypted, "encrypted PDF"),
    (lambda: s.truncated(s.docx(WHO)), s.MIME["docx"], Corrupt, "damaged Word"),
    (lambda: s.truncated(s.xlsx([[WHO]])), s.MIME["xlsx"], Corrupt, "damaged Excel"),
    (lambda: s.truncated(s.pdf(WHO)), "application/pdf", Unreadable, ""),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, s.MIME["docx"], Encrypted, "password-protected"),
    (lambda: b"not rtf", "application/rtf", Corrupt, "damaged RTF"),
    (lambda: b"BEGIN:VCALENDAR\nnonsense", "text/calendar", Corrupt, "calendar"),
])
def test_unreadable_files_say_why_and_what_to_check(data, mime, kind, words):
    with pytest.raises(kind) as e:
        extract.extract(data(), mime, "f")
    assert words in e.value.reason and e.value.check
    assert set(e.value.as_dict()) == {"reason", "check"}


def test_oversized_is_refused_before_parsing():
    with pytest.raises(TooLarge) as e:
        extract.extract(s.docx(WHO), s.MIME["docx"], "f.docx", limit=1024)
    assert "larger than" in e.value.reason


def test_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(extract.formats, "MAX_UNPACKED", 10_000)
    with pytest.raises(TooLarge):
        extract.extract(s.docx(WHO + " " + "a" * 20_000), s.MIME["docx"], "f.docx")


def test_nested_messages_stop_at_the_depth_limit():
    msg = s.eml(WHO)
    for _ in range(MAX_DEPTH + 2):
        msg = s.eml("", ("fwd.eml", "message/rfc822", msg))
    got = extract.extract(msg, "message/rfc822", "x.eml")
    assert WHO not in got.all_text()
    assert got.unreadable and "nested" in got.unreadable[0]["reason"]
    shallow = s.eml("", ("fwd.eml", "message/rfc822", s.eml(WHO)))
    assert WHO in extract.extract(shallow, "message/rfc822", "x.eml").all_text()
    assert TooDeep.check


def test_a_bad_attachment_inside_a_message_is_listed_not_fatal():
    msg = s.eml("nothing here", ("p.pdf", "application/pdf", s.encrypted_pdf(WHO)))
    got = extract.extract(msg, "message/rfc822", "x.eml")
    assert got.unreadable[0]["part"] == "p.pdf" and "encrypted PDF" in got.unreadable[0]["reason"]
