"""Small, strict readers of Gmail and Drive query syntax, written independently of the builders, so tests can
check what a built query *means*: which clauses it has and what each one searches for."""
from __future__ import annotations

import re
import unicodedata

GMAIL_OPERATOR_WORDS = {"OR", "AND", "AROUND"}
_TOKEN = re.compile(r"[^\W_]+")


def lex_gmail(q: str) -> list[tuple[str, str]]:
    """Gmail lexemes: phrase (no escapes inside quotes), group ({ } ( )), op (OR/AND/AROUND), operator (x:y),
    modifier (-x, +x), word."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(q):
        c = q[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j = q.find('"', i + 1)
            if j < 0:
                raise ValueError(f"unterminated phrase at {i}")
            out.append(("phrase", q[i + 1:j]))
            i = j + 1
        elif c in "{}()":
            out.append(("group", c))
            i += 1
        else:
            j = i
            while j < len(q) and not q[j].isspace() and q[j] not in '{}()"':
                j += 1
            word = q[i:j]
            kind = ("op" if word in GMAIL_OPERATOR_WORDS else "modifier" if word[0] in "-+"
                    else "operator" if ":" in word else "word")
            out.append((kind, word))
            i = j
    return out


def gmail_phrases(q: str, anywhere: bool = True) -> list[str]:
    """The phrases of a built query, which must be exactly ``[in:anywhere] { "…" "…" … }``."""
    lx = lex_gmail(q)
    if anywhere:
        assert lx[0] == ("operator", "in:anywhere"), lx[:2]
        lx = lx[1:]
    assert lx[0] == ("group", "{") and lx[-1] == ("group", "}"), q
    body = lx[1:-1]
    assert body and all(kind == "phrase" for kind, _ in body), q
    for _, text in body:
        assert re.fullmatch(r"\w+( \w+)*", text), text  # only tokens: nothing Gmail could read as syntax
    return [text for _, text in body]


def lex_drive(q: str) -> list[tuple[str, str]]:
    """Drive lexemes: string (quoted with ' or ", backslash escapes the next character), paren, op, word."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(q):
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "'\"":
            j, buf = i + 1, []
            while True:
                if j >= len(q):
                    raise ValueError(f"unterminated string at {i}")
                if q[j] == "\\":
                    if j + 1 >= len(q):
                        raise ValueError("dangling backslash")
                    buf.append(q[j + 1])
                    j += 2
                elif q[j] == c:
                    break
                else:
                    buf.append(q[j])
                    j += 1
            out.append(("string", "".join(buf)))
            i = j + 1
        elif c in "()":
            out.append(("paren", c))
            i += 1
        elif c in "=!<>":
            j = i + 1
            if j < len(q) and q[j] == "=":
                j += 1
            out.append(("op", q[i:j]))
            i = j
        else:
            m = re.compile(r"[A-Za-z_.]+").match(q, i)
            if not m:
                raise ValueError(f"unexpected {c!r} at {i}")
            out.append(("word", m.group()))
            i = m.end()
    return out


def drive_clauses(q: str) -> list[tuple[str, str]]:
    """``field contains 'value'`` clauses joined by ``or``: returns (field, decoded value) pairs."""
    lx = lex_drive(q)
    out = []
    for n in range(0, len(lx), 4):
        field, op, value = lx[n:n + 3]
        assert field[0] == "word" and field[1] in ("fullText", "name"), field
        assert op == ("word", "contains"), op
        assert value[0] == "string", value
        if n + 3 < len(lx):
            assert lx[n + 3] == ("word", "or"), lx[n + 3]
        else:
            assert n + 3 == len(lx)
        out.append((field[1], value[1]))
    return out


def index_tokens(text: str) -> list[str]:
    """How the tests model the search index: letter/digit runs, case-insensitive, no diacritic folding."""
    return [t.casefold() for t in _TOKEN.findall(unicodedata.normalize("NFC", text))]


def phrase_finds(phrase: str, text: str) -> bool:
    """A phrase finds a text when its tokens occur adjacent and in order."""
    p, t = index_tokens(phrase), index_tokens(text)
    return bool(p) and any(t[i:i + len(p)] == p for i in range(len(t) - len(p) + 1))
