"""Letters drafted for a case (``dsar letter``): which outcome, which file, its SHA-256, who and when.

Why only this: the letter itself is a file in the data folder (it names the subject); the case keeps the
record that it was drafted, so ``case show`` and the audit report can say what the subject was sent."""
from __future__ import annotations

import json

from .store import CaseStore, now_iso


def record_letter(store: CaseStore, ref: str, actor: str, outcome: str, file: str, sha256: str, template: str) -> dict:
    at = now_iso()
    detail = {"outcome": outcome, "file": file, "sha256": sha256, "template": template}
    with store._tx() as db:
        store._x(db, "INSERT INTO case_events (ref, kind, actor, at, detail) VALUES (?,?,?,?,?)",
                 (ref, "letter", actor, at, json.dumps(detail, sort_keys=True)))
    return {"event": "letter", "actor": actor, "at": at, **detail}


def letters(store: CaseStore, ref: str) -> list[dict]:
    rows = store._rows("SELECT actor, at, detail FROM case_events WHERE ref=? AND kind='letter' ORDER BY id", (ref,))
    return [{"event": "letter", "actor": r["actor"], "at": r["at"], **json.loads(r["detail"])} for r in rows]
