"""The audit trail: append records (sealed, chained, in the Merkle tree, durable), sign checkpoints,
shred case keys, prove inclusion, verify. The audited transport calls :meth:`AuditTrail.append` for every
Google call and refuses the call when it raises :class:`~audit.errors.AuditWriteError`.
"""
from __future__ import annotations

import base64
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from dsar_base.errors import ConfigError

from .checkpoints import Checkpoint, Signer, Verifier, sign_checkpoint
from .errors import AuditError, AuditInputError, AuditWriteError, CaseKeyError, CaseKeyShredded
from .intents import GRACE_S, OpenIntent, is_stale, open_intents, unknown_fields
from .keys import CaseKeys, load_master_keys, load_signer, mac_with, seal_with
from .merkle import Frontier, consistency_proof, inclusion_proof, node_hash, range_hash, root_of
from .records import GENESIS, Record, assemble, check_sealed_names, normalise, now_rfc3339, parse_time
from .sqlite_store import SQLiteStore
from .store import SUBTREE_CACHE_HEIGHT, Head, ShredMark, Store, StoredCheckpoint, WriteTx

CHECKPOINT_EVERY_S = 60.0
PROOF_FORMAT = "dsar-audit-proof/1"
SYSTEM_ACTOR = "system:audit"
INTENTS_FROM = "intents_open_from"  # meta: no intent below this seq is still open
_INTENT_MARK = b'"outcome":"intent"'


@dataclass(frozen=True)
class ShredResult:
    case: str
    record: Record
    residue: list[str]  # store files that still hold a copy of the wrapped key (should be empty)


class AuditTrail:
    home: Path | None = None  # where the key files live (None for a trail built by hand)
    group_commit = True  # False: one transaction per call (only for bench/bench_seam.py's baseline)

    def __init__(self, store: Store, keys: CaseKeys, signer: Signer, *,
                 checkpoint_every: float = CHECKPOINT_EVERY_S, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.keys = keys
        self.signer = signer
        self.checkpoint_every = checkpoint_every
        self.clock = clock
        self._next_checkpoint: float | None = None
        self._group_pid = -1  # group commit state, made afresh in each process (see _group)

    @classmethod
    def open(cls, path: str | os.PathLike, *, home: str | os.PathLike | None = None, origin: str | None = None,
             **kw: Any) -> "AuditTrail":
        """Open (creating if needed) the SQLite trail at ``path``; keys live in ``home`` (default: its folder)."""
        store = SQLiteStore(path)
        return cls.with_store(store, Path(home) if home else Path(path).parent, origin=origin, **kw)

    @classmethod
    def with_store(cls, store: Store, home: Path, *, origin: str | None = None, **kw: Any) -> "AuditTrail":
        wanted = store.meta("origin") or origin or f"dsar.local/audit/{secrets.token_hex(4)}"
        signer = load_signer(home, wanted)
        if store.meta("origin") is None:
            store.set_meta("origin", signer.name)
        if store.meta("origin") != signer.name:
            raise AuditError(f"{home / 'audit-signing.key'}: the signing key is for {signer.name!r}, "
                             f"but this audit store is {store.meta('origin')!r}")
        trail = cls(store, CaseKeys(store, load_master_keys(home), reload=lambda: load_master_keys(home)), signer, **kw)
        trail.home = home
        return trail

    @property
    def origin(self) -> str:
        return self.signer.name

    @property
    def verifier(self) -> Verifier:
        return self.signer.verifier

    def close(self) -> None:
        self.store.close()

    # -- appending --------------------------------------------------------------------------------
    def append(self, fields: Mapping[str, Any], sealed: Mapping[str, str] | None = None, *,
               durable: bool = True) -> Record:
        """Append one record; it is committed durably before this returns. Assigns seq, time, prev and
        leaf under the store's write lock; seals ``sealed`` values under the case key (AAD: case, seq, name).
        ``durable=False``: committed and visible, but on disk only with the next durable commit (for the
        answer to a write-ahead intent that is itself durable; see the store protocol)."""
        return self.append_many([(fields, sealed)], durable=durable)[0]

    def append_many(self, items: list[tuple[Mapping[str, Any], Mapping[str, str] | None]], *,
                    durable: bool = True) -> list[Record]:
        """Append several records in one durable transaction (one fsync), all or none — e.g. the parts of
        one batch request. Concurrent callers in this process share transactions (group commit): whoever
        finds no commit running writes every request queued so far in one transaction, the others wait for
        it; each returns only once its own records are durable. A request that fails is retried alone, so
        it never fails another's."""
        try:
            prepared = [_prepare(fields, sealed) for fields, sealed in items]
        except Exception as e:
            raise AuditWriteError(f"audit record not written: {e}") from e
        me = _Waiter(prepared, durable)
        if not self.group_commit:
            self._write_group([me])
            return _result(me)
        cond = self._group()
        with cond:
            self._queue.append(me)
            while self._busy and not me.done:
                cond.wait()
            leader = not me.done
            if leader:
                self._busy = True
                group, self._queue = self._queue, []
        if leader:
            try:
                self._write_group(group)
            finally:
                with cond:
                    self._busy = False
                    cond.notify_all()
        return _result(me)

    def _group(self) -> threading.Condition:
        if self._group_pid != os.getpid():  # new, or forked: never share the parent's lock state
            self._group_pid = os.getpid()
            self._cond = threading.Condition()
            self._queue: list[_Waiter] = []
            self._busy = False
        return self._cond

    def _write_group(self, group: list["_Waiter"]) -> None:
        durable = any(w.durable for w in group)
        try:
            with (self.store.writer() if durable else self.store.writer(durable=False)) as tx:
                results = [[self._append_in(tx, base, sealed)[0] for base, sealed in w.items] for w in group]
        except Exception as e:
            if len(group) == 1:
                group[0].error = e
            else:
                for w in group:
                    self._write_group([w])
        else:
            for w, r in zip(group, results):
                w.result = r
        for w in group:
            w.done = True

    def _append_in(self, tx: WriteTx, base: dict, sealed: Mapping[str, str] | None) -> tuple[Record, Frontier]:
        head = tx.head()
        seq = head.size
        prev = head.last_leaf or GENESIS
        ct: dict[str, str] = {}
        mac: dict[str, str] = {}
        if sealed:
            key, mac_key = self.keys.key_in(tx, base["case"], create=True)
            for name, value in sealed.items():
                ct[name] = seal_with(key, base["case"], name, value, str(seq))
                mac[name] = mac_with(mac_key, value)
        rec, body, leaf = assemble(base, seq, now_rfc3339(self.clock()), prev, ct, mac)
        frontier = Frontier.unpack(head.size, head.frontier)
        done = frontier.append(leaf)
        tx.insert_record(seq, rec["time"], base["case"], body, leaf, prev)
        tx.save_tree(Head(frontier.size, frontier.pack(), leaf), done)
        return Record(rec, leaf), frontier

    # -- checkpoints ------------------------------------------------------------------------------
    def checkpoint(self, actor: str = SYSTEM_ACTOR) -> StoredCheckpoint | None:
        """Sign a checkpoint covering every record so far (including a ``checkpoint`` record announcing
        it). Returns the latest checkpoint unchanged when nothing was appended since; None for an empty trail."""
        try:
            with self.store.writer() as tx:
                latest = tx.latest_checkpoint()
                head = tx.head()
                if head.size == 0 or (latest is not None and latest.size == head.size):
                    return latest
                base = normalise({"actor": actor, "outcome": "checkpoint", "operation": "audit.checkpoint",
                                  "detail": f"signed checkpoint of the first {head.size + 1} records"})
                record, frontier = self._append_in(tx, base, None)
                root = frontier.root()
                note = sign_checkpoint(self.signer, Checkpoint(self.origin, frontier.size, root))
                cp = StoredCheckpoint(frontier.size, root, record["time"], note)
                tx.insert_checkpoint(cp)
        except AuditError:
            raise
        except Exception as e:
            raise AuditWriteError(f"checkpoint not written: {e}") from e
        self._next_checkpoint = self.clock() + self.checkpoint_every
        return cp

    def maybe_checkpoint(self) -> StoredCheckpoint | None:
        """Checkpoint if the last one is at least ``checkpoint_every`` seconds old (cheap when not due)."""
        now = self.clock()
        if self._next_checkpoint is not None and now < self._next_checkpoint:
            return None
        try:
            latest = self.store.latest_checkpoint()
            if latest is not None:
                since = parse_time(latest.time).timestamp()
            else:
                first = next(self.store.records(0, 1), None)
                if first is None:
                    return None
                since = parse_time(Record.from_body(first.body).fields["time"]).timestamp()
        except Exception as e:
            raise AuditWriteError(f"checkpoint not written: the store cannot be read ({e})") from e
        if now < since + self.checkpoint_every:
            self._next_checkpoint = since + self.checkpoint_every
            return None
        return self.checkpoint()

    def checkpoints(self) -> list[StoredCheckpoint]:
        return self.store.checkpoints()

    # -- crypto-shredding -------------------------------------------------------------------------
    def shred(self, case: str, actor: str) -> ShredResult:
        """Destroy the case key (and the record says so, in the same transaction). Sealed values of the
        case become unreadable for good; every hash, link, root and checkpoint stays valid."""
        try:
            with self.store.writer() as tx:
                row = tx.get_case_key(case)
                if row is None:
                    mark = tx.shred_mark(case)
                    if mark is not None:
                        raise CaseKeyShredded(f"case key shredded: {case} already (by {mark.actor} at {mark.time}, "
                                              f"record {mark.seq})")
                    raise CaseKeyError(f"case {case}: no key in this audit store (nothing to shred)")
                base = normalise({"actor": actor, "case": case, "outcome": "shred", "operation": "audit.shred",
                                  "detail": "case key destroyed (crypto-shredding); sealed values unreadable"})
                record, _ = self._append_in(tx, base, None)
                tx.delete_case_key(case)
                tx.put_shred_mark(ShredMark(case, record["time"], record.seq, actor))
        except AuditError:
            raise
        except Exception as e:
            raise AuditWriteError(f"case {case}: the key was not shredded ({e})") from e
        self.keys.forget(case)
        try:
            residue = self.store.purge_residue([row.wrapped])
        except Exception as e:  # the key row is gone; only the clean-up of old pages failed
            residue = [f"{self.store.location} (clean-up failed: {e})"]
        return ShredResult(case, record, residue)

    def unseal(self, record: Record, name: str) -> str:
        """The plaintext of a sealed field (raises :class:`CaseKeyShredded` once the case is shredded)."""
        token = record.get("sealed", {}).get(name)
        if token is None:
            raise AuditInputError(f"record {record.seq}: no sealed field {name!r}")
        return self.keys.unseal(record["case"], name, token, context=str(record.seq))

    def find(self, case: str, value: str, name: str | None = None) -> list[Record]:
        """Records of ``case`` whose sealed value (field ``name``, or any) equals ``value`` (look-up MAC)."""
        mac = self.keys.lookup_mac(case, value)
        return [r for r in self.records(case=case)
                if (name is None and mac in r.get("lookup", {}).values()) or r.get("lookup", {}).get(name) == mac]

    # -- reading and proofs -----------------------------------------------------------------------
    def size(self) -> int:
        return self.store.head().size

    def records(self, start: int = 0, end: int | None = None, case: str | None = None, *,
                intents: bool = False) -> Iterator[Record]:
        """Committed records in seq order. Write-ahead ``intent`` records are left out unless ``intents``:
        each call is then one record (its answer, or ``unknown``), as reports and counts expect."""
        for row in self.store.records(start, end, case):
            if not intents and _INTENT_MARK in row.body:
                continue
            yield Record.from_body(row.body, bytes(row.leaf))

    def record(self, seq: int) -> Record:
        for r in self.records(seq, seq + 1, intents=True):
            return r
        raise AuditInputError(f"seq {seq}: no such record (the trail has {self.size()})")

    def _perfect(self, start: int, size: int) -> bytes:
        height = size.bit_length() - 1
        if height >= SUBTREE_CACHE_HEIGHT:
            cached = self.store.subtree(height, start >> height)
            if cached is not None:
                return cached
            half = size // 2
            return node_hash(self._perfect(start, half), self._perfect(start + half, half))
        return root_of(self.store.leaves(start, start + size))

    def root(self, size: int | None = None) -> bytes:
        """RFC 6962 root of the first ``size`` stored leaves (default: all, from the stored frontier)."""
        head = self.store.head()
        if size is None or size == head.size:
            return Frontier.unpack(head.size, head.frontier).root()
        if not 0 <= size <= head.size:
            raise AuditInputError(f"size {size}: the trail has {head.size} records")
        return range_hash(0, size, self._perfect) if size else root_of([])

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        return consistency_proof(size1, size2, self._perfect)

    def prove(self, seq: int, checkpoint_size: int | None = None) -> dict:
        """An offline-checkable bundle: the record, its inclusion proof and the signed checkpoint."""
        if seq < 0:
            raise AuditInputError(f"seq {seq}: must be 0 or more")
        cps = self.store.checkpoints()
        cp = next((c for c in reversed(cps) if checkpoint_size in (None, c.size)), None)
        if cp is None or seq >= cp.size:
            covered = cps[-1].size if cps else 0
            raise AuditInputError(f"seq {seq}: not covered by a checkpoint yet (the latest covers {covered} records); "
                                  "run 'dsar audit checkpoint' first")
        record = self.record(seq)
        proof = inclusion_proof(seq, cp.size, self._perfect)
        return {"format": PROOF_FORMAT, "record": record.to_dict(), "leaf_index": seq, "tree_size": cp.size,
                "proof": [base64.b64encode(h).decode() for h in proof], "checkpoint": cp.note,
                "key_name": self.origin}

    def verify(self, **kw: Any):
        from .verify import verify_store

        return verify_store(self.store, self.verifier, **kw)

    # -- write-ahead intents ----------------------------------------------------------------------
    def unresolved(self) -> list[OpenIntent]:
        """Intents no record answers yet (in flight, or a process died between answer and commit)."""
        start = int(self.store.meta(INTENTS_FROM) or 0)
        return open_intents((r.seq, r.body) for r in self.store.records(start))

    def recover(self, actor: str = SYSTEM_ACTOR, grace_s: float = GRACE_S) -> list[Record]:
        """Close every intent older than ``grace_s`` that has no answer with an ``outcome: unknown``
        record (the call may have been served; now it is counted). Runs under the write lock, so two
        recoveries never close one intent twice; remembers where open intents can start (meta)."""
        now = self.clock()
        try:
            with self.store.writer() as tx:
                start = int(tx.meta(INTENTS_FROM) or 0)
                head = tx.head()
                pending = open_intents((r.seq, r.body) for r in self.store.records(start, head.size))
                closed = []
                for intent in pending:
                    if not is_stale(intent, now, grace_s):
                        continue
                    body = next(iter(self.store.records(intent.seq, intent.seq + 1))).body
                    fields = unknown_fields(body, intent.seq)
                    fields["actor"] = fields.get("actor") or actor
                    fields["detail"] += f"; closed by {actor}"
                    closed.append(self._append_in(tx, normalise(fields), None)[0])
                still = [i.seq for i in pending if not is_stale(i, now, grace_s)]
                tx.set_meta(INTENTS_FROM, str(min(still) if still else head.size))
        except AuditError:
            raise
        except Exception as e:
            raise AuditWriteError(f"intents not recovered: {e}") from e
        return closed


class _Waiter:
    """One caller's records in the group commit queue."""

    __slots__ = ("items", "durable", "result", "error", "done")

    def __init__(self, items: list, durable: bool = True) -> None:
        self.items = items
        self.durable = durable
        self.result: list[Record] = []
        self.error: BaseException | None = None
        self.done = False


def _result(w: _Waiter) -> list[Record]:
    if w.error is not None:
        if isinstance(w.error, AuditWriteError):
            raise w.error
        raise AuditWriteError(f"audit record not written: {w.error}") from w.error
    return w.result


def _prepare(fields: Mapping[str, Any], sealed: Mapping[str, str] | None) -> tuple[dict, Mapping[str, str] | None]:
    base = normalise(fields)
    if sealed:
        check_sealed_names(sealed)
        if base["case"] is None:
            raise AuditInputError("audit record: sealed values need a case (they are sealed under its key)")
    return base, sealed


def open_trail(settings) -> AuditTrail:
    """The trail for these settings: SQLite at ``<home>/audit.db`` unless ``DSAR_DATABASE_URL`` names PostgreSQL."""
    home = Path(settings.home)
    url = getattr(settings, "database_url", None)
    if url and url.startswith(("postgres://", "postgresql://", "postgresql+")):
        try:
            from .pg_store import PostgresStore  # provided by the PostgreSQL back end
        except ImportError:
            raise ConfigError("DSAR_DATABASE_URL: the PostgreSQL audit store is not installed in this version") from None
        return AuditTrail.with_store(PostgresStore.from_url(url), home, origin=_origin(settings))
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return AuditTrail.open(home / "audit.db", home=home, origin=_origin(settings))


def _origin(settings) -> str:
    domain = getattr(settings, "domain", None) or "dsar.local"
    return f"{domain}/audit/{secrets.token_hex(4)}"
