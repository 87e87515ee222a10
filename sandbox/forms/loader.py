"""Forms in the fixture: a ``<name>.form.json`` file anywhere in a Drive folder becomes a Google Form named
``<name>`` (the Drive file keeps its place, owner and sharing; Forms API id = Drive file id). Its JSON::

    {"title": "Callback request",                  # default: the file name without .form.json
     "description": "...",
     "questions": [{"id": "name", "title": "Your name", "kind": "text", "required": true},
                   {"id": "reason", "title": "Reason", "kind": "choice", "options": ["Boiler", "Other"]}],
     "responses": [{"id": "r1", "submitted": "2025-06-03T10:15:02Z", "email": "x@example.com",
                    "answers": {"name": "Jane Doe", "reason": ["Boiler"]}}]}

``kind`` is one of text, paragraph, choice, checkbox, dropdown, date, scale; an answer is a string or a list
of strings; ``submitted`` is RFC 3339 with an offset. A file that is not such a form is recorded in
``load_problems`` and stays an ordinary JSON file in Drive."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..chat.store import short_id
from .store import FORM_MIME, KINDS, Form, Question, Response

SUFFIX = ".form.json"


def response_id(owner: str, title: str, fixture_id: object) -> str:
    """A response's API id (``ACYDBN…``, as Google's start), stable across loads of the same fixture."""
    return "ACYDBN" + short_id(f"resp|{owner.lower()}|{title}|{fixture_id}", 30)


def parse_form(form_id: str, owner: str, default_title: str, data: Any) -> Form:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    form = Form(form_id, owner, str(data.get("title") or default_title), str(data.get("description") or ""))
    seen: set[str] = set()
    for i, q in enumerate(data.get("questions", []), 1):
        if not isinstance(q, dict) or not q.get("id") or not q.get("title"):
            raise ValueError(f"question {i}: needs an id and a title")
        qid, kind = str(q["id"]), str(q.get("kind", "text"))
        if qid in seen:
            raise ValueError(f"question {i}: id {qid!r} used twice")
        if kind not in KINDS:
            raise ValueError(f"question {qid!r}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        seen.add(qid)
        form.questions.append(Question(qid, short_id("item|" + form_id + qid, 8), str(q["title"]), kind,
                                       [str(o) for o in q.get("options", [])], bool(q.get("required", False))))
    for i, r in enumerate(data.get("responses", []), 1):
        if not isinstance(r, dict) or not isinstance(r.get("answers"), dict):
            raise ValueError(f"response {i}: needs an 'answers' object")
        try:
            when = dt.datetime.fromisoformat(str(r["submitted"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            raise ValueError(f"response {i}: 'submitted' must be an RFC 3339 time") from None
        if when.tzinfo is None:
            raise ValueError(f"response {i}: 'submitted' needs a time zone offset")
        answers: dict[str, list[str]] = {}
        for qid, value in r["answers"].items():
            if qid not in seen:
                raise ValueError(f"response {i}: answer to unknown question {qid!r}")
            answers[qid] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        rid = response_id(owner, form.title, r.get("id", i))
        form.responses[rid] = Response(rid, when, answers, str(r["email"]).lower() if r.get("email") else None)
    return form


def disk_path(ws, root: Path | None, f) -> str:
    """Where the fixture holds a Drive file, for problem reports."""
    rel = ws.drive.path(f)
    if root is None:
        return rel
    if f.driveId:
        drive = ws.drive.drives.get(f.driveId)
        return str(root / "_shared_drives" / (drive.name if drive else f.driveId) / rel)
    return str(root / (f.owners[0] if f.owners else "") / "Drive" / rel)


def convert_form_files(ws, root: Path | None = None) -> None:
    """Turn every ``*.form.json`` Drive file into a Google Form (text unindexed, as Drive has no text for a form)."""
    store = ws.drive
    if store is None:
        return
    for f in list(store.files.values()):
        original = f.originalFilename or ""
        if not original.lower().endswith(SUFFIX) or f.content is None:
            continue
        title = original[: -len(SUFFIX)]
        owner = f.owners[0] if f.owners else (f.lastModifyingUser or "")
        try:
            form = parse_form(f.id, owner, title, json.loads(f.content.decode("utf-8-sig")))
        except (ValueError, UnicodeDecodeError) as e:
            ws.load_problems.append((disk_path(ws, root, f), f"not a form: {e}"[:300]))
            continue
        f.mimeType, f.name, f.content, f.text = FORM_MIME, title, None, None
        store.reindex(f)
        ws.forms[f.id] = form
