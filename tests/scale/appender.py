"""A separate process appending to one audit trail (spawned by the concurrency tests and the bench)."""
from __future__ import annotations

import time
from pathlib import Path


def open_trail(url: str | None, home: str):
    from audit.trail import AuditTrail

    if url:
        from audit.pg_store import PostgresStore

        return AuditTrail.with_store(PostgresStore(url, migrate=False), Path(home))
    return AuditTrail.open(Path(home) / "audit.db", home=home)


def append_many(url: str | None, home: str, who: str, n: int, go, out) -> None:
    """Wait for ``go``, append ``n`` records as actor ``who`` (every tenth with a sealed search term
    for one shared case, so case-key creation races too), then report (who, seconds)."""
    trail = open_trail(url, home)
    go.wait(60)
    t0 = time.perf_counter()
    for i in range(n):
        fields = {"actor": who, "operation": "gmail.search", "api_method": "gmail.users.messages.list",
                  "http_method": "GET", "path_template": "gmail/v1/users/{userId}/messages", "status": 200,
                  "outcome": "ok", "item_count": i, "latency_ms": 1.5}
        if i % 10 == 0:
            trail.append({**fields, "case": "DSAR-2026-0001"}, sealed={"q": f"Jane Doe {who} {i}"})
        else:
            trail.append(fields)
    out.put((who, time.perf_counter() - t0))
    trail.close()
