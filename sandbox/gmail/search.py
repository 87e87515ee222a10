"""Evaluating a parsed ``q`` over a mailbox's index: every node becomes a set of message ordinals, built
from postings and label sets (never by scanning the messages), AND-ed by intersection with negations
subtracted, OR-ed by union."""
from __future__ import annotations

from typing import Callable

from .index import Index, address_rule
from .query import (
    Addr, And, DateRange, Flag, In, LabelName, MessageId, Node, Not, Nothing, Or, Size, Text,
)


def evaluate(node: Node | None, ix: Index, *, owner: str, resolve_label: Callable[[str], list[str]],
             user_label_ids: Callable[[], list[str]]) -> set[int]:
    """Ordinals of the live messages ``node`` matches (all of them for ``None``)."""

    def ev(n) -> set[int]:
        if isinstance(n, Text):
            return ix.phrase(n.fields, list(n.tokens))
        if isinstance(n, And):
            pos = [x for x in n.items if not isinstance(x, Not)]
            neg = [x.item for x in n.items if isinstance(x, Not)]
            sets = sorted((ev(x) for x in pos), key=len) if pos else [set(ix.alive)]
            out = sets[0]  # every ev() result is a new set, free to change
            for s in sets[1:]:
                if not out:
                    break
                out &= s
            for x in neg:
                if not out:
                    break
                out -= ev(x)
            return out
        if isinstance(n, Or):
            out: set[int] = set()
            for x in n.items:
                out |= ev(x)
            return out
        if isinstance(n, Not):
            return ix.alive - ev(n.item)
        if isinstance(n, Addr):
            rule = n.rule or address_rule(owner)
            return ix.address(n.field, rule) if rule else set()
        if isinstance(n, In):
            return set(ix.alive) if n.label == "anywhere" else ix.label(n.label)
        if isinstance(n, LabelName):
            out = set()
            for lid in resolve_label(n.name):
                out |= ix.label_set(lid)
            return out
        if isinstance(n, Flag):
            if n.name == "attachment":
                return ix.label(HAS_ATTACHMENT)
            with_user = set()
            for lid in user_label_ids():
                with_user |= ix.label_set(lid)
            return with_user if n.name == "userlabels" else ix.alive - with_user
        if isinstance(n, DateRange):
            return ix.date_range(n.start_ms, n.end_ms)
        if isinstance(n, Size):
            return ix.larger(n.bytes) if n.larger else ix.smaller(n.bytes)
        if isinstance(n, MessageId):
            return ix.message_id(n.value)
        if isinstance(n, Nothing):
            return set()
        raise TypeError(f"unknown query node {n!r}")  # pragma: no cover

    return set(ix.alive) if node is None else ev(node)


#: A pseudo-label the store sets on messages with attachments, so has:attachment is a set look-up.
HAS_ATTACHMENT = "\x00attachment"
