"""The review list: the search's items folded into one entry per thing (all its copies listed), each with
its decision, and the filters bulk decisions use. Pure: results and decisions in, plain data out; the CLI,
the review page, the sidebar and the export all read the same list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..search.display import note as hand_check
from ..search.display import where, why_matched
from .keys import fold_key, item_key, short_id
from .store import Decision

#: What :func:`matches` understands, as the CLI options and the page's query string name them.
FILTERS = ("source", "account", "label", "folder", "kind", "status")
#: Which copy of a thing is disclosed: the file itself before a mail that carries it.
_SOURCE_ORDER = {"drive": 0, "sheets": 1, "gmail": 2}


@dataclass
class Group:
    """One thing found (a message, a file, a row), held in one or more places."""

    fold: str
    items: list[dict]
    keys: list[str]
    decisions: dict[str, Decision] = field(default_factory=dict)  # item key -> decision (decided copies only)

    @property
    def id(self) -> str:
        return short_id(self.fold)

    @property
    def primary(self) -> dict:
        """The copy that goes into the package (disclosed once)."""
        return self.items[0]

    @property
    def status(self) -> str:
        """The group's decision: the copies' common one; ``undecided`` if any copy is undecided or they differ."""
        seen = {self.decisions[k].status if k in self.decisions else "undecided" for k in self.keys}
        return seen.pop() if len(seen) == 1 else "undecided"

    @property
    def decision(self) -> Decision:
        """The latest decision among the copies (who, when, why), or an empty undecided one."""
        ds = [self.decisions[k] for k in self.keys if k in self.decisions]
        return max(ds, key=lambda d: d.at) if ds else Decision()

    @property
    def unreadable(self) -> bool:
        return all(i.get("unreadable") for i in self.items)

    def public(self) -> dict[str, Any]:
        d = self.decision
        return {"id": self.id, "fold": self.fold, "status": self.status, "source": self.primary.get("source"),
                "where": where(self.primary), "why_matched": why_matched(self.primary), "check": hand_check(self.primary),
                "copies": [{"key": k, "account": i.get("account"), "where": where(i)} for k, i in zip(self.keys, self.items)],
                "code": d.code if self.status == "exclude" else None, "note": d.note, "by": d.by or None,
                "at": d.at or None}


def fold(items: Iterable[Mapping[str, Any]], decisions: Mapping[str, Decision] | None = None) -> list[Group]:
    """One :class:`Group` per fold key, in a stable order (source, then where the first copy is)."""
    decisions = decisions or {}
    by: dict[str, Group] = {}
    for it in items:
        fk, k = fold_key(it), item_key(it)
        g = by.setdefault(fk, Group(fk, [], []))
        if k in g.keys:
            continue
        g.items.append(dict(it))
        g.keys.append(k)
    for g in by.values():
        order = sorted(range(len(g.items)), key=lambda n: (_SOURCE_ORDER.get(g.items[n].get("source"), 9),
                                                          str(g.items[n].get("account")), g.keys[n]))
        g.items, g.keys = [g.items[n] for n in order], [g.keys[n] for n in order]
        g.decisions = {k: decisions[k] for k in g.keys if k in decisions}
    return sorted(by.values(), key=lambda g: (_SOURCE_ORDER.get(g.primary.get("source"), 9), where(g.primary).lower(),
                                              g.fold))


def _item_matches(it: Mapping[str, Any], f: Mapping[str, str]) -> bool:
    if f.get("source") and it.get("source") != f["source"]:
        return False
    if f.get("account") and str(it.get("account", "")).lower() != f["account"].lower():
        return False
    if f.get("label"):
        labels = {str(x).lower() for x in it.get("labels") or ()}
        if f["label"].lower() not in labels:
            return False
    if f.get("folder"):
        folder = f["folder"].strip("/").lower()
        path = str(it.get("path") or "").lower()
        if not path.startswith(folder + "/"):
            return False
    if f.get("kind"):
        kinds = {e.get("kind") for e in it.get("matched") or () if isinstance(e, Mapping)}
        if f["kind"] not in kinds:
            return False
    return True


def matches(g: Group, f: Mapping[str, str]) -> bool:
    """Whether a filter selects the group: ``status`` on the group, the others on any of its copies."""
    f = {k: v for k, v in f.items() if v}
    if f.get("status") and g.status != f["status"]:
        return False
    return any(_item_matches(it, f) for it in g.items)


def find(groups: Iterable[Group], handle: str) -> Group | None:
    """The group named by its short id, its fold key or any copy's item key."""
    h = handle.strip()
    for g in groups:
        if h in (g.id, g.fold) or h in g.keys:
            return g
    return None


def counts(groups: Iterable[Group]) -> dict[str, int]:
    out = {"undecided": 0, "include": 0, "exclude": 0, "not_a_match": 0}
    for g in groups:
        out[g.status] = out.get(g.status, 0) + 1
    return out
