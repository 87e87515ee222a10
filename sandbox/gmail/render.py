"""The JSON shapes Gmail answers with (research/apis.md §9): messages in each format, message parts,
attachment bodies, threads, labels, list pages and page tokens. Pure functions of the store's objects."""
from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from .mime import Part, find_part, parse
from .store import Mailbox, Message

FORMATS = ("minimal", "metadata", "full", "raw")
_ATT_PREFIX = "ANGjdJ"


def b64url(data: bytes) -> str:
    """Gmail's body encoding: base64url with padding kept."""
    return base64.urlsafe_b64encode(data).decode("ascii")


@lru_cache(maxsize=256)
def _tree(raw: bytes) -> Part:
    return parse(raw)


def tree(msg: Message) -> Part:
    return _tree(msg.raw)


def attachment_id(msg: Message, part_id: str) -> str:
    """An opaque, long id (as Gmail's are) naming one part of one message; only that message accepts it."""
    tag = hashlib.sha256(f"{msg.id}/{part_id}".encode()).digest()
    return _ATT_PREFIX + b64url(tag * 2 + b"\0" + part_id.encode()).rstrip("=")


def part_for_attachment(msg: Message, att_id: str) -> Part | None:
    """The leaf an attachment id names, or None if the id is not one this message issued."""
    if not att_id.startswith(_ATT_PREFIX):
        return None
    body = att_id[len(_ATT_PREFIX):]
    try:
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        return None
    if len(blob) < 65 or blob[64] != 0:
        return None
    part_id = blob[65:].decode("ascii", "replace")
    if attachment_id(msg, part_id) != att_id:
        return None
    part = find_part(tree(msg), part_id)
    return part if part is not None and not part.multipart else None


def part_resource(msg: Message, p: Part) -> dict:
    out: dict = {"partId": p.part_id, "mimeType": p.mime_type, "filename": p.filename,
                 "headers": [{"name": n, "value": v} for n, v in p.headers]}
    if p.multipart:
        out["body"] = {"size": 0}
        out["parts"] = [part_resource(msg, c) for c in p.parts]
        return out
    data = p.data or b""
    if p.attachment:
        out["body"] = {"attachmentId": attachment_id(msg, p.part_id), "size": len(data)}
    elif data:
        out["body"] = {"size": len(data), "data": b64url(data)}
    else:
        out["body"] = {"size": 0}
    return out


def message_resource(msg: Message, fmt: str = "full", metadata_headers: list[str] | None = None) -> dict:
    """A Message in ``minimal``, ``metadata``, ``full`` or ``raw`` format, keys in Gmail's order."""
    out: dict = {"id": msg.id, "threadId": msg.thread_id}
    if msg.label_ids:
        out["labelIds"] = sorted(msg.label_ids, key=_label_order)
    out["snippet"] = msg.snippet
    if fmt == "metadata":
        root = tree(msg)
        wanted = {h.lower() for h in metadata_headers or []}
        headers = [{"name": n, "value": v} for n, v in root.headers if not wanted or n.lower() in wanted]
        out["payload"] = {"mimeType": root.mime_type, "headers": headers}
    elif fmt == "full":
        out["payload"] = part_resource(msg, tree(msg))
    out["sizeEstimate"] = msg.size_estimate
    if fmt == "raw":
        out["raw"] = b64url(msg.raw)
    out["historyId"] = str(msg.history_id)
    out["internalDate"] = str(msg.internal_date)
    return out


def label_stub(msg: Message) -> dict:
    """What modify, trash and untrash answer with."""
    out: dict = {"id": msg.id, "threadId": msg.thread_id}
    if msg.label_ids:
        out["labelIds"] = sorted(msg.label_ids, key=_label_order)
    return out


def _label_order(lid: str) -> tuple[int, str]:
    """User labels after system ones, each in a stable order."""
    return (1 if lid.startswith("Label_") else 0, lid)


def thread_resource(thread_id: str, msgs: list[Message], fmt: str, metadata_headers: list[str] | None) -> dict:
    return {"id": thread_id, "historyId": str(max(m.history_id for m in msgs)),
            "messages": [message_resource(m, fmt, metadata_headers) for m in msgs]}


def label_resource(box: Mailbox, label_id: str, counts: bool) -> dict:
    out = box.labels[label_id].resource()
    if counts:
        out.update(box.label_counts(label_id))
    return out


# -- pages ------------------------------------------------------------------------------------------------
def page_token(internal_date: int, item_id: str) -> str:
    """An opaque token naming the last item served; the next page starts after it in newest-first order,
    so a page is never skipped or repeated when messages are added or deleted between calls."""
    return base64.urlsafe_b64encode(f"{internal_date}:{item_id}".encode()).decode().rstrip("=")


def read_page_token(token: str) -> tuple[int, str] | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        date, _, item = text.partition(":")
        return int(date), item
    except (ValueError, UnicodeDecodeError):
        return None
