"""The sandbox's MIME reader against the stdlib ``email`` package (the reference it must agree with) and
against hand-written malformed input."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from email.policy import default as default_policy
import email

from hypothesis import HealthCheck, given, settings, strategies as st

from sandbox.gmail import mime
from sandbox.gmail.text import html_text, tokens


def _leaves(p: mime.Part) -> list[mime.Part]:
    return [p] if not p.multipart else [x for c in p.parts for x in _leaves(c)]


def _std_leaves(m) -> list:
    return [p for p in m.walk() if not p.is_multipart()]


def test_alternative_and_attachments_part_ids_and_bodies() -> None:
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane.doe@example.com>"
    msg["To"] = "a@example.com"
    msg["Subject"] = "Quarterly report"
    msg.set_content("plain body\n")
    msg.add_alternative("<p>html <b>bo</b>dy</p>", subtype="html")
    msg.add_attachment(b"%PDF-1.4 binary \x00\xff", maintype="application", subtype="pdf", filename="report.pdf")
    msg.add_attachment("a,b\n1,2\n", subtype="csv", filename="data.csv")
    root = mime.parse(msg.as_bytes())
    assert root.mime_type == "multipart/mixed" and root.part_id == ""
    assert [p.part_id for p in root.parts] == ["0", "1", "2"]
    assert [p.part_id for p in root.parts[0].parts] == ["0.0", "0.1"]
    plain, html = root.parts[0].parts
    assert (plain.data, plain.attachment) == (b"plain body\n", False)
    assert html.mime_type == "text/html" and not html.attachment
    pdf, csv = root.parts[1], root.parts[2]
    assert (pdf.filename, pdf.data, pdf.attachment) == ("report.pdf", b"%PDF-1.4 binary \x00\xff", True)
    assert csv.filename == "data.csv" and csv.attachment and csv.data.replace(b"\r\n", b"\n") == b"a,b\n1,2\n"
    a = mime.analyse(msg.as_bytes())
    assert a.has_attachment and a.filenames == ["report.pdf", "data.csv"]
    # text attachments are read (Gmail searches inside attachments); binary ones are not
    assert [b.strip() for b in a.bodies] == ["plain body", "html body", "a,b\n1,2"]
    assert a.snippet == "plain body"
    assert a.addresses["from"][0].name == "Jane Doe" and a.addresses["from"][0].address == "jane.doe@example.com"


def test_charsets_quoted_printable_and_8bit_headers() -> None:
    latin = (b"From: =?iso-8859-1?q?Ren=E9e_M=FCller?= <renee@example.com>\nTo: x@example.com\n"
             b"Subject: caf\xe9 au lait\nContent-Type: text/plain; charset=iso-8859-1\n"
             b"Content-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=E8me, =93quoted=94\n")
    a = mime.analyse(latin)
    assert a.addresses["from"][0].name == "Renée Müller"
    assert a.subject == "café au lait"  # raw 8-bit header bytes read as windows-1252
    assert a.bodies == ["Café crème, \u201cquoted\u201d\n"]  # Latin-1 declared, windows-1252 meant
    jp = "日本語のテキスト".encode("iso-2022-jp")
    raw = (b"From: a@example.com\nSubject: =?iso-2022-jp?b?" + base64.b64encode("件名".encode("iso-2022-jp"))
           + b"?=\nContent-Type: text/plain; charset=iso-2022-jp\n\n" + jp + b"\n")
    a = mime.analyse(raw)
    assert a.subject == "件名" and a.bodies == ["日本語のテキスト\n"]
    unknown = b"From: a@example.com\nContent-Type: text/plain; charset=x-made-up\n\nna\xc3\xafve\n"
    assert mime.analyse(unknown).bodies == ["naïve\n"]  # unknown charset: UTF-8 if it decodes


def test_html_only_is_searchable_text_without_markup() -> None:
    raw = (b"From: a@example.com\nContent-Type: text/html; charset=utf-8\n\n<html><head><title>T</title>"
           b"<style>.x{color:red}</style></head><body><p>Hello <b>Jo</b>hn &amp; <a href='x>y'>Mary</a></p>"
           b"<script>var secret=1;</script><!-- hidden --><div>bye</div></body></html>")
    a = mime.analyse(raw)
    assert tokens(a.bodies[0]) == ["hello", "john", "mary", "bye"]
    assert a.snippet == "Hello John &amp; Mary bye"


def test_malformed_messages_still_read() -> None:
    no_boundary = b"From: a@example.com\nContent-Type: multipart/mixed\n\nbody text\n"
    root = mime.parse(no_boundary)
    assert not root.multipart and root.data == b"body text\n"
    wrong_boundary = b'From: a@x.com\nContent-Type: multipart/mixed; boundary="zz"\n\n--yy\n\nhello\n--yy--\n'
    assert not mime.parse(wrong_boundary).multipart
    unclosed = b'From: a@x.com\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nfirst\n--b\n\nsecond'
    assert [p.data for p in mime.parse(unclosed).parts] == [b"first", b"second"]
    bad_b64 = b"From: a@x.com\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ*!\n"
    assert mime.parse(bad_b64).data == b"hello world"
    junk_header = b"From: a@x.com\nthis line is not a header\nSubject: lost\n\nbody\n"
    root = mime.parse(junk_header)
    assert [n for n, _ in root.raw_headers] == ["From"] and b"this line is not a header" in root.data
    bad_type = b"From: a@x.com\nContent-Type: garbage\n\nbody\n"
    assert mime.parse(bad_type).mime_type == "text/plain"
    bad_date = b"From: a@x.com\nDate: the day after tomorrow\n\nbody\n"
    assert mime.analyse(bad_date).date_ms is None


def test_not_a_message() -> None:
    import pytest

    with pytest.raises(mime.MimeError):
        mime.analyse(b"\n\njust a body, no header fields\n")


def test_rfc2231_and_rfc2047_filenames() -> None:
    raw = (b'From: a@x.com\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
           b"Content-Type: application/octet-stream\nContent-Disposition: attachment;\n"
           b" filename*0*=utf-8''r%C3%A9sum%C3%A9;\n filename*1=\".pdf\"\n\nx\n--b\n"
           b'Content-Type: application/octet-stream; name="=?utf-8?q?na=C3=AFve=2Etxt?="\n\ny\n--b--\n')
    root = mime.parse(raw)
    assert [p.filename for p in root.parts] == ["résumé.pdf", "naïve.txt"]


def test_forwarded_message_is_an_attachment_leaf() -> None:
    inner = EmailMessage()
    inner["From"] = "b@x.com"
    inner["Subject"] = "inner"
    inner.set_content("inner body")
    outer = EmailMessage()
    outer["From"] = "a@x.com"
    outer.set_content("see attached")
    outer.add_attachment(inner)
    root = mime.parse(outer.as_bytes())
    fwd = root.parts[1]
    assert fwd.mime_type == "message/rfc822" and fwd.attachment and b"inner body" in fwd.data
    bodies = mime.analyse(outer.as_bytes()).bodies  # the attached message is searchable too, as in Gmail
    assert bodies[0] == "see attached\n" and len(bodies) == 2 and "inner body" in bodies[1] and "inner" in bodies[1]


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=60)
_name = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_text, html=_text, blob=st.binary(max_size=300), name=_name,
       charset=st.sampled_from(["utf-8", "iso-8859-1", "utf-16", "iso-2022-jp"]),
       cte=st.sampled_from([None, "base64", "quoted-printable", "8bit"]))
def test_agrees_with_stdlib_on_what_stdlib_writes(body, html, blob, name, charset, cte) -> None:
    """Every leaf's decoded bytes and type equal the stdlib's reading of the same message; names round-trip."""
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    msg = EmailMessage()
    msg["From"] = "Zoë <zoe@example.com>"
    msg["Subject"] = name
    kw = {"charset": charset} if charset != "utf-16" or cte in ("base64", None) else {"charset": "utf-8"}
    if cte and not (cte == "8bit" and kw["charset"] == "utf-16"):
        kw["cte"] = cte
    try:
        msg.set_content(body, **kw)
    except ValueError:  # a combination the stdlib itself refuses to write
        msg.set_content(body)
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(blob, maintype="application", subtype="octet-stream", filename=name)
    raw = msg.as_bytes()
    mine = _leaves(mime.parse(raw))
    std = _std_leaves(email.message_from_bytes(raw, policy=default_policy))
    assert [p.mime_type for p in mine] == [p.get_content_type() for p in std]
    assert [p.filename for p in mine] == ["", "", name]  # (the stdlib itself drops a name like "<x>")
    assert [p.data for p in mine] == [p.get_payload(decode=True) for p in std]
    assert mine[0].text() == std[0].get_content()
    assert mime.analyse(raw).subject == " ".join(str(msg["Subject"]).split())


def test_html_text_edge_cases() -> None:
    assert html_text("a<br>b") == "a b"
    assert tokens(html_text("<p>x</p><p>y</p>")) == ["x", "y"]
    assert tokens(html_text("<div title='a > b'>c</div>")) == ["c"]
    assert tokens(html_text("<!-- unterminated comment hides the rest")) == []
    assert html_text("no markup &eacute;") == "no markup é"


def test_tokens() -> None:
    assert tokens("Jane.Doe@Example.COM") == ["jane", "doe", "example", "com"]
    assert tokens("foo_bar O'Brien 07700-900123") == ["foo", "bar", "o", "brien", "07700", "900123"]
    assert tokens("Café CAFÉ cafe\u0301") == ["café", "café", "café"]  # NFC, lower case, no folding
    assert tokens("   ") == [] and tokens("--//") == []


@settings(max_examples=200, deadline=None)
@given(when=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
       offset=st.integers(min_value=-12 * 60, max_value=14 * 60), weekday=st.booleans())
def test_date_fast_path_agrees_with_stdlib(when, offset, weekday) -> None:
    aware = when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset)))
    text = format_datetime(aware)
    if not weekday:
        text = text.split(", ", 1)[1]
    assert mime.date_ms(text) == int(aware.timestamp()) * 1000 == int(parsedate_to_datetime(text).timestamp()) * 1000


def test_snippet() -> None:
    assert mime.snippet(" " * 5000 + "hello\n\n world") == "hello world"  # leading whitespace is read past
    long = mime.snippet("word " * 100)
    assert len(long) <= mime.SNIPPET_CHARS and long.endswith("word") and "  " not in long
    assert mime.snippet("a<b> & \"c\" 'd'") == "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
