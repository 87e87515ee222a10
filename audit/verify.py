"""Verifying the whole trail from the record contents alone.

Every leaf is recomputed from the stored canonical body (never taken from the stored ``leaf`` column),
links are checked in seq order, the Merkle root is rebuilt in one streaming pass and compared with
every signed checkpoint, and each checkpoint's signature is checked with the trail's public key.
Problems are reported with the seq they concern and one of these kinds:

* ``modified``   a record's content no longer matches its leaf hash, the next record's chain link,
                 or (when nothing finer explains it) a signed checkpoint
* ``missing``    a seq is absent between records that are present
* ``reordered``  a record is stored out of seq order (e.g. two rows swapped)
* ``truncated``  records at the end are gone, as a signed checkpoint (or the tree head) proves
* ``bad-signature``  a checkpoint's signature does not verify (forged or altered checkpoint)

Apart from these integrity problems, every write-ahead ``intent`` that no record answers is listed as
``unresolved`` with its seq and time: a call that may have been served while its record was lost. Those
older than the grace period (:data:`audit.intents.GRACE_S`) make the trail incomplete until
``dsar audit recover`` closes them; younger ones may still be in flight.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import time
from dataclasses import dataclass, field

from .checkpoints import Verifier, verify_checkpoint
from .errors import CheckpointError
from .intents import GRACE_S, IntentTracker, OpenIntent, is_stale
from .merkle import Frontier
from .records import GENESIS
from .store import Store

KINDS = ("modified", "missing", "reordered", "truncated", "bad-signature")
MISSING_RUN = 16  # longer runs of missing records are reported as one problem


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.kind}: {self.message}"


@dataclass
class Verdict:
    records: int = 0
    checkpoints: int = 0
    checkpoints_verified: int = 0
    latest_checkpoint: int | None = None  # size of the newest checkpoint whose root was verified
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    unresolved: list[OpenIntent] = field(default_factory=list)  # intents without an answer, stale or in flight
    stale: list[OpenIntent] = field(default_factory=list)  # ... of which older than the grace period

    @property
    def ok(self) -> bool:
        """Integrity: every hash, link, root and signature holds (unresolved intents are not tampering)."""
        return not self.problems

    @property
    def complete(self) -> bool:
        """Every intent older than the grace period has an answer (or a recovery's ``unknown``)."""
        return not self.stale

    def unresolved_lines(self) -> list[str]:
        stale = {i.seq for i in self.stale}
        return [f"seq {i.seq}: unresolved: intent at {i.time} has no outcome "
                + ("(run 'dsar audit recover')" if i.seq in stale else "(may still be in flight)")
                for i in self.unresolved]

    def __str__(self) -> str:
        if self.ok:
            cp = (f"checkpoint {self.latest_checkpoint} verified ({self.checkpoints_verified} of "
                  f"{self.checkpoints} signed checkpoints)" if self.latest_checkpoint is not None else "no checkpoint yet")
            tail = (f"; {len(self.stale)} unresolved intent(s) older than the grace period" if self.stale else
                    f"; {len(self.unresolved)} intent(s) in flight" if self.unresolved else "")
            return f"OK: {self.records} records, chain intact, {cp}{tail}"
        return f"FAILED: {len(self.problems)} problem(s) in {self.records} records"

    def to_dict(self) -> dict:
        return {"ok": self.ok, "records": self.records, "checkpoints": self.checkpoints,
                "checkpoints_verified": self.checkpoints_verified, "latest_checkpoint": self.latest_checkpoint,
                "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in self.problems],
                "complete": self.complete,
                "unresolved": [{"seq": i.seq, "time": i.time, "stale": i in self.stale} for i in self.unresolved],
                "seconds": round(self.seconds, 3)}


class _Walk:
    """State of the streaming pass; records are fed in storage order, processed in seq order."""

    def __init__(self, targets: dict[int, bytes], lookahead: int) -> None:
        self.targets = targets
        self.lookahead = lookahead
        self.problems: list[Problem] = []
        self.flagged: set[int] = set()  # seqs already reported (content untrusted)
        self.missing_at: dict[int, int] = {}  # seq -> index in problems
        self.frontier: Frontier | None = Frontier()
        self.next_seq = 0
        self.prev_leaf = GENESIS  # stored leaf of record next_seq - 1
        self.prev_missing = False
        self.ahead: dict[int, tuple] = {}  # records stored before a lower seq, waiting for their turn
        self.window: list[int] = []  # storage order of the records seen while some were waiting
        self.verified: list[int] = []
        self.explained_upto = 0  # checkpoints below this size need not be reported again

    def add(self, seq: int, kind: str, message: str) -> None:
        self.problems.append(Problem(seq, kind, message))
        self.flagged.add(seq)

    def feed(self, item: tuple) -> None:
        seq = item[0]
        if seq < self.next_seq:
            if seq in self.missing_at:  # arrived far from its place, after it was declared missing
                self.problems[self.missing_at.pop(seq)] = Problem(seq, "reordered", "stored far after its place")
            else:
                self.add(seq, "reordered", f"stored again after seq {self.next_seq - 1} (duplicate seq)")
            return
        if self.ahead or seq > self.next_seq:
            self.window.append(seq)
        if seq == self.next_seq:
            self._process(item)
            self._drain()
        else:
            self.ahead[seq] = item
            if len(self.ahead) > self.lookahead:
                self._skip_to(min(self.ahead))
                self._drain()
        if not self.ahead and self.window:
            self._flag_moved()

    def _flag_moved(self) -> None:
        """Name the fewest records that explain the disorder of the window: those out of their sorted
        place (exactly both rows of a swap), unless a longest increasing run shows that fewer records
        were moved (one record moved far)."""
        window, self.window = self.window, []
        in_order = sorted(window)
        displaced = {s for s, t in zip(window, in_order) if s != t}
        moved = set(window) - set(_longest_increasing(window))
        chosen = displaced if len(displaced) <= 2 * len(moved) else moved
        for i, seq in enumerate(window):
            if seq in chosen:
                where = f"after seq {window[i - 1]}" if i else f"before seq {window[1]}"
                self.add(seq, "reordered", f"stored out of order ({where})")

    def _drain(self) -> None:
        while self.next_seq in self.ahead:
            self._process(self.ahead.pop(self.next_seq))

    def _skip_to(self, seq: int) -> None:
        first = self.next_seq
        if seq - first > MISSING_RUN:  # one line for a long run, not a million
            self.add(first, "missing", f"{seq - first} records are gone (seq {first}..{seq - 1})")
        for s in range(first, seq) if seq - first <= MISSING_RUN else ():
            self.missing_at[s] = len(self.problems)
            self.add(s, "missing", "no record with this seq")
        self.next_seq = seq
        self.prev_missing = True
        self.frontier = None  # the tree can no longer be rebuilt past a gap

    def _process(self, item: tuple) -> None:
        seq, leaf, stored, prev = item
        if not self.prev_missing and seq not in self.flagged and prev != self.prev_leaf.hex() and seq > 0:
            if seq - 1 not in self.flagged:
                self.add(seq - 1, "modified", f"does not match the chain link in seq {seq}")
        elif seq == 0 and prev != GENESIS.hex() and seq not in self.flagged:
            self.add(0, "modified", "the first record does not start the chain")
        self.prev_leaf = stored
        self.prev_missing = False
        self.next_seq = seq + 1
        f = self.frontier
        if f is None:
            return
        f.push(leaf)
        target = self.targets.get(f.size)
        if target is not None:
            if f.root() == target:
                self.verified.append(f.size)
            elif not any(self.explained_upto <= p.seq < f.size for p in self.problems):
                self.add(self.explained_upto, "modified",
                         f"records {self.explained_upto}..{f.size - 1} do not match the signed checkpoint of {f.size} records")
            self.explained_upto = f.size

    def finish(self) -> None:
        while self.ahead:
            self._skip_to(min(self.ahead))
            self._drain()
        if self.window:
            self._flag_moved()


def _longest_increasing(seqs: list[int]) -> list[int]:
    tails: list[int] = []  # index into seqs of the smallest tail of an increasing run of each length
    parent = [-1] * len(seqs)
    for i, s in enumerate(seqs):
        lo = bisect.bisect_left([seqs[t] for t in tails], s)
        parent[i] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(i)
        else:
            tails[lo] = i
    out, i = [], tails[-1] if tails else -1
    while i >= 0:
        out.append(seqs[i])
        i = parent[i]
    return out[::-1]


_decode = json.JSONDecoder().decode
_PREV, _SEQ = b'"prev":"', b'"seq":'


def _fast_fields(body: bytes, leaf: bytes, stored: bytes) -> tuple | None:
    """(seq, leaf, stored leaf, prev) read straight from a canonical body, or None to parse it fully.

    Exact for bodies this trail writes: the keys ``"prev":`` and ``"seq":`` occur once (sealed names may
    not repeat field names), ``prev`` sorts before ``seq``, and no string value can hold an unescaped
    quote. A body rewritten to look different fails its leaf hash, the next record's link or a checkpoint
    root all the same."""
    i = body.find(_PREV)
    j = body.find(_SEQ, i + 72)
    if i < 0 or j < 0 or body[i + 72] != 34 or body.find(_PREV, i + 8) >= 0 or body.find(_SEQ, j + 6) >= 0:
        return None
    k = body.find(b",", j + 6)
    digits = body[j + 6:k]
    if not digits.isdigit() or len(digits) > 18 or (digits[0] == 48 and len(digits) > 1):
        return None
    return int(digits), leaf, stored, body[i + 8:i + 72].decode("ascii", "replace")


def verify_store(store: Store, verifier: Verifier, lookahead: int = 64, grace_s: float = GRACE_S,
                 now: float | None = None) -> Verdict:
    """Verify the trail as of the tree head read first: a writer may keep appending meanwhile (workers,
    the web app), and every record below the head was committed with or before it, so records and
    checkpoints past that head belong to the next verification, not to a false "truncated". A signed
    checkpoint beyond the tree head as read again at the end is a truncation all the same."""
    t0 = time.perf_counter()
    verdict = Verdict()
    targets: dict[int, bytes] = {}
    sig_problems: list[Problem] = []
    head = store.head()
    stored_cps = store.checkpoints()
    later: dict[int, bytes] = {}  # signed after the head was read, or the head was rolled back
    verdict.checkpoints = len(stored_cps)
    for cp in stored_cps:
        try:
            signed = verify_checkpoint(cp.note, verifier)
        except CheckpointError as e:
            sig_problems.append(Problem(max(cp.size - 1, 0), "bad-signature", f"checkpoint of {cp.size} records: {e}"))
            continue
        if signed.size != cp.size or signed.root != cp.root:
            sig_problems.append(Problem(max(cp.size - 1, 0), "bad-signature",
                                        f"checkpoint row says {cp.size} records, its signed note {signed.size}"))
        (targets if signed.size <= head.size else later)[signed.size] = signed.root
    walk = _Walk(targets, lookahead)
    sha256 = hashlib.sha256
    feed = walk.feed
    intents = IntentTracker()
    track = intents.feed
    count = 0
    for row_seq, body, stored in store.records(end=head.size):
        count += 1
        leaf = sha256(b"\x00" + body).digest()
        item = _fast_fields(body, leaf, stored)
        if item is None:
            try:
                obj = _decode(body.decode("utf-8"))
                item = (obj["seq"], leaf, stored, obj["prev"])
                if not isinstance(item[0], int):
                    raise TypeError("seq")
            except (ValueError, KeyError, TypeError):
                walk.add(row_seq, "modified", "the stored record is not a valid audit record")
                item = (row_seq, leaf, stored, None)
        if leaf != stored and item[0] not in walk.flagged:
            walk.add(item[0], "modified", "content does not match its leaf hash")
        feed(item)
        track(item[0], body)
    walk.finish()
    present = walk.next_seq
    problems = walk.problems + sig_problems
    biggest = max(targets, default=0)
    if later and max(later) > store.head().size:
        biggest = max(later)
    if biggest > present:
        problems.append(Problem(present, "truncated", f"the trail ends at seq {present - 1}, but a signed checkpoint "
                                                      f"covers {biggest} records ({biggest - present} gone)"))
    elif head.size > present:
        problems.append(Problem(present, "truncated", f"the trail ends at seq {present - 1}, but the tree head "
                                                      f"records {head.size} records"))
    elif not problems and walk.frontier is not None and head.size == present:
        if Frontier.unpack(head.size, head.frontier).root() != walk.frontier.root():
            problems.append(Problem(walk.explained_upto, "modified", "records after the last checkpoint do not "
                                                                     "match the stored tree head"))
    verdict.records = count
    verdict.problems = sorted(problems, key=lambda p: (p.seq, KINDS.index(p.kind)))
    verdict.checkpoints_verified = len(walk.verified)
    verdict.latest_checkpoint = max(walk.verified) if walk.verified else None
    verdict.unresolved = intents.unresolved()
    clock = time.time() if now is None else now
    verdict.stale = [i for i in verdict.unresolved if is_stale(i, clock, grace_s)]
    verdict.seconds = time.perf_counter() - t0
    return verdict
