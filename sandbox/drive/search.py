"""Evaluating a parsed ``q`` against the store. Text conditions (``fullText``/``name contains``) are
answered from the inverted index as sets of file IDs; the rest are checked per file.

Semantics (documented in sandbox/README.md, "Drive search semantics"):
- ``name contains 'a b'``: every word of the value is a prefix of some token of the name;
- ``fullText contains 'x y'`` (quoted inside or not): the words as a whole-token phrase in the name or
  the text (Doc text, each Sheet cell, text extracted from PDFs);
- ``name = 'x'`` exact and case-sensitive; ``mimeType contains`` a substring;
- ``'me'`` stands for the caller in ``owners``/``writers``/``readers``; ``'root'`` for their My Drive.
"""
from __future__ import annotations

from typing import Callable

from .query import And, Cond, Node, Not, Or
from .store import WRITE_ROLES, DriveFile, DriveStore
from .textindex import tokens

_CMP: dict[str, Callable[[str, str], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


class Matcher:
    """A compiled query for one caller; text look-ups are done once per query, not per file."""

    def __init__(self, store: DriveStore, user: str, node: Node | None) -> None:
        self.store = store
        self.user = user.lower()
        self.node = node
        self._sets: dict[int, set[str] | None] = {}
        if node is not None and _has_fulltext(node):
            store.refresh_index()

    def candidates(self) -> set[str] | None:
        """File IDs that can match at all, from the index (None: any file may match)."""
        return None if self.node is None else self._candidates(self.node)

    def _candidates(self, node: Node) -> set[str] | None:
        if isinstance(node, Cond):
            if node.field == "owners":  # "x in owners": one pass over ownership beats evaluating every file
                who = self._who(str(node.value))
                return {f.id for f in self.store.files.values() if who in f.owners}
            return self._text_set(node) if node.field in ("name", "fullText") and node.op == "contains" else None
        if isinstance(node, Not):
            return None
        sets = [self._candidates(n) for n in node.items]
        if isinstance(node, And):
            known = [s for s in sets if s is not None]
            return set.intersection(*known) if known else None
        return None if any(s is None for s in sets) else set().union(*sets)

    def __call__(self, f: DriveFile) -> bool:
        return True if self.node is None else self._eval(self.node, f)

    def _text_set(self, c: Cond) -> set[str] | None:
        key = id(c)
        if key not in self._sets:
            words = tokens(str(c.value))
            if c.field == "fullText":
                self._sets[key] = self.store.index.phrase(words)
            else:
                self._sets[key] = self.store.index.name_prefix(words)
        return self._sets[key]

    def _eval(self, node: Node, f: DriveFile) -> bool:
        if isinstance(node, And):
            return all(self._eval(n, f) for n in node.items)
        if isinstance(node, Or):
            return any(self._eval(n, f) for n in node.items)
        if isinstance(node, Not):
            return not self._eval(node.item, f)
        return self._cond(node, f)

    def _who(self, value: str) -> str:
        return self.user if value.lower() == "me" else value.lower()

    def _cond(self, c: Cond, f: DriveFile) -> bool:
        v = c.value
        if c.field in ("name", "fullText") and c.op == "contains":
            hits = self._text_set(c)
            return True if hits is None else f.id in hits
        if c.field == "name":
            return _CMP[c.op](f.name, str(v))
        if c.field == "mimeType":
            return str(v) in f.mimeType if c.op == "contains" else _CMP[c.op](f.mimeType, str(v))
        if c.field in ("modifiedTime", "viewedByMeTime"):
            return _CMP[c.op](f.modifiedTime, str(v))
        if c.field == "createdTime":
            return _CMP[c.op](f.createdTime, str(v))
        if c.field in ("trashed", "starred"):
            actual = f.trashed if c.field == "trashed" else f.starred
            return (actual == v) if c.op == "=" else (actual != v)
        if c.field == "sharedWithMe":
            shared = self.user not in f.owners and not f.driveId and self.store.role(f, self.user) is not None
            return (shared == v) if c.op == "=" else (shared != v)
        if c.field == "parents":
            target = str(v)
            if target == "root":
                target = self.store.root(self.user).id
            return target in f.parents
        if c.field == "owners":
            return self._who(str(v)) in f.owners
        if c.field == "writers":
            return self._who(str(v)) in self.store.emails_with(f, WRITE_ROLES)
        if c.field == "readers":
            return self._who(str(v)) in self.store.emails_with(f, ("reader", "commenter") + WRITE_ROLES)
        if c.field == "visibility":
            return _CMP[c.op](_visibility(f), str(v))
        return False


def _visibility(f: DriveFile) -> str:
    kinds = {(p.type, bool(p.allowFileDiscovery)) for p in f.permissions}
    if ("anyone", True) in kinds:
        return "anyoneCanFind"
    if ("anyone", False) in kinds:
        return "anyoneWithLink"
    if ("domain", True) in kinds:
        return "domainCanFind"
    if ("domain", False) in kinds:
        return "domainWithLink"
    return "limited"


def _has_fulltext(node: Node) -> bool:
    if isinstance(node, (And, Or)):
        return any(_has_fulltext(n) for n in node.items)
    if isinstance(node, Not):
        return _has_fulltext(node.item)
    return node.field == "fullText"
