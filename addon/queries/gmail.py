"""Gmail ``q`` strings for a subject (users.messages.list).

Every written form is a quoted phrase of its tokens (:mod:`.variants`). Gmail has no escape inside quotes, but it does
not need one: a phrase matches adjacent tokens, tokens are runs of letters and digits, so ``"O Brien"`` finds
exactly what ``"O'Brien"`` would, and nothing a user types (``"``, ``\\``, ``OR``, ``{``, ``from:``, ``-``,
``*``, a newline) survives as anything but a token inside quotes. A term with no letters or digits gives no
clause. Phrases are OR-ed inside ``{ }``; a name's clause is an AND (``( … )``) of one ``{ }`` group per unit
of the name (``({"Jane" "Jáne" …} {"Doe" "Döe" …})``), nested in the outer ``{ }``.

Email addresses are searched as bare phrases rather than ``from:``/``to:``/``cc:`` clauses: a bare term matches
the From/To/Cc headers as well as the subject and body (research/apis.md §1.3, rule 6), so one clause covers all.

Spam and Trash still hold personal data. With ``in_anywhere=True`` (the default) each query starts with
``in:anywhere``; a caller may instead pass ``includeSpamTrash=True`` to messages.list (the search engine does
both, which is harmless).

Length: Gmail documents no limit for ``q``; the request goes in the URL, and the web UI is reported to truncate
long searches, so queries are kept under :data:`MAX_QUERY_LEN` characters and split into several otherwise.
"""
from __future__ import annotations

from ..subjects.identifiers import Subject
from ..subjects.normalise import tokens
from .variants import pack, render, subject_clauses

MAX_QUERY_LEN = 1000
ANYWHERE = "in:anywhere "


def phrase(text_tokens: tuple[str, ...] | list[str]) -> str:
    """A Gmail phrase of tokens. Tokens hold only letters and digits (or ``_``), so no quoting is needed."""
    return '"' + " ".join(text_tokens) + '"'


def phrase_for(text: str) -> str | None:
    """The phrase that finds ``text`` (any user string), or ``None`` when it has no letters or digits."""
    toks = tokens(text)
    return phrase(toks) if toks else None


def any_of(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "{" + " ".join(items) + "}"


def all_of(items: list[str]) -> str:
    return "(" + " ".join(items) + ")"


def clauses(subject: Subject, max_len: int = MAX_QUERY_LEN) -> list[str]:
    room = max_len - len(ANYWHERE) - 2
    return [text for c in subject_clauses(subject) for text in render(c, phrase, any_of, all_of, room)]


def queries_for(subject: Subject, *, in_anywhere: bool = True, max_len: int = MAX_QUERY_LEN) -> list[str]:
    """Queries whose union finds every message mentioning any written form of the subject's identifiers."""
    head = (ANYWHERE if in_anywhere else "") + "{"
    return pack(clauses(subject, max_len), " ", (head, "}"), max_len)
