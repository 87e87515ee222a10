"""Rendering redacted copies and applying staff decisions: pure functions, checked on hand-made parts."""
from __future__ import annotations

from addon.redaction import MARK, Part, Person, Redaction, apply_decision, propose
from addon.redaction.detect import Detector
from addon.redaction.mailview import mail_view
from addon.redaction.render import email_html, redacted_html, redacted_text
from addon.redaction.schedule import entries, schedule_csv, summary
from addon.review import Decision
from addon.subjects.identifiers import make_subject

JANE = make_subject(["Jane Doe"], ["jane.doe@example.com"], ["07700 900123"])
PEOPLE = [Person("Oliver Wright", ("o.wright@example.net",))]


def test_marks_replace_the_text_and_html_is_escaped():
    text = "<b>Oliver Wright</b> & Jane Doe"
    spans = [(3, 16)]
    assert redacted_text(text, spans) == f"<b>{MARK}</b> & Jane Doe"
    out = redacted_html(text, spans)
    assert "Oliver" not in out and "&lt;b&gt;" in out and "&amp; Jane Doe" in out and 'class="redacted"' in out


def test_an_email_copy_hides_headers_body_and_attachment_text():
    raw = (b"From: Oliver Wright <o.wright@example.net>\r\nTo: Jane Doe <jane.doe@example.com>\r\n"
           b"Subject: Call back\r\nDate: Mon, 02 Jun 2025 09:14:00 +0100\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n"
           b"Jane, Oliver asked me to ring 07700 900555.\r\n--XX\r\nContent-Type: text/csv\r\n"
           b"Content-Disposition: attachment; filename=list.csv\r\n\r\nname,phone\r\nOliver Wright,020 7946 0999\r\n"
           b"--XX\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=scan.png\r\n\r\nPNG\r\n--XX--\r\n")
    view = mail_view(raw)
    final = Detector(JANE).propose("gmail:a:1", view.parts, PEOPLE)
    page = email_html(view.date, view.parts, final, view.not_shown)
    for secret in ("Oliver", "o.wright@", "900555", "7946"):
        assert secret not in page
    assert "Jane Doe" in page and "jane.doe@example.com" in page and "Not reproduced" in page and "scan.png" in page


def test_staff_remove_a_proposal_and_add_their_own_but_never_over_the_requester():
    parts = [Part("body", "Oliver Wright met Jane Doe and Sam Hill at the depot.")]
    proposed = propose("k", parts, JANE, PEOPLE)
    assert [parts[0].text[a:b] for a, b in (r.span for r in proposed)] == ["Oliver Wright"]
    d = Decision("include", redactions_removed=[proposed[0].id],
                 redactions_added=[{"kind": "name", "text": "sam hill"}, {"kind": "name", "text": "Jane Doe"},
                                   {"kind": "name", "part": "body", "span": [40, 46]}])
    final = apply_decision(proposed, d, "k", parts, Detector(JANE))
    assert [(r.origin, parts[0].text[r.span[0]:r.span[1]]) for r in final] == [("staff", "Sam Hill"), ("staff", "at the")]
    assert all(r.id != proposed[0].id for r in final)
    assert apply_decision(proposed, None, "k", parts, Detector(JANE)) == proposed


def test_schedule_lists_item_kind_and_code_never_text():
    reds = [Redaction("a1", "name", "body", (0, 5)), Redaction("b2", "phone", "cell:3", (0, 11), "staff")]
    rows = entries("email: Call back", "gmail/x/1 (redacted).html", reds, "third_party")
    data = schedule_csv(rows).decode()
    assert data.splitlines()[0] == "id,item,file,part,kind,exemption,origin"
    assert "a1,email: Call back,gmail/x/1 (redacted).html,body,name,third_party,proposed" in data
    s = summary(rows)
    assert s["total"] == 2 and s["staff"] == 1 and s["codes"] == ["third_party"]
    assert schedule_csv(entries("=cmd()", "f", reds[:1])).decode().splitlines()[1].split(",")[1] == "'=cmd()"
