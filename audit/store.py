"""The storage contract of the audit trail. SQLite (:mod:`audit.sqlite_store`) is the default; a
PostgreSQL implementation only has to honour this protocol.

Rules an implementation must keep:

* :meth:`Store.writer` yields a :class:`WriteTx` that holds the trail's single write lock for its whole
  duration (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``pg_advisory_xact_lock`` or ``SELECT ... FOR UPDATE`` on
  the ``tree`` row), so reading the head and inserting the next record can never interleave with another
  writer, in this process or any other. On normal exit it commits **durably** (WAL + fsync /
  ``synchronous_commit=on``) before returning; on an exception it rolls back. ``writer(durable=False)``
  may commit without waiting for the disk (SQLite ``synchronous=NORMAL``, PostgreSQL ``SET LOCAL
  synchronous_commit = off``), but the commit must be visible at once, survive the process being killed,
  and be made durable by the next durable commit: the seam uses it for answers whose write-ahead intent
  is already durable.
* ``records.seq`` is the primary key and ``records.prev`` is unique (defence in depth against forks).
* Reads never lock writers out and see only committed data.
* Deleting a case key must leave no copy of the wrapped key in the database files (``secure_delete`` and
  a WAL checkpoint for SQLite; for PostgreSQL a ``VACUUM`` of the key table; backups are out of scope).
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Iterator, NamedTuple, Protocol

#: Stores cache the roots of aligned perfect subtrees of at least 2**8 leaves (``save_tree``'s ``subtrees``
#: with height >= this); proofs then read O(log n) cached roots plus at most a few hundred leaves.
SUBTREE_CACHE_HEIGHT = 8


@dataclass(frozen=True)
class Head:
    """The tree state after the last committed record: size, frontier (packed hashes), last leaf."""

    size: int
    frontier: bytes
    last_leaf: bytes | None


class StoredRecord(NamedTuple):  # a tuple: verification streams millions of them
    seq: int
    body: bytes  # canonical JSON without the ``leaf`` field
    leaf: bytes  # the leaf hash stored at append time (verify recomputes it from ``body``)


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    time: str
    note: str


@dataclass(frozen=True)
class CaseKeyRow:
    case: str
    wrapped: bytes
    kek_id: str


@dataclass(frozen=True)
class ShredMark:
    case: str
    time: str
    seq: int
    actor: str


class WriteTx(Protocol):
    def head(self) -> Head: ...
    def insert_record(self, seq: int, time: str, case: str | None, body: bytes, leaf: bytes, prev: bytes) -> None: ...
    def save_tree(self, head: Head, subtrees: list[tuple[int, int, bytes]]) -> None: ...
    def insert_checkpoint(self, cp: StoredCheckpoint) -> None: ...
    def latest_checkpoint(self) -> StoredCheckpoint | None: ...
    def get_case_key(self, case: str) -> CaseKeyRow | None: ...
    def put_case_key(self, row: CaseKeyRow) -> None: ...
    def delete_case_key(self, case: str) -> bool: ...
    def case_keys(self) -> list[CaseKeyRow]: ...
    def replace_case_key(self, row: CaseKeyRow) -> None: ...
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def shred_mark(self, case: str) -> ShredMark | None: ...
    def put_shred_mark(self, mark: ShredMark) -> None: ...


class Store(Protocol):
    location: str  # for messages: a file path or a database URL without password

    def writer(self, durable: bool = True) -> AbstractContextManager[WriteTx]: ...
    def head(self) -> Head: ...
    def records(self, start: int = 0, end: int | None = None, case: str | None = None) -> Iterator[StoredRecord]:
        """Committed records in storage order (by ``seq`` column), optionally one case's only."""
    def leaves(self, start: int, end: int) -> list[bytes]:
        """Stored leaf hashes of seq in [start, end), in order."""
    def subtree(self, height: int, index: int) -> bytes | None:
        """A cached root of the perfect subtree (height, index), if the store keeps one."""
    def checkpoints(self) -> list[StoredCheckpoint]: ...
    def latest_checkpoint(self) -> StoredCheckpoint | None: ...
    def get_case_key(self, case: str) -> CaseKeyRow | None: ...
    def shred_mark(self, case: str) -> ShredMark | None: ...
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def purge_residue(self, needles: list[bytes]) -> list[str]:
        """After a key deletion: make sure no ``needles`` remain in the store's files; return where any remain."""
    def close(self) -> None: ...
