"""Gmail's ``q`` language parsed into a small AST (pure: no mailbox, no I/O).

Grammar (juxtaposition is AND; ``OR`` binds tighter than it, as in Gmail):

    query  := item*                      item := alt
    alt    := unary ("OR" unary)*        unary := "-" unary | "+"? atom
    atom   := "(" item* ")" | "{" item* "}" | PHRASE | OPERATOR ":" value | WORD
    value  := WORD | PHRASE | "(" item* ")" | "{" item* "}"     (groups only for text operators)

Phrases have no escapes: a phrase runs to the next ``"``. A term with no letters or digits is dropped
(as if absent). Unknown ``name:value`` words are text (``http://x.org`` is the phrase "http x org").
Malformed input raises :class:`QueryError`, answered as HTTP 400. The exact semantics are documented in
``sandbox/README.md`` ("Gmail search semantics").
"""
from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import SandboxError
from .index import ADDRESS_FIELDS, BARE_FIELDS, AddressRule, address_rule
from .text import tokens

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        PACIFIC: timezone | ZoneInfo = ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # no tz database: Pacific Standard Time all year
        PACIFIC = timezone(timedelta(hours=-8))
except ImportError:  # pragma: no cover
    PACIFIC = timezone(timedelta(hours=-8))


class QueryError(SandboxError, ValueError):
    """A ``q`` Gmail would not accept (or the sandbox does not support): answered with 400."""


# -- AST ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Text:
    """Consecutive ``tokens`` in one segment of any of ``fields``."""

    fields: tuple[str, ...]
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Addr:
    field: str  # from | to | cc | bcc
    rule: AddressRule | None  # None: the mailbox owner ("me")


@dataclass(frozen=True)
class LabelName:
    name: str  # label: value, resolved against the mailbox's labels at evaluation


@dataclass(frozen=True)
class In:
    label: str  # a system label id, or "anywhere"


@dataclass(frozen=True)
class Flag:
    name: str  # "attachment" | "userlabels" | "nouserlabels"


@dataclass(frozen=True)
class DateRange:
    start_ms: int | None = None  # inclusive
    end_ms: int | None = None  # exclusive


@dataclass(frozen=True)
class Size:
    larger: bool
    bytes: int


@dataclass(frozen=True)
class MessageId:
    value: str


@dataclass(frozen=True)
class Nothing:
    pass


Node = And | Or | Not | Text | Addr | LabelName | In | Flag | DateRange | Size | MessageId | Nothing

TEXT_OPERATORS = {"from", "to", "cc", "bcc", "subject", "filename"}
OPERATORS = TEXT_OPERATORS | {
    "label", "in", "is", "has", "after", "before", "older", "newer", "older_than", "newer_than", "category",
    "larger", "smaller", "size", "rfc822msgid", "deliveredto", "list",
}
UNSUPPORTED = {"deliveredto", "list"}
IN_VALUES = {"inbox": "INBOX", "trash": "TRASH", "bin": "TRASH", "spam": "SPAM", "sent": "SENT", "draft": "DRAFT",
             "drafts": "DRAFT", "starred": "STARRED", "important": "IMPORTANT", "chats": "CHAT",
             "anywhere": "anywhere"}
IS_VALUES = {"unread": In("UNREAD"), "read": Not(In("UNREAD")), "starred": In("STARRED"),
             "important": In("IMPORTANT"), "unstarred": Not(In("STARRED"))}
HAS_VALUES = {"attachment": Flag("attachment"), "userlabels": Flag("userlabels"),
              "nouserlabels": Flag("nouserlabels")}
CATEGORY_VALUES = {"primary": "CATEGORY_PERSONAL", "personal": "CATEGORY_PERSONAL", "social": "CATEGORY_SOCIAL",
                   "promotions": "CATEGORY_PROMOTIONS", "updates": "CATEGORY_UPDATES", "forums": "CATEGORY_FORUMS"}


# -- lexer -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lexeme:
    kind: str  # "(" ")" "{" "}" PHRASE WORD NEG
    text: str
    pos: int
    glued: bool  # no whitespace before it


_STRUCT = '(){}"'


def lex(q: str) -> list[Lexeme]:
    out: list[Lexeme] = []
    i, n = 0, len(q)
    glued = False
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
            glued = False
            continue
        if c == '"':
            j = q.find('"', i + 1)
            if j < 0:
                raise QueryError(f"unbalanced quote at position {i + 1}")
            out.append(Lexeme("PHRASE", q[i + 1 : j], i, glued))
            i = j + 1
        elif c in "(){}":
            out.append(Lexeme(c, c, i, glued))
            i += 1
        elif c in "-+" and (not out or not glued or out[-1].kind in ("(", "{", "NEG")) and i + 1 < n \
                and not q[i + 1].isspace():
            if c == "-":
                out.append(Lexeme("NEG", c, i, glued))
            i += 1
            glued = True
            continue
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in _STRUCT:
                j += 1
            out.append(Lexeme("WORD", q[i:j], i, glued))
            i = j
        glued = True
    return out


# -- parser ------------------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, q: str, now_ms: int) -> None:
        self.lx = lex(q)
        self.i = 0
        self.now_ms = now_ms

    def peek(self) -> Lexeme | None:
        return self.lx[self.i] if self.i < len(self.lx) else None

    def take(self) -> Lexeme:
        t = self.lx[self.i]
        self.i += 1
        return t

    def is_or(self, t: Lexeme | None) -> bool:
        return t is not None and t.kind == "WORD" and t.text == "OR"

    def seq(self, closer: str | None, ctx: str | None) -> list:
        items = []
        while True:
            t = self.peek()
            if t is None:
                if closer:
                    raise QueryError(f"missing '{closer}'")
                return items
            if t.kind == closer:
                self.take()
                return items
            if t.kind in (")", "}"):
                raise QueryError(f"unbalanced '{t.kind}' at position {t.pos + 1}")
            if t.kind == "WORD" and t.text == "AND":
                self.take()
                continue
            node = self.alt(ctx)
            if node is not None:
                items.append(node)

    def alt(self, ctx: str | None):
        if self.is_or(self.peek()):
            raise QueryError(f"OR at position {self.peek().pos + 1} needs a term before it")
        items = [self.unary(ctx)]
        while self.is_or(self.peek()):
            t = self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "}") or self.is_or(nxt):
                raise QueryError(f"OR at position {t.pos + 1} needs a term after it")
            items.append(self.unary(ctx))
        kept = [x for x in items if x is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def unary(self, ctx: str | None):
        t = self.peek()
        if t is not None and t.kind == "NEG":
            self.take()
            inner = self.unary(ctx)
            return None if inner is None else Not(inner)
        return self.atom(ctx)

    def group(self, ctx: str | None):
        t = self.take()
        items = self.seq(")" if t.kind == "(" else "}", ctx)
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        return And(tuple(items)) if t.kind == "(" else Or(tuple(items))

    def atom(self, ctx: str | None):
        t = self.peek()
        if t is None:
            raise QueryError("a term is missing at the end of the query")
        if t.kind in ("(", "{"):
            return self.group(ctx)
        if t.kind in (")", "}"):
            raise QueryError(f"unbalanced '{t.kind}' at position {t.pos + 1}")
        self.take()
        if t.kind == "PHRASE":
            return self.text(t.text, ctx)
        word = t.text
        if word == "AROUND":
            raise QueryError("AROUND is not supported by the sandbox")
        name, sep, value = word.partition(":")
        op = name.lower()
        if not sep or op not in OPERATORS:
            return self.text(word, ctx)
        if op in UNSUPPORTED:
            raise QueryError(f"{op}: is not supported by the sandbox")
        nxt = self.peek()
        if not value and nxt is not None and nxt.glued and nxt.kind in ("PHRASE", "(", "{"):
            if nxt.kind == "PHRASE":
                value = self.take().text
            elif op in TEXT_OPERATORS:
                return self.group(op)
            else:
                raise QueryError(f"{op}: takes a single value, not a group (position {nxt.pos + 1})")
        if not value:
            raise QueryError(f"{op}: needs a value (position {t.pos + 1})")
        return self.operator(op, value, t.pos)

    def text(self, value: str, ctx: str | None):
        if ctx in ADDRESS_FIELDS:
            return self.address(ctx, value)
        toks = tuple(tokens(value))
        if not toks:
            return None
        return Text((ctx,) if ctx else BARE_FIELDS, toks)

    def address(self, field: str, value: str):
        if value.lower() == "me":
            return Addr(field, None)
        rule = address_rule(value)
        return None if rule is None else Addr(field, rule)

    def operator(self, op: str, value: str, pos: int):
        v = value.strip().lower()
        if op in TEXT_OPERATORS:
            return self.text(value, op)
        if op == "label":
            return LabelName(value.strip())
        if op == "rfc822msgid":
            return MessageId(value.strip())
        table = {"in": IN_VALUES, "is": IS_VALUES, "has": HAS_VALUES, "category": CATEGORY_VALUES}.get(op)
        if table is not None:
            if v not in table:
                raise QueryError(f"unknown value {value!r} for {op}: (the sandbox supports {', '.join(sorted(table))})")
            hit = table[v]
            return In(hit) if isinstance(hit, str) else hit
        if op in ("after", "newer"):
            return DateRange(start_ms=date_value(value, op))
        if op in ("before", "older"):
            return DateRange(end_ms=date_value(value, op))
        if op in ("older_than", "newer_than"):
            t = self.now_ms - relative_ms(value, op, self.now_ms)
            return DateRange(end_ms=t) if op == "older_than" else DateRange(start_ms=t)
        if op in ("larger", "smaller", "size"):
            return Size(op != "smaller", size_value(value, op))
        raise QueryError(f"{op}: is not supported by the sandbox")  # pragma: no cover - OPERATORS is closed


def date_value(value: str, op: str) -> int:
    """``YYYY/MM/DD`` (midnight US Pacific, as the Gmail API documents) or epoch seconds, in ms."""
    v = value.strip()
    if re.fullmatch(r"\d{1,12}", v):
        return int(v) * 1000
    m = re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", v)
    if not m:
        raise QueryError(f"invalid date {value!r} for {op}: (use YYYY/MM/DD or seconds since the epoch)")
    try:
        d = datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=PACIFIC)
    except ValueError:
        raise QueryError(f"invalid date {value!r} for {op}: (no such day)") from None
    return int(d.timestamp() * 1000)


def relative_ms(value: str, op: str, now_ms: int) -> int:
    """Length of ``Nh``/``Nd``/``Nm``/``Ny`` back from now, in ms (months and years are calendar ones)."""
    m = re.fullmatch(r"(\d{1,6})([hdmy])", value.strip().lower())
    if not m:
        raise QueryError(f"invalid period {value!r} for {op}: (use a number and h, d, m or y, e.g. 2d)")
    n, unit = int(m[1]), m[2]
    if unit == "h":
        return n * 3_600_000
    if unit == "d":
        return n * 86_400_000
    now = datetime.fromtimestamp(now_ms / 1000, tz=timezone.utc)
    months = n if unit == "m" else 12 * n
    y, mo = divmod(now.year * 12 + now.month - 1 - months, 12)
    if y < 1:
        return now_ms
    then = now.replace(year=y, month=mo + 1, day=min(now.day, calendar.monthrange(y, mo + 1)[1]))
    return now_ms - int(then.timestamp() * 1000)


def size_value(value: str, op: str) -> int:
    m = re.fullmatch(r"(\d{1,12})([km]b?)?", value.strip().lower())
    if not m:
        raise QueryError(f"invalid size {value!r} for {op}: (use bytes or a number with K or M, e.g. 10M)")
    mult = {None: 1, "k": 1024, "kb": 1024, "m": 1024 * 1024, "mb": 1024 * 1024}[m[2]]
    return int(m[1]) * mult


def parse(q: str, *, now_ms: int | None = None) -> Node | None:
    """The AST of ``q``; None when ``q`` is blank (no filter), :class:`Nothing` when every term was dropped.
    ``now_ms`` anchors ``older_than``/``newer_than`` (default: the clock)."""
    if not q or not q.strip():
        return None
    p = _Parser(q, int(time.time() * 1000) if now_ms is None else now_ms)
    items = p.seq(None, None)
    if not items:
        return Nothing()
    return items[0] if len(items) == 1 else And(tuple(items))


def reaches_spam_trash(node: Node | None, negated: bool = False) -> bool:
    """Whether the query asks for Spam/Trash itself (``in:trash``, ``in:spam``, ``in:anywhere`` not negated),
    which lifts messages.list's default exclusion of them."""
    if node is None:
        return False
    if isinstance(node, In):
        return not negated and node.label in ("TRASH", "SPAM", "anywhere")
    if isinstance(node, Not):
        return reaches_spam_trash(node.item, not negated)
    if isinstance(node, (And, Or)):
        return any(reaches_spam_trash(x, negated) for x in node.items)
    return False
