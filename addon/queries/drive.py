"""Drive ``q`` strings for a subject (files.list).

Each term becomes ``fullText contains '…'``: a single token as is, several as a ``"phrase"`` (Drive matches a
double-quoted value as an exact alphanumeric phrase, research/apis.md §2.2). Names and identifiers also get
``name contains '…'`` (token-prefix matching on the file name), for files whose content cannot be indexed.
Every literal is escaped (backslash to ``\\\\``, then ``'`` to ``\\'``) although the tokens cannot contain either
character: the escaping is the guarantee, the tokens make the net wide.

Trashed files are still held (until emptied), so no ``trashed = false`` clause is added. Clauses are joined
with ``or``; callers combine a query with their own clauses inside parentheses
(``'me' in owners and (…)``). Queries are kept under :data:`MAX_QUERY_LEN` characters (Drive documents no
limit; the query travels in the URL).
"""
from __future__ import annotations

from ..subjects.identifiers import Subject
from .variants import pack, subject_terms

MAX_QUERY_LEN = 1500


def literal(value: str) -> str:
    """A Drive query string literal that means exactly ``value``."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def full_text(text_tokens: tuple[str, ...] | list[str]) -> str:
    value = text_tokens[0] if len(text_tokens) == 1 else '"' + " ".join(text_tokens) + '"'
    return "fullText contains " + literal(value)


def name_contains(text_tokens: tuple[str, ...] | list[str]) -> str:
    return "name contains " + literal(" ".join(text_tokens))


def clauses(subject: Subject) -> list[str]:
    out: list[str] = []
    for t in subject_terms(subject):
        out.append(full_text(t.tokens))
        if t.kind in ("name", "identifier"):
            out.append(name_contains(t.tokens))
    return out


def queries_for(subject: Subject, *, max_len: int = MAX_QUERY_LEN) -> list[str]:
    """Queries (``… or …``) whose union finds every file mentioning a written form of the subject's identifiers."""
    return pack(clauses(subject), " or ", ("", ""), max_len)
