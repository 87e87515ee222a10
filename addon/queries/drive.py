"""Drive ``q`` strings for a subject (files.list).

Each written form becomes ``fullText contains '…'``: a single token as is, several as a ``"phrase"`` (Drive
matches a double-quoted value as an exact alphanumeric phrase, research/apis.md §2.2). ``fullText`` covers the
file name as well as its content, so a file named ``Siobhan OConnor letter.txt`` is reached by the same clause.
A name's clause is ``(… or …) and (… or …)``, one group per unit of the name (see :mod:`.variants`).
Every literal is escaped (backslash to ``\\\\``, then ``'`` to ``\\'``) although the tokens cannot contain either
character: the escaping is the guarantee, the tokens make the net wide.

Trashed files are still held (until emptied), so no ``trashed = false`` clause is added. Clauses are joined
with ``or``; callers combine a query with their own clauses inside parentheses
(``'me' in owners and (…)``). Queries are kept under :data:`MAX_QUERY_LEN` characters (Drive documents no
limit; the query travels in the URL).
"""
from __future__ import annotations

from ..subjects.identifiers import Subject
from .variants import pack, render, subject_clauses

MAX_QUERY_LEN = 1500


def literal(value: str) -> str:
    """A Drive query string literal that means exactly ``value``."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def full_text(text_tokens: tuple[str, ...] | list[str]) -> str:
    value = text_tokens[0] if len(text_tokens) == 1 else '"' + " ".join(text_tokens) + '"'
    return "fullText contains " + literal(value)


def name_contains(text_tokens: tuple[str, ...] | list[str]) -> str:
    return "name contains " + literal(" ".join(text_tokens))


def any_of(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "(" + " or ".join(items) + ")"


def all_of(items: list[str]) -> str:
    return "(" + " and ".join(items) + ")"


def clauses(subject: Subject, max_len: int = MAX_QUERY_LEN) -> list[str]:
    return [text for c in subject_clauses(subject) for text in render(c, full_text, any_of, all_of, max_len)]


def queries_for(subject: Subject, *, max_len: int = MAX_QUERY_LEN) -> list[str]:
    """Queries (``… or …``) whose union finds every file mentioning a written form of the subject's identifiers."""
    return pack(clauses(subject, max_len), " or ", ("", ""), max_len)
