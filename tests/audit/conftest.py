"""Fixtures for the audit trail: a fresh trail in a temporary data folder, and a way to fill it."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from audit.trail import AuditTrail

CASE = "DSAR-2026-0001"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"


def call_fields(i: int, case: str | None = CASE, **over) -> dict:
    """Fields as the audited transport writes them for one Gmail call."""
    fields = {
        "actor": "staff@example.test", "case": case, "purpose": "Art. 15 subject access search",
        "legal_basis": "UK GDPR Art. 6(1)(c); Art. 15", "operation": "gmail.search",
        "api_method": "gmail.users.messages.get", "http_method": "GET",
        "path_template": "/gmail/v1/users/{userId}/messages/{id}", "scopes": [GMAIL_READONLY],
        "quota_units": 5, "status": 200, "item_count": 1, "bytes": 1000 + i, "latency_ms": 12.5, "outcome": "ok",
        "attempt": 1, "batch": None, "detail": f"principal=user{i % 3}@example.test",
    }
    fields.update(over)
    return fields


@pytest.fixture
def trail(tmp_path: Path) -> AuditTrail:
    t = AuditTrail.open(tmp_path / "audit.db")
    yield t
    t.close()


def fill(trail: AuditTrail, n: int, case: str | None = CASE, sealed: bool = True) -> None:
    for i in range(n):
        trail.append(call_fields(i, case), sealed={"q": f"from:jane{i}@example.org"} if sealed and case else None)


def raw_db(trail: AuditTrail) -> sqlite3.Connection:
    """A plain connection to tamper with the store as an attacker with file access would."""
    return sqlite3.connect(trail.store.path, isolation_level=None)
