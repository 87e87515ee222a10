"""Counting a trail's store transactions, for the test and the bench that check appends share commits:
the trail's writer is wrapped for the ``with`` block and put back after it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def counted_commits(trail) -> Iterator[list[int]]:
    """Yield a list that gains one entry per write transaction the trail's store opens."""
    commits: list[int] = []
    real = trail.store.writer

    def counting():
        commits.append(1)
        return real()

    trail.store.writer = counting
    try:
        yield commits
    finally:
        trail.store.writer = real
