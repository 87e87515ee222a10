"""Write-ahead intents: before a request leaves the seam an ``intent`` record (operation, method, case,
purpose, scopes; no content) is committed durably, and the record written after the answer carries
``intent`` = that record's seq. An intent nobody answered is a call that may have been served while its
record was lost (the process died between Google's answer and the commit): verification lists it as
``unresolved`` and recovery closes it with an ``outcome: unknown`` record. Pure functions over stored
bodies; the trail does the I/O (:meth:`audit.trail.AuditTrail.recover`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .canonical import parse
from .records import INTENT, UNKNOWN, parse_time

#: An intent younger than this may belong to a call still in flight in some process (the seam's read
#: timeout is 120 s per attempt, each attempt has its own intent), so it is not yet a hole.
GRACE_S = 900.0
#: One scan of the body finds either mark: ``"intent":<seq>`` (an answer) or ``"outcome":"intent"``.
_MARK = re.compile(rb'"(?:intent":(\d{1,18})|outcome":"' + INTENT.encode() + rb'")').search
_TIME = b'"time":"'
#: Fields an ``unknown`` record copies from its intent: everything an auditor needs to count the call.
COPIED = ("actor", "case", "purpose", "legal_basis", "operation", "api_method", "http_method", "path_template",
          "scopes", "quota_units", "attempt", "batch")


@dataclass(frozen=True)
class OpenIntent:
    seq: int
    time: str  # when the intent was committed (RFC 3339)


class IntentTracker:
    """Fed every record body in seq order, keeps the intents no later record has answered.

    Byte tests on the canonical body (``"outcome":"intent"``, ``"intent":<n>``) are exact for bodies this
    trail writes: keys occur once at top level (sealed names may not repeat field names) and no string value
    holds an unescaped quote. A body altered to fool them fails its leaf hash in the same pass."""

    def __init__(self) -> None:
        self.open: dict[int, str] = {}

    def feed(self, seq: int, body: bytes) -> None:
        m = _MARK(body)
        if m is None:
            return
        if m.group(1) is None:  # an intent: remember it with its time
            i = body.find(_TIME)
            self.open[seq] = body[i + 8:i + 35].decode("ascii", "replace") if i >= 0 else ""
        else:
            self.open.pop(int(m.group(1)), None)

    def unresolved(self) -> list[OpenIntent]:
        return [OpenIntent(s, t) for s, t in sorted(self.open.items())]


def open_intents(rows: Iterable[tuple[int, bytes]]) -> list[OpenIntent]:
    tracker = IntentTracker()
    for seq, body in rows:
        tracker.feed(seq, body)
    return tracker.unresolved()


def is_stale(intent: OpenIntent, now: float, grace_s: float = GRACE_S) -> bool:
    """Past the grace period: no process can still be waiting for this call's answer."""
    try:
        return parse_time(intent.time).timestamp() + grace_s <= now
    except ValueError:
        return True


def unknown_fields(intent_body: bytes, seq: int) -> dict:
    """The ``outcome: unknown`` record that closes intent ``seq``: the call's identity, no answer."""
    rec = parse(intent_body)
    out = {k: rec[k] for k in COPIED if k in rec}
    out.update(outcome=UNKNOWN, intent=seq, status=None,
               detail=f"no outcome recorded for the intent at {rec.get('time', '?')}: the process ended between "
                      "sending the request and recording the answer; Google may have served it")
    return out
