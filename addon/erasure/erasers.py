"""The Google calls of an erasure run, one eraser per source and account. Each works in batches and, for
every batch: records the SHA-256 of each item's content as it is now (saved before anything is changed),
makes the change, then records the outcome. A crash between any two of these steps is safe to re-run:
Gmail trash and Drive trash are idempotent, a 404 on delete means "already done", and sheet rows are found
again by content (a row already deleted or redacted by a run that died before saving reads as done).

``job`` (see :mod:`addon.erasure.execute`) gives ``item(key) -> dict`` (the item's saved state),
``save()``, ``hook(stage, info)``, ``attempt`` (how many times the run was started) and ``pending`` (sheet
rows whose change was sent but not yet recorded). Each change is noted as sent before it is sent, so a 404
after a crash is told apart from an item someone else removed.
"""
from __future__ import annotations

import base64
import hashlib
import time
from typing import Any, Callable, Iterable, Sequence

from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseDownload

from audit.canonical import canonical_json

from ..cases.store import now_iso
from .errors import RunFailed
from .plan import GOOGLE_TEXT
from .rows import assign, delete_requests, locate, redact_data, row_cells, unexpected_loss
from .snapshot import SheetsApi, read_book

HASH_BATCH = 50  # parts per batch of reads (Gmail recommends at most 50)
GMAIL_IDS = 1000  # ids per batchModify / batchDelete (Gmail's maximum)
DRIVE_BATCH = 100  # parts per Drive batch request (Google's maximum)
PART_ATTEMPTS = 4
CHUNK = 16 * 1024 * 1024
BACKOFF_S = 0.5

OUTCOME = {"trash": "trashed", "delete": "deleted", "delete_row": "row_deleted", "redact_cells": "redacted"}


def chunks(seq: Sequence, n: int) -> Iterable[Sequence]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _status(e: Exception) -> int | None:
    return e.resp.status if isinstance(e, HttpError) else None


def run_batch(service: Any, requests: dict[str, Any], on_ok: Callable[[str, Any], None],
              on_404: Callable[[str], None]) -> None:
    """Send ``requests`` (id -> request) as batches, retrying parts that fail transiently; a part that
    keeps failing stops the run (the job is saved and resumable)."""
    todo = dict(requests)
    for attempt in range(1, PART_ATTEMPTS + 1):
        failed: dict[str, Exception] = {}
        for part in chunks(list(todo.items()), HASH_BATCH):
            names = [rid for rid, _ in part]  # short Content-IDs: long ones get folded by the MIME writer

            def cb(n: str, resp: Any, exc: Exception | None, names: list[str] = names) -> None:
                rid = names[int(n)]
                if exc is None:
                    on_ok(rid, resp)
                elif _status(exc) == 404:
                    on_404(rid)
                else:
                    failed[rid] = exc

            batch = service.new_batch_http_request(callback=cb)
            for n, (_, req) in enumerate(part):
                batch.add(req, request_id=str(n))
            batch.execute()
        if not failed:
            return
        todo = {rid: requests[rid] for rid in failed}
        if any(_status(e) in (400, 401, 403) and b"ateLimit" not in (e.content or b"") for e in failed.values()):
            break
        if attempt < PART_ATTEMPTS:
            time.sleep(BACKOFF_S * 2 ** (attempt - 1))  # parts of a batch are not retried by the seam
    rid, exc = next(iter(failed.items()))
    raise RunFailed(f"{len(failed)} request(s) kept failing (first: {rid}: HTTP {_status(exc)} "
                    f"{getattr(exc, 'reason', '') or exc})")


def _mark(job, key: str, **fields: Any) -> None:
    job.item(key).update(fields, at=now_iso())


def _sending(job, actions: Iterable[dict]) -> None:
    """Note which attempt first sent each change, and save, before sending it."""
    for a in actions:
        job.item(a["key"]).setdefault("sent", job.attempt)
    job.save()


def _gone(job, action: dict) -> None:
    """A 404 when changing an item: ours if an earlier (crashed) attempt already sent the change, else someone
    else removed it since it was hashed."""
    sent = job.item(action["key"]).get("sent", job.attempt)
    _mark(job, action["key"], outcome=OUTCOME[action["action"]] if sent < job.attempt else "already_gone")


# -- Gmail -------------------------------------------------------------------------------------------

def erase_gmail(job, svc: Any, actions: Sequence[dict]) -> None:
    todo = [a for a in actions if "outcome" not in job.item(a["key"])]
    messages = svc.users().messages()
    for part in chunks(todo, GMAIL_IDS):
        by_id = {a["message_id"]: a for a in part}
        unhashed = {mid: messages.get(userId="me", id=mid, format="raw")
                    for mid, a in by_id.items() if "sha256" not in job.item(a["key"])}

        def hashed(mid: str, msg: dict) -> None:
            raw = base64.urlsafe_b64decode(msg.get("raw", "") + "=" * (-len(msg.get("raw", "")) % 4))
            _mark(job, by_id[mid]["key"], sha256=hashlib.sha256(raw).hexdigest(), hash_of="message raw bytes")

        run_batch(svc, unhashed, hashed, lambda mid: _mark(job, by_id[mid]["key"], outcome="already_gone"))
        job.save()
        live = [a for a in part if "outcome" not in job.item(a["key"])]
        _sending(job, live)
        for action in ("trash", "delete"):
            ids = [a["message_id"] for a in live if a["action"] == action]
            if ids:
                _gmail_act(job, svc, messages, action, ids, by_id)
        job.hook("acted", {"source": "gmail", "items": len(live)})
        for a in live:
            if "outcome" not in job.item(a["key"]):
                _mark(job, a["key"], outcome=OUTCOME[a["action"]])
        job.save()
        job.hook("saved", {"source": "gmail", "items": len(live)})


def _gmail_act(job, svc: Any, users: Any, action: str, ids: list[str], by_id: dict[str, dict]) -> None:
    try:
        if action == "trash":
            users.batchModify(userId="me", body={"ids": ids, "addLabelIds": ["TRASH"]}).execute()
        else:
            users.batchDelete(userId="me", body={"ids": ids}).execute()
        return
    except HttpError as e:
        if _status(e) not in (400, 404):
            raise
    # One id vanished since it was hashed (Gmail refuses the whole call): go one by one, 404 = done.
    single = {mid: (users.trash(userId="me", id=mid) if action == "trash" else users.delete(userId="me", id=mid))
              for mid in ids}
    run_batch(svc, single, lambda mid, _r: None, lambda mid: _gone(job, by_id[mid]))


# -- Drive -------------------------------------------------------------------------------------------

class _Sha256Sink:
    """A write-only file object that hashes what MediaIoBaseDownload streams into it."""

    def __init__(self) -> None:
        self.h = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.h.update(data)
        return len(data)


def file_sha256(files: Any, action: dict) -> tuple[str, str] | None:
    """(SHA-256, what was hashed) of a file's content now; None when the file is gone (``files``: the
    Drive client's files collection)."""
    fid, mime = action["file_id"], action.get("mime_type", "")
    try:
        if mime in GOOGLE_TEXT:
            data = files.export(fileId=fid, mimeType="text/plain").execute()
            return hashlib.sha256(data).hexdigest(), "exported text/plain"
        if mime.startswith("application/vnd.google-apps."):
            meta = files.get(fileId=fid, fields="id,mimeType,modifiedTime,version", supportsAllDrives=True).execute()
            return hashlib.sha256(canonical_json(meta)).hexdigest(), "metadata (no byte content)"
        sink = _Sha256Sink()
        down = MediaIoBaseDownload(sink, files.get_media(fileId=fid, supportsAllDrives=True), chunksize=CHUNK)
        done = False
        while not done:
            _, done = down.next_chunk()
        return sink.h.hexdigest(), "file bytes"
    except HttpError as e:
        if _status(e) == 404:
            return None
        raise


def erase_drive(job, svc: Any, actions: Sequence[dict]) -> None:
    todo = [a for a in actions if "outcome" not in job.item(a["key"])]
    files = svc.files()
    for part in chunks(todo, DRIVE_BATCH):
        for a in part:
            if "sha256" not in job.item(a["key"]):
                got = file_sha256(files, a)
                if got is None:
                    _mark(job, a["key"], outcome="already_gone")
                else:
                    _mark(job, a["key"], sha256=got[0], hash_of=got[1])
        job.save()
        live = {a["key"]: a for a in part if "outcome" not in job.item(a["key"])}
        _sending(job, live.values())
        reqs = {k: (files.update(fileId=a["file_id"], body={"trashed": True}, fields="id,trashed", supportsAllDrives=True)
                    if a["action"] == "trash" else files.delete(fileId=a["file_id"], supportsAllDrives=True))
                for k, a in live.items()}  # supportsAllDrives: shared-drive files answer 404 without it
        run_batch(svc, reqs, lambda k, _r: None, lambda k: _gone(job, live[k]))
        job.hook("acted", {"source": "drive", "items": len(live)})
        for k, a in live.items():
            if "outcome" not in job.item(k):
                _mark(job, k, outcome=OUTCOME[a["action"]])
        job.save()
        job.hook("saved", {"source": "drive", "items": len(live)})


# -- Sheets ------------------------------------------------------------------------------------------

def erase_sheets(job, svc: Any, actions: Sequence[dict]) -> None:
    """Per spreadsheet: re-read the tabs, find the planned rows by content, blank cells (redact) and delete
    rows bottom-up in one batchUpdate (atomic in Google), then re-read to prove no other row went."""
    api = SheetsApi(svc)
    by_file: dict[str, list[dict]] = {}
    for a in actions:
        if "outcome" not in job.item(a["key"]):
            by_file.setdefault(a["file_id"], []).append(a)
    for fid, acts in sorted(by_file.items()):
        ids, values = read_book(api, fid, {a["sheet"] for a in acts})
        deletes: dict[str, list[int]] = {}
        redacts: list[dict] = []
        placed_rows: dict[str, int] = {}
        for title in sorted({a["sheet"] for a in acts}):
            group = [a for a in acts if a["sheet"] == title]
            rows = values.get(title)
            placed = assign([(a["key"], a["row_sha256"]) for a in group], locate(rows or []))
            for a in group:
                row = placed[a["key"]]
                if row is None:
                    sent = a["key"] in job.pending  # our change went out before a crash: it is done
                    _mark(job, a["key"], outcome=OUTCOME[a["action"]] if sent else "already_gone",
                          **({} if sent else {"note": "not in the sheet now (changed or removed since the plan)"}))
                    continue
                _mark(job, a["key"], sha256=a["row_sha256"], hash_of="row values", row_now=row)
                placed_rows[a["key"]] = row
                if a["action"] == "delete_row":
                    deletes.setdefault(title, []).append(row)
                else:
                    redacts += redact_data(title, row, a["cells"])
        live = [a for a in acts if a["key"] in placed_rows]
        job.pending.update(placed_rows)
        job.save()
        if redacts:
            api.values.batchUpdate(
                spreadsheetId=fid, body={"valueInputOption": "RAW", "data": redacts}).execute()
        if deletes:
            reqs = [r for title, rows in sorted(deletes.items()) for r in delete_requests(ids[title], rows)]
            api.book.batchUpdate(spreadsheetId=fid, body={"requests": reqs}).execute()
            _check_nothing_else_went(job, api, fid, values, deletes, {a["key"]: a for a in live}, placed_rows)
        job.hook("acted", {"source": "sheets", "items": len(live)})
        for a in live:
            _mark(job, a["key"], outcome=OUTCOME[a["action"]])
            job.pending.pop(a["key"], None)
        job.save()
        job.hook("saved", {"source": "sheets", "items": len(live)})


def _check_nothing_else_went(job, api: SheetsApi, fid: str, before: dict, deletes: dict[str, list[int]],
                             live: dict[str, dict], placed: dict[str, int]) -> None:
    _, after = read_book(api, fid, deletes)
    for title, rows in deletes.items():
        expected = [list(v) for v in before[title] or []]
        for key, a in live.items():  # redactions in the same tab changed those rows on purpose
            if a["sheet"] == title and a["action"] == "redact_cells":
                cells = row_cells(expected[placed[key] - 1])
                for c in a["cells"]:
                    if c < len(cells):
                        cells[c] = ""
                expected[placed[key] - 1] = cells
        lost = unexpected_loss(expected, after[title] or [], rows)
        if lost:
            job.problems.append(f"spreadsheet {fid} › {title}: {lost} other row(s) changed or vanished while the "
                                "subject's rows were deleted (someone edited the sheet at that moment); check its "
                                "version history (File › Version history) and restore any row that should stay")
