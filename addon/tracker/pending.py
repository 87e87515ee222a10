"""Tracker rows that could not be written yet, kept on disk so a failed write is never just a log line.

A step (case open, search, erasure, a status change) must not fail because Google refused the tracker for a
moment, but the DPO must not lose the row either. So the refs whose row write failed are kept in
``DSAR_HOME/tracker-pending.json`` with the reason; the next tracker write (any step, any case) carries them
in the same flush, ``dsar tracker sync`` writes every row, and ``dsar case show`` says a row is pending.

The file holds case refs, times, counts and the (personal-data-free) reason; never a subject's details.
Writers on one host are serialised with ``flock`` on a lock file beside it; it is replaced atomically.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ConfigError

PENDING_FILE = "tracker-pending.json"


@dataclass(frozen=True)
class PendingRow:
    """A row owed to the tracker: since when, how many attempts failed, and the last reason (a sentence)."""

    ref: str
    error: str
    since: str  # ISO time of the first failure
    last_attempt: str  # ISO time of the latest failure
    attempts: int
    actor: str  # who acted when it last failed (staff address; no subject data)
    at: float  # time.time() of the latest failure: entries recorded before a successful write are cleared

    def public(self) -> dict:
        return {"state": "pending", "error": self.error, "since": self.since, "last_attempt": self.last_attempt,
                "attempts": self.attempts}


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class PendingWrites:
    """The queue of tracker rows still to write, in one data folder."""

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / PENDING_FILE

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(PENDING_FILE + ".lock"), "a+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _read(self) -> dict[str, PendingRow]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise ConfigError(f"{self.path}: not a list of pending tracker rows ({type(e).__name__}); delete it and "
                              "run 'dsar tracker sync' (that writes every row again)") from None
        try:
            return {ref: PendingRow(**row) for ref, row in data.get("rows", {}).items()}
        except (TypeError, AttributeError):
            raise ConfigError(f"{self.path}: not a list of pending tracker rows; delete it and run "
                              "'dsar tracker sync' (that writes every row again)") from None

    def _save(self, rows: dict[str, PendingRow]) -> None:
        if not rows:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_name(PENDING_FILE + ".tmp")
        tmp.write_text(json.dumps({"rows": {r: asdict(p) for r, p in sorted(rows.items())}}, indent=1) + "\n",
                       encoding="utf-8")
        os.replace(tmp, self.path)

    def rows(self) -> dict[str, PendingRow]:
        return self._read()

    def get(self, ref: str) -> PendingRow | None:
        return self._read().get(ref.strip().upper())

    def add(self, refs: Iterable[str], error: str, actor: str) -> None:
        """Record (or count one more) failed write for each of ``refs``."""
        now, stamp = _now_iso(), time.time()
        with self._locked():
            rows = self._read()
            for ref in {r.strip().upper() for r in refs if r.strip()}:
                old = rows.get(ref)
                rows[ref] = PendingRow(ref, error, old.since if old else now, now, (old.attempts if old else 0) + 1,
                                       actor, stamp)
            self._save(rows)

    def clear(self, refs: Iterable[str] | None, written_since: float) -> list[str]:
        """Forget the rows of ``refs`` (None: all) whose last failure came before a write that began at
        ``written_since`` and succeeded; a failure recorded after that start stays pending."""
        wanted = None if refs is None else {r.strip().upper() for r in refs}
        with self._locked():
            rows = self._read()
            gone = [r for r, p in rows.items() if (wanted is None or r in wanted) and p.at <= written_since]
            for r in gone:
                del rows[r]
            if gone:
                self._save(rows)
        return sorted(gone)
