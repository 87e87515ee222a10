"""The purpose of the Google calls being made: who acts, for which case, in which step. Workflows set it
with :func:`acting`; the seam reads it for every call, so no call is made without a stated purpose."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Iterator, Mapping


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
