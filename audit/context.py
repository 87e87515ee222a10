"""The purpose of the Google calls being made: who acts, for which case, in which step. Workflows set it
with :func:`acting`; the seam reads it for every call, so no call is made without a stated purpose."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, Mapping, TypeVar


@dataclass(frozen=True)
class Purpose:
    actor: str  # the staff member (or "system:<job>") on whose instruction the call is made
    step: str  # registry step: search, export, erase, track, admin, auth
    case: str | None = None
    case_status: str | None = None
    purpose: str = ""  # plain words, e.g. "Art. 15 subject access search"
    legal_basis: str = ""  # e.g. "UK GDPR Art. 6(1)(c) legal obligation; Art. 15"
    sealed: Mapping[str, str] = field(default_factory=dict)  # values to seal under the case key
    role: str | None = None  # the actor's role, for operations reserved to some (e.g. admin.reports.read)

    def with_(self, **changes) -> "Purpose":
        return replace(self, **changes)


_current: contextvars.ContextVar[Purpose | None] = contextvars.ContextVar("dsar_purpose", default=None)


def current() -> Purpose | None:
    return _current.get()


@contextmanager
def acting(purpose: Purpose) -> Iterator[Purpose]:
    token = _current.set(purpose)
    try:
        yield purpose
    finally:
        _current.reset(token)


T, R = TypeVar("T"), TypeVar("R")


def map_acting(fn: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """``fn`` over ``items`` on ``workers`` threads, in order, each call under the caller's purpose: a pool's
    threads do not inherit context variables, and a copy made inside the worker would be the worker's own
    (no purpose, so the seam refuses the call). One copy per item, since a context runs in one thread at
    a time."""
    items = list(items)
    contexts = [contextvars.copy_context() for _ in items]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda c, item: c.run(fn, item), contexts, items))
