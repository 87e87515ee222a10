"""Drive v3 ``q`` grammar, pure: a parser from the query string to a small tree.

    expr   := or
    or     := and ("or" and)*
    and    := not ("and" not)*
    not    := "not" not | "(" expr ")" | term
    term   := FIELD OP value | value "in" FIELD | FIELD "in" value   (gspread writes ``parents in "id"``)
    value  := 'string' | "string" | true | false | number

Strings may be single- or double-quoted with ``\\'``, ``\\"`` and ``\\\\`` escapes. Keywords are matched
case-insensitively; field names exactly. Anything else raises :class:`QueryError`, which the API answers
with 400 ``invalid`` on ``q`` as Drive does.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Union

from ..errors import SandboxError

#: field -> operators it accepts (Drive's "query terms" table).
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("contains", "=", "!="),
    "fullText": ("contains",),
    "mimeType": ("contains", "=", "!="),
    "modifiedTime": ("<", "<=", "=", "!=", ">", ">="),
    "createdTime": ("<", "<=", "=", "!=", ">", ">="),
    "viewedByMeTime": ("<", "<=", "=", "!=", ">", ">="),
    "trashed": ("=", "!="),
    "starred": ("=", "!="),
    "sharedWithMe": ("=", "!="),
    "parents": ("in",),
    "owners": ("in",),
    "writers": ("in",),
    "readers": ("in",),
    "visibility": ("=", "!="),
}
BOOLEAN_FIELDS = ("trashed", "starred", "sharedWithMe")
DATE_FIELDS = ("modifiedTime", "createdTime", "viewedByMeTime")
_TOKEN = re.compile(r"\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<op><=|>=|!=|=|<|>)|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
                    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.]*)|(?P<num>-?\d+(?:\.\d+)?))")


class QueryError(SandboxError, ValueError):
    """A malformed ``q``."""


@dataclass(frozen=True)
class Cond:
    field: str
    op: str
    value: Union[str, bool, float]


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


Node = Union[Cond, And, Or, Not]


@dataclass(frozen=True)
class _Tok:
    kind: str  # lp rp op str word num
    text: str


def unquote(lit: str) -> str:
    body, out, i = lit[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def tokenize(q: str) -> list[_Tok]:
    toks, pos = [], 0
    while pos < len(q):
        if q[pos:].strip() == "":
            break
        m = _TOKEN.match(q, pos)
        if not m:
            raise QueryError(f"unexpected text at {pos}: {q[pos:pos + 20]!r}")
        kind = m.lastgroup
        assert kind is not None
        toks.append(_Tok(kind, m.group(kind)))
        pos = m.end()
    return toks


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise QueryError("unexpected end of query")
        self.i += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text.lower() == word:
            self.i += 1
            return True
        return False

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.keyword("or"):
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_not()]
        while self.keyword("and"):
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_not(self) -> Node:
        if self.keyword("not"):
            return Not(self.parse_not())
        tok = self.peek()
        if tok is not None and tok.kind == "lp":
            self.take()
            node = self.parse_or()
            if self.take().kind != "rp":
                raise QueryError("missing )")
            return node
        return self.parse_term()

    def value(self) -> Union[str, bool, float]:
        tok = self.take()
        if tok.kind == "str":
            return unquote(tok.text)
        if tok.kind == "word" and tok.text.lower() in ("true", "false"):
            return tok.text.lower() == "true"
        if tok.kind == "num":
            return float(tok.text)
        raise QueryError(f"expected a value, got {tok.text!r}")

    def parse_term(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QueryError("expected a query term")
        if tok.kind == "str":  # 'value' in field
            value = self.value()
            if not self.keyword("in"):
                raise QueryError("expected 'in' after a value")
            field = self.take()
            return self._cond(field.text, "in", value)
        field = self.take()
        if field.kind != "word":
            raise QueryError(f"expected a field, got {field.text!r}")
        op = self.take()
        if op.kind == "op":
            return self._cond(field.text, op.text, self.value())
        if op.kind == "word" and op.text.lower() in ("contains", "in", "has"):
            return self._cond(field.text, op.text.lower(), self.value())
        raise QueryError(f"expected an operator after {field.text}, got {op.text!r}")

    def _cond(self, field: str, op: str, value: Union[str, bool, float]) -> Cond:
        if field not in FIELDS:
            raise QueryError(f"unknown field {field!r}")
        if op not in FIELDS[field]:
            raise QueryError(f"{field} does not take {op}")
        if field in BOOLEAN_FIELDS and not isinstance(value, bool):
            raise QueryError(f"{field} takes true or false")
        if field not in BOOLEAN_FIELDS and not isinstance(value, str):
            raise QueryError(f"{field} takes a quoted string")
        if field in DATE_FIELDS:
            value = normalise_time(str(value))
        return Cond(field, op, value)


def normalise_time(text: str) -> str:
    """RFC 3339 (UTC when no offset) to the form Drive stores, so times compare as strings."""
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        t += "T00:00:00"
    try:
        moment = dt.datetime.fromisoformat(t.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise QueryError(f"not an RFC 3339 date-time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return format_time(moment)


def format_time(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse(q: str) -> Node | None:
    """The tree for ``q``; None for an empty query (everything)."""
    if not q or not q.strip():
        return None
    p = _Parser(tokenize(q))
    node = p.parse_or()
    if p.peek() is not None:
        raise QueryError(f"unexpected {p.peek().text!r}")  # type: ignore[union-attr]
    return node
