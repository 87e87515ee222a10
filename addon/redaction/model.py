"""The vocabulary of redaction: a third party (:class:`Person`), a piece of an item's text (:class:`Part`) and
a proposed or staff-made :class:`Redaction`, whose id never depends on the text it hides."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: ``directory``: a name or address of someone in the organisation's directory; ``name``: a name from the
#: email headers; ``email``/``phone``: any other address or number found in the text.
KINDS = ("email", "phone", "name", "directory")
#: What the subject sees in place of the hidden text.
MARK = "[redacted: third party]"


@dataclass(frozen=True)
class Person:
    """Someone other than the requester, and where we learnt of them (``directory`` or ``header``)."""

    name: str
    emails: tuple[str, ...] = ()
    source: str = "header"


@dataclass(frozen=True)
class Part:
    """One piece of an item's text, named so a staff redaction can point into it: ``header:From``,
    ``body``, ``attachment:2``, ``content``, ``cell:3``."""

    name: str
    text: str


@dataclass(frozen=True)
class Redaction:
    id: str
    kind: str
    part: str
    span: tuple[int, int]
    origin: str = "proposed"  # or "staff"


def redaction_id(item_key: str, kind: str, ordinal: int, origin: str = "proposed") -> str:
    """Stable across runs for the same item and text: a hash of the item key, the kind and the ordinal
    (the n-th redaction of that kind in the item), never of the hidden text."""
    tag = "" if origin == "proposed" else f"\x1f{origin}"
    return hashlib.sha256(f"{item_key}\x1f{kind}\x1f{ordinal}{tag}".encode("utf-8")).hexdigest()[:16]
