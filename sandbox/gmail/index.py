"""The inverted index a mailbox is searched through: for each searchable field, token -> the messages
(by ordinal) whose field holds it, plus label, date and size look-ups.

A term is answered from postings alone (intersection of its tokens' sets); only a multi-token phrase or an
address rule is then verified, and only on those candidates, against the message's stored segments (each
segment is its tokens joined by single spaces, so "consecutive whole tokens" is a substring test). Segments
never run into each other: a phrase cannot span the subject and the body, two recipients, or a display
name and its address.

Ordinals are never reused; deleting a message takes it out of every posting and label set.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from .mime import Address, Analysis
from .text import joined, phrase_in, tokens

ADDRESS_FIELDS = ("from", "to", "cc", "bcc")
FIELDS = ("subject", *ADDRESS_FIELDS, "body", "filename")
#: Where a bare word or phrase is looked for (Bcc only through ``bcc:``).
BARE_FIELDS = ("subject", "from", "to", "cc", "body", "filename")


@dataclass(frozen=True)
class AddrSeg:
    name: str  # display-name tokens, joined
    local: str  # local-part tokens, joined
    domain: str  # domain tokens, joined

    @property
    def full(self) -> str:
        return f"{self.local} {self.domain}".strip()

    @classmethod
    def of(cls, a: Address) -> "AddrSeg":
        local, _, domain = a.address.rpartition("@") if "@" in a.address else (a.address, "", "")
        return cls(joined(tokens(a.name)), joined(tokens(local)), joined(tokens(domain)))


@dataclass(frozen=True)
class AddressRule:
    """How an address operator's value must match: ``exact`` (a full address: local part and domain both
    equal), ``domain`` (``@example.com``), ``local`` (``jane.doe@``) or ``phrase`` (consecutive tokens in the
    display name or in the address)."""

    kind: str
    local: str = ""
    domain: str = ""
    phrase: str = ""


def address_rule(value: str) -> AddressRule | None:
    """The rule for an address operator's value, or None when it holds no letters or digits."""
    if "@" in value:
        local, _, domain = value.rpartition("@")
        lt, dt = joined(tokens(local)), joined(tokens(domain))
        if lt and dt:
            return AddressRule("exact", lt, dt)
        if dt:
            return AddressRule("domain", domain=dt)
        if lt:
            return AddressRule("local", local=lt)
        return None
    p = joined(tokens(value))
    return AddressRule("phrase", phrase=p) if p else None


def _seg_matches(rule: AddressRule, s: AddrSeg) -> bool:
    if rule.kind == "exact":
        return s.local == rule.local and s.domain == rule.domain
    if rule.kind == "domain":
        return s.domain == rule.domain
    if rule.kind == "local":
        return s.local == rule.local
    return phrase_in(rule.phrase, s.name) or phrase_in(rule.phrase, s.full)


class Index:
    """Postings per field, plus each message's field text (segments as `` tok tok `` joined by newlines, so a
    padded phrase is one substring test and cannot cross a segment). Sets handed out are the caller's own,
    except :meth:`label_set`."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[str, set[int]]] = {f: {} for f in FIELDS}
        self.texts: dict[str, dict[int, str]] = {f: {} for f in FIELDS}
        self.addrs: dict[str, dict[int, list[AddrSeg]]] = {f: {} for f in ADDRESS_FIELDS}
        self.labels: dict[str, set[int]] = {}
        self.alive: set[int] = set()
        self.dates: dict[int, int] = {}  # ordinal -> internalDate (ms)
        self.sizes: dict[int, int] = {}
        self.msgids: dict[str, set[int]] = {}  # Message-ID (with <>) -> ordinals
        self._by_date: list[tuple[int, int]] | None = []

    # -- building ---------------------------------------------------------------------------------------
    def add(self, ordinal: int, a: Analysis, labels: set[str], date_ms: int, size: int) -> None:
        for f, values in (("subject", (a.subject,)), ("body", a.bodies), ("filename", a.filenames)):
            if values:
                self._add_tokens(f, ordinal, [tokens(v) for v in values])
        for f in ADDRESS_FIELDS:
            found = a.addresses.get(f)
            if found:
                segs = [AddrSeg.of(x) for x in found]
                self.addrs[f][ordinal] = segs
                self._add_tokens(f, ordinal, [t.split() for seg in segs for t in (seg.name, seg.full)])
        self.alive.add(ordinal)
        self.dates[ordinal] = date_ms
        self.sizes[ordinal] = size
        if a.message_id:
            self.msgids.setdefault(a.message_id, set()).add(ordinal)
        for lid in labels:
            self.labels.setdefault(lid, set()).add(ordinal)
        self._by_date = None

    def _add_tokens(self, field: str, ordinal: int, segments: list[list[str]]) -> None:
        segments = [s for s in segments if s]
        if not segments:
            return
        self.texts[field][ordinal] = " " + " \n ".join([" ".join(s) for s in segments]) + " "
        post = self.postings[field]
        get = post.get
        for t in set(segments[0]).union(*segments[1:]) if len(segments) > 1 else set(segments[0]):
            s = get(t)
            if s is None:
                post[t] = {ordinal}
            else:
                s.add(ordinal)

    def relabel(self, ordinal: int, old: set[str], new: set[str]) -> None:
        for lid in old - new:
            self.labels.get(lid, set()).discard(ordinal)
        for lid in new - old:
            self.labels.setdefault(lid, set()).add(ordinal)

    def remove(self, ordinal: int, labels: set[str], message_id: str = "") -> None:
        """Forget a message everywhere, postings included (so no look-up needs masking)."""
        self.alive.discard(ordinal)
        for f in FIELDS:
            text = self.texts[f].pop(ordinal, None)
            if text:
                post = self.postings[f]
                for t in set(text.split()):
                    s = post.get(t)
                    if s is not None:
                        s.discard(ordinal)
                        if not s:
                            del post[t]
        for f in ADDRESS_FIELDS:
            self.addrs[f].pop(ordinal, None)
        for lid in labels:
            self.labels.get(lid, set()).discard(ordinal)
        if message_id in self.msgids:
            self.msgids[message_id].discard(ordinal)
        self.dates.pop(ordinal, None)
        self.sizes.pop(ordinal, None)
        self._by_date = None

    # -- look-ups ---------------------------------------------------------------------------------------
    def _candidates(self, field: str, toks: list[str]) -> set[int]:
        """Messages whose ``field`` holds every token (a new set)."""
        post = self.postings[field]
        sets = []
        for t in set(toks):
            s = post.get(t)
            if not s:
                return set()
            sets.append(s)
        sets.sort(key=len)
        out = set(sets[0])
        for s in sets[1:]:
            out &= s
            if not out:
                break
        return out

    def phrase(self, fields: tuple[str, ...], toks: list[str]) -> set[int]:
        """Messages where ``toks`` occur consecutively in one segment of any of ``fields``."""
        out: set[int] = set()
        if len(toks) == 1:
            for f in fields:
                s = self.postings[f].get(toks[0])
                if s:
                    out |= s
            return out
        if not toks:
            return out
        padded = f" {joined(toks)} "
        for f in fields:
            cand = self._candidates(f, toks)
            cand -= out
            texts = self.texts[f]
            out |= {o for o in cand if padded in texts[o]}
        return out

    def address(self, field: str, rule: AddressRule) -> set[int]:
        """Messages with an address in ``field`` that satisfies ``rule``."""
        if rule.kind == "phrase":
            return self.phrase((field,), rule.phrase.split())
        cand = self._candidates(field, f"{rule.local} {rule.domain}".split())
        addrs = self.addrs[field]
        return {o for o in cand if any(_seg_matches(rule, s) for s in addrs.get(o, ()))}

    def label_set(self, label_id: str) -> set[int]:
        """The index's own set for a label: read it, never change it."""
        return self.labels.get(label_id, _EMPTY)

    def label(self, label_id: str) -> set[int]:
        return set(self.labels.get(label_id, _EMPTY))

    def message_id(self, value: str) -> set[int]:
        v = value.strip()
        if not v.startswith("<"):
            v = f"<{v}>"
        return set(self.msgids.get(v, _EMPTY))

    def date_range(self, start_ms: int | None = None, end_ms: int | None = None) -> set[int]:
        """Messages with ``start_ms <= internalDate < end_ms`` (either bound optional)."""
        if self._by_date is None:
            self._by_date = sorted((d, o) for o, d in self.dates.items())
        bd = self._by_date
        lo = 0 if start_ms is None else bisect.bisect_left(bd, (start_ms, -1))
        hi = len(bd) if end_ms is None else bisect.bisect_left(bd, (end_ms, -1))
        return {o for _, o in bd[lo:hi]}

    def larger(self, size: int) -> set[int]:
        return {o for o, s in self.sizes.items() if s > size}

    def smaller(self, size: int) -> set[int]:
        return {o for o, s in self.sizes.items() if s < size}


_EMPTY: set[int] = set()
