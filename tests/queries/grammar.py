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


#: A parsed query: alternatives (OR), each an AND of groups, each group an OR of phrases.
Tree = list[list[list[str]]]


def _phrase(lexeme: tuple[str, str]) -> str:
    kind, text = lexeme
    assert kind == "phrase", lexeme
    assert re.fullmatch(r"\w+( \w+)*", text), text  # only tokens: nothing Gmail could read as syntax
    return text


def gmail_tree(q: str, anywhere: bool = True) -> Tree:
    """A built query, which must be exactly ``[in:anywhere] { item … }`` where an item is a phrase or
    ``( group … )`` and a group is a phrase or ``{ phrase … }``. Anything else fails the assertion."""
    lx = lex_gmail(q)
    if anywhere:
        assert lx[0] == ("operator", "in:anywhere"), lx[:2]
        lx = lx[1:]
    assert lx[0] == ("group", "{") and lx[-1] == ("group", "}"), q
    body, i, out = lx[1:-1], 0, []
    assert body, q
    while i < len(body):
        if body[i] == ("group", "("):
            i += 1
            alt: list[list[str]] = []
            while body[i] != ("group", ")"):
                if body[i] == ("group", "{"):
                    i += 1
                    grp = []
                    while body[i] != ("group", "}"):
                        grp.append(_phrase(body[i]))
                        i += 1
                    assert grp, q
                    alt.append(grp)
                else:
                    alt.append([_phrase(body[i])])
                i += 1
            assert alt, q
            out.append(alt)
        else:
            out.append([[_phrase(body[i])]])
        i += 1
    return out


def gmail_phrases(q: str, anywhere: bool = True) -> list[str]:
    """Every phrase of a built query (asserting its shape, see :func:`gmail_tree`)."""
    return [p for alt in gmail_tree(q, anywhere) for grp in alt for p in grp]


def tree_finds(tree: Tree, text: str) -> bool:
    """Whether a token index holding ``text`` would return it for the query."""
    return any(all(any(phrase_finds(p, text) for p in grp) for grp in alt) for alt in tree)


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


def _drive_term(lx: list, i: int) -> tuple[str, int]:
    field, op, value = lx[i:i + 3]
    assert field == ("word", "fullText"), field
    assert op == ("word", "contains"), op
    assert value[0] == "string", value
    v = value[1]
    inner = v[1:-1] if v.startswith('"') and v.endswith('"') and len(v) > 1 else v
    assert re.fullmatch(r"\w+( \w+)*", inner), v  # tokens only, a phrase only when quoted
    assert inner == v or " " in inner or len(inner) > 0
    return inner, i + 3


def drive_tree(q: str) -> Tree:
    """A built query, which must be ``item or item …``, an item being ``fullText contains '…'`` or
    ``(group and group …)``, a group a term or ``(term or term …)``."""
    lx, i, out = lex_drive(q), 0, []
    while i < len(lx):
        if lx[i] == ("paren", "("):
            i += 1
            alt = []
            while True:
                if lx[i] == ("paren", "("):
                    i += 1
                    grp = []
                    while True:
                        t, i = _drive_term(lx, i)
                        grp.append(t)
                        if lx[i] == ("paren", ")"):
                            i += 1
                            break
                        assert lx[i] == ("word", "or"), lx[i]
                        i += 1
                    alt.append(grp)
                else:
                    t, i = _drive_term(lx, i)
                    alt.append([t])
                if lx[i] == ("paren", ")"):
                    i += 1
                    break
                assert lx[i] == ("word", "and"), lx[i]
                i += 1
            out.append(alt)
        else:
            t, i = _drive_term(lx, i)
            out.append([[t]])
        if i < len(lx):
            assert lx[i] == ("word", "or"), lx[i]
            i += 1
            assert i < len(lx), q
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
