"""Staff's changes to the proposed redactions of one thing (every copy of it): remove a proposal by its id
(``redactions.csv`` lists them), add a text to hide wherever it appears in the item, or go back to the
proposals. Kept in the item's review decision (addon/review: sealed under the case key, with who and when),
so the next ``dsar export`` follows them; a re-search keeps them like every decision."""
from __future__ import annotations

import re
from typing import Iterable

from ..errors import Conflict, InputError, NotFound
from ..roles import require
from .model import KINDS

_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_TEXT = 200


def _check_text(text: str) -> str:
    t = " ".join(str(text or "").split())
    if not t or not any(c.isalnum() for c in t):
        raise InputError("TEXT", "give the text to hide (a name, an address, a number)")
    if len(t) > MAX_TEXT:
        raise InputError("TEXT", f"is {len(t)} characters long; the limit is {MAX_TEXT}")
    return t


def change_redactions(services, ref: str, handle: str, actor: str, *, add: Iterable[str] = (), kind: str = "name",
                      remove: Iterable[str] = (), clear: bool = False):
    """Apply staff's changes to the thing ``handle`` names (``dsar review`` Id, fold key or item key); returns
    (group, decision as stored)."""
    from ..review.groups import find
    from ..review.service import REVIEWABLE, review_list, review_store

    require(actor, services.settings, "staff", "dpo", action="changing redactions")
    if kind not in KINDS:
        raise InputError("--kind", f"{kind!r} is not a kind of redaction; use one of {', '.join(KINDS)}")
    removed = [r.strip().lower() for r in remove]
    bad = next((r for r in removed if not _ID.match(r)), None)
    if bad is not None:
        raise InputError("ID", f"{bad!r} is not a redaction id (16 hex digits, as redactions.csv lists them)")
    added = [{"kind": kind, "text": _check_text(t)} for t in add]
    case, groups = review_list(services, ref)
    if case.subject is None:
        raise Conflict(f"case: {case.ref}'s key is shredded; its redactions can no longer be changed")
    if case.status not in REVIEWABLE:
        raise Conflict(f"case: {case.ref} is {case.status}; redactions are changed once the search has finished")
    g = find(groups, handle)
    if g is None:
        raise NotFound(f"ITEM: no item {handle!r} in {case.ref}'s results (see 'dsar review {case.ref}')")
    store = review_store(services)
    now = store.load(case.ref).get(g.keys[0])
    before_added = [] if clear or now is None else list(now.redactions_added)
    before_removed = [] if clear or now is None else list(now.redactions_removed)
    new_added = before_added + [a for a in added if a not in before_added]
    new_removed = list(dict.fromkeys(before_removed + removed))
    return g, store.set_redactions(case.ref, g.keys, by=actor, added=new_added, removed=new_removed)
