"""Gmail ``q``: the parser's AST and errors, and what each operator finds in a small mailbox (the exact
semantics documented in sandbox/README.md, "Gmail search semantics")."""
from __future__ import annotations

from datetime import datetime, timezone
from email.message import EmailMessage

import pytest

from sandbox.gmail import index as index_mod
from sandbox.gmail.query import And, Not, Or, QueryError, Text, parse
from sandbox.gmail.store import Mailbox
from sandbox.gmail.text import tokens

OWNER = "owner@example.test"
NOW_MS = int(datetime(2025, 6, 1, tzinfo=timezone.utc).timestamp() * 1000)


def _ms(y: int, m: int, d: int, h: int = 12) -> int:
    return int(datetime(y, m, d, h, tzinfo=timezone.utc).timestamp() * 1000)


def _msg(key: str, *, frm: str = "Someone <someone@example.org>", to: str = OWNER, cc: str = "", bcc: str = "",
         subject: str = "", body: str = "", html: str | None = None, attach: tuple[str, bytes] | None = None,
         extra: dict[str, str] | None = None) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Message-ID"] = frm, to, subject, f"<{key}@test>"
    if cc:
        m["Cc"] = cc
    if bcc:
        m["Bcc"] = bcc
    for k, v in (extra or {}).items():
        m[k] = v
    if html is not None and not body:
        m.set_content(html, subtype="html")
    else:
        m.set_content(body or "-")
        if html is not None:
            m.add_alternative(html, subtype="html")
    if attach:
        m.add_attachment(attach[1], maintype="application", subtype="octet-stream", filename=attach[0])
    return m.as_bytes()


MESSAGES = [
    ("jane", dict(frm="Jane Doe <jane.doe@example.com>", subject="Invoice 2024", body="Please pay the invoice."),
     ["INBOX", "UNREAD"], _ms(2024, 3, 10)),
    ("janet", dict(frm="Janet Smith <janet@example.com>", subject="Lunch", body="Dinner and movie tonight?"),
     ["INBOX", "STARRED"], _ms(2024, 4, 16, 20)),
    ("obrien", dict(frm="Sean O'Brien <sean@obrien.ie>", to="Jane Doe <jane.doe@example.com>", cc="boss@example.com",
                    subject="Re: Invoice 2024", body="Jane Doe asked about it."), ["SENT"], _ms(2024, 4, 18)),
    ("bcc", dict(frm=f"Owner <{OWNER}>", to="someone@example.org", bcc="hidden.person@example.net", subject="Quiet",
                 body="nothing to see"), ["SENT"], _ms(2024, 5, 1)),
    ("html", dict(html="<p>Mar<b>ga</b>ret visited <span>Zoë</span></p><script>secretword</script>",
                  subject="Visit"), ["INBOX", "Projects/2024"], _ms(2025, 5, 30)),
    ("pdf", dict(subject="Report", body="attached", attach=("Q1 report.pdf", b"%PDF")), ["INBOX"], _ms(2025, 5, 20)),
    ("trash", dict(subject="Old invoice", body="invoice stuff"), ["TRASH"], _ms(2023, 1, 1)),
    ("spam", dict(subject="Win money", body="invoice prize"), ["SPAM"], _ms(2023, 1, 2)),
    ("cafe", dict(subject="Café", body="crème brûlée, foo_bar and jean-luc"), ["INBOX"], _ms(2022, 1, 1)),
    ("split", dict(subject="alpha beta", body="gamma delta"), ["INBOX"], _ms(2022, 2, 1)),
]


@pytest.fixture(scope="module")
def box() -> Mailbox:
    b = Mailbox(OWNER)
    for key, kw, labels, when in MESSAGES:
        b.add_raw(_msg(key, **kw), labels, when)
    return b


def find(box: Mailbox, q: str, include_spam_trash: bool = False) -> set[str]:
    node = parse(q, now_ms=NOW_MS)
    return {m.rfc822_id.strip("<>").split("@")[0] for m in box.search(node, [], include_spam_trash)}


# -- parser ------------------------------------------------------------------------------------------------
def test_or_binds_tighter_than_and_and_braces_are_or() -> None:
    assert parse("a b OR c") == And((Text(index_mod.BARE_FIELDS, ("a",)),
                                     Or((Text(index_mod.BARE_FIELDS, ("b",)), Text(index_mod.BARE_FIELDS, ("c",))))))
    assert parse("{a b}") == Or((Text(index_mod.BARE_FIELDS, ("a",)), Text(index_mod.BARE_FIELDS, ("b",))))
    assert parse("-a") == Not(Text(index_mod.BARE_FIELDS, ("a",)))
    assert parse("a AND b") == parse("a b")
    assert parse("subject:(x y)") == And((Text(("subject",), ("x",)), Text(("subject",), ("y",))))
    assert parse('subject:"x y"') == Text(("subject",), ("x", "y"))
    assert parse("") is None and parse("   ") is None


@pytest.mark.parametrize("q", [
    "(a b", "a b)", '"open', "{a b", "a}", "in:nonsense", "is:bogus", "has:wings", "category:stuff",
    "after:2024-13-45", "after:2024/02/30", "before:yesterday", "older_than:3w", "newer_than:d", "larger:big",
    "OR a", "a OR", "a OR OR b", "from:", "subject: x", "label:(a b)", "a AROUND 3 b", "list:x@y.com",
    "deliveredto:me@x.com",
])
def test_malformed_queries_raise(q: str) -> None:
    with pytest.raises(QueryError):
        parse(q, now_ms=NOW_MS)


# -- matching ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("q, expected", [
    ("invoice", {"jane", "obrien"}),  # subject + body, spam/trash excluded by default
    ("INVOICE", {"jane", "obrien"}),  # case-insensitive
    ("jan", set()),  # whole tokens only
    ("jane", {"jane", "obrien"}),  # From display name / address, To, and body
    ("boss", {"obrien"}),  # Cc is searched by bare words
    ("hidden", set()),  # Bcc is not (only bcc:)
    ("bcc:hidden.person@example.net", {"bcc"}),
    ("margaret", {"html"}),  # inline tags join their text
    ("secretword", set()),  # script is not text
    ("zoë", {"html"}),
    ("zoe", set()),  # no diacritic folding
    ("cafe", set()),
    ("café", {"cafe"}),
    ("foo", {"cafe"}),  # "_" separates tokens
    ('"jean luc"', {"cafe"}),
    ("jean-luc", {"cafe"}),  # symbols inside a word make a phrase
    ('"luc jean"', set()),  # a phrase keeps its order
    ('"beta gamma"', set()),  # a phrase does not run from the subject into the body
    ('"jane doe asked"', {"obrien"}),
    ("from:jane", {"jane"}),
    ("from:doe", {"jane"}),
    ("from:jane.doe@example.com", {"jane"}),
    ("from:JANE.DOE@EXAMPLE.COM", {"jane"}),
    ("from:doe@example.com", set()),  # a full address matches the whole address only
    ("from:@example.com", {"jane", "janet"}),
    ("from:example.com", {"jane", "janet"}),
    ('from:"jane doe"', {"jane"}),
    ('from:"doe jane"', set()),
    ("from:me", {"bcc"}),  # "me" is the mailbox owner's address
    ("to:jane", {"obrien"}),
    ("to:me", {"jane", "janet", "html", "pdf", "cafe", "split"}),
    ("cc:boss@example.com", {"obrien"}),
    ("subject:invoice", {"jane", "obrien"}),
    ("subject:(re invoice)", {"obrien"}),
    ('subject:"invoice 2024"', {"jane", "obrien"}),
    ("invoice -subject:re", {"jane"}),
    ("invoice -from:jane", {"obrien"}),
    ("from:jane OR from:janet", {"jane", "janet"}),
    ("{from:jane from:janet}", {"jane", "janet"}),
    ("dinner OR margaret invoice", set()),  # (dinner OR margaret) AND invoice
    ("(dinner OR margaret) -visit", {"janet"}),
    ("has:attachment", {"pdf"}),
    ("filename:pdf", {"pdf"}),
    ('filename:"q1 report.pdf"', {"pdf"}),
    ("filename:report", {"pdf"}),
    ("filename:docx", set()),
    ("in:inbox", {"jane", "janet", "html", "pdf", "cafe", "split"}),
    ("in:sent", {"obrien", "bcc"}),
    ("in:trash", {"trash"}),
    ("in:spam", {"spam"}),
    ("invoice in:anywhere", {"jane", "obrien", "trash", "spam"}),
    ("is:unread", {"jane"}),
    ("is:starred", {"janet"}),
    ("label:projects-2024", {"html"}),
    ("label:Projects/2024", {"html"}),
    ("label:nope", set()),
    ("after:2024/04/16 before:2024/04/18", {"janet"}),  # dates are midnight US Pacific
    (f"after:{_ms(2024, 4, 16, 19) // 1000} before:{_ms(2024, 4, 16, 21) // 1000}", {"janet"}),
    ("newer_than:7d", {"html"}),
    ("older_than:2y", {"cafe", "split"}),
    ("larger:1M", set()),
    ("smaller:100K", {"jane", "janet", "obrien", "bcc", "html", "pdf", "cafe", "split"}),
    ("rfc822msgid:jane@test", {"jane"}),
    ("rfc822msgid:<jane@test>", {"jane"}),
    ("!!!", set()),  # a query whose terms are all punctuation finds nothing
    ("invoice !!!", {"jane", "obrien"}),  # a punctuation-only term is dropped
])
def test_operator(box: Mailbox, q: str, expected: set[str]) -> None:
    assert find(box, q) == expected


@pytest.mark.parametrize("q", [
    '"O\'Brien"', '"a OR b"', '"from:evil"', '"-invoice"', '"{x}"', '"(x"', '"in:anywhere"', '"\\"', '"*"',
])
def test_hostile_strings_inside_quotes_are_only_phrases(box: Mailbox, q: str) -> None:
    """Whatever is inside quotes is a phrase of its tokens: it never becomes an operator, never widens."""
    phrase_tokens = tokens(q.strip('"'))
    found = find(box, q)
    if q == '"O\'Brien"':
        assert found == {"obrien"}
    elif q == '"-invoice"':
        assert found == find(box, "invoice")
    else:
        assert found <= find(box, " ".join(phrase_tokens)) if phrase_tokens else found == set()
        assert found == find(box, '"' + " ".join(phrase_tokens) + '"') if phrase_tokens else True
    assert find(box, q) <= find(box, q, include_spam_trash=False)


def test_include_spam_trash_and_labels(box: Mailbox) -> None:
    assert find(box, "invoice", include_spam_trash=True) == {"jane", "obrien", "trash", "spam"}
    assert find(box, "invoice -in:trash", include_spam_trash=False) == {"jane", "obrien"}
    got = {m.rfc822_id for m in box.search(parse("invoice"), ["TRASH"], False)}
    assert got == {"<trash@test>"}  # naming TRASH in labelIds reaches it


def test_phrase_verification_only_touches_candidates(box: Mailbox, monkeypatch) -> None:
    """Term queries are answered from postings; only messages holding every token of a phrase are read."""
    seen: list[int] = []

    class Recording(dict):
        def __getitem__(self, key):
            seen.append(key)
            return super().__getitem__(key)

    for f in index_mod.FIELDS:
        monkeypatch.setitem(box.index.texts, f, Recording(box.index.texts[f]))
    assert find(box, '"jane doe asked"') == {"obrien"}
    assert find(box, "invoice") == {"jane", "obrien"}  # a single token reads no text at all
    assert set(seen) == {m.ordinal for m in box.messages.values() if m.rfc822_id == "<obrien@test>"}


def test_deleted_and_relabelled_messages(box: Mailbox) -> None:
    b = Mailbox(OWNER)
    ids = [b.add_raw(_msg(k, **kw), labels, when) for k, kw, labels, when in MESSAGES]
    jane = b.get(ids[0])
    b.trash(jane)
    assert "jane" not in find(b, "invoice") and "jane" in find(b, "in:trash")
    b.untrash(jane)
    assert "jane" in find(b, "in:inbox invoice")
    b.delete(jane)
    assert find(b, "invoice in:anywhere") == {"obrien", "trash", "spam"}
    assert find(b, "-invoice in:anywhere") & {"jane"} == set()
