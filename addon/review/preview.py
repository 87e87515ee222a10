"""What the reviewer reads before deciding: an item's text fetched from Google on request, through the
audited seam under an ``export`` purpose for the case (the same operations that copy items into the
package), returned to the page and never stored: no cache, no file, no log; the audit record holds the
call, not the content."""
from __future__ import annotations

import base64
from typing import Any

from audit.context import Purpose, acting
from scopes.registry import scopes_for_operations

from .. import extract
from ..errors import DsarError
from ..export.package import LEGAL_BASIS
from ..redaction.mailview import mail_view
from ..redaction.model import Part
from .groups import Group
from .proposed import proposed_view

MAX_CHARS = 20_000  # a preview, not the package: enough to decide
_HEADERS = ("from", "to", "cc", "date", "subject")


def _purpose(case, actor: str) -> Purpose:
    return Purpose(actor=actor, step="export", case=case.ref, case_status=case.status, legal_basis=LEGAL_BASIS,
                   purpose=f"Subject access request {case.ref}: show the reviewer an item before it is disclosed")


def _gmail(services, item: dict) -> dict[str, Any]:
    """The message in raw form, as the package copies it, read as the redacted copy reads it
    (:func:`addon.redaction.mailview.mail_view`), so the proposed redactions are the package's."""
    svc = services.clients.gmail(item["account"], scopes_for_operations(["gmail.export_raw"]))
    msg = svc.users().messages().get(userId="me", id=item["message_id"], format="raw").execute()
    raw = base64.urlsafe_b64decode(str(msg.get("raw", "")) + "=" * (-len(str(msg.get("raw", ""))) % 4))
    view = mail_view(raw)
    headers = {h.lower(): "\n".join(v) for h, v in view.headers.items() if v}
    if view.date:
        headers["date"] = view.date
    labels = {p.name: _label(p.name, view) for p in view.parts}
    return {"headers": {h: headers[h] for h in _HEADERS if h in headers}, "text": view.text("body"),
            "attachments": [p.text for p in view.parts if p.name.startswith("attachment-name:")],
            "_parts": view.parts, "_raw": raw, "_labels": labels}


def _label(name: str, view) -> str:
    kind, _, n = name.partition(":")
    if kind == "header":
        return n
    if kind == "body":
        return "Text"
    if kind == "attachment-name":
        return f"Attachment {n}: name"
    return f"Attachment {n}: " + view.text(f"attachment-name:{n}")


def _drive(services, item: dict) -> dict[str, Any]:
    drive = services.clients.drive(item["account"], scopes_for_operations(["drive.package"]))
    meta = drive.files().get(fileId=item["file_id"], fields="id,name,mimeType,size", supportsAllDrives=True).execute()
    mime = meta.get("mimeType", "")
    if mime.startswith("application/vnd.google-apps."):
        data = drive.files().export(fileId=item["file_id"], mimeType="text/plain").execute()
        body = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        return {"headers": {"file": item.get("path") or meta.get("name", "")}, "text": body,
                "_parts": [Part("content", body)], "_labels": {"content": "Text"}}
    data = drive.files().get_media(fileId=item["file_id"], supportsAllDrives=True).execute()
    try:
        got = extract.extract(data, mime, meta.get("name", ""))
    except extract.Unreadable as e:
        return {"headers": {"file": item.get("path", "")}, "text": "", "note": f"cannot be shown: {e}"}
    if got is None:
        return {"headers": {"file": item.get("path", "")}, "text": "", "note": "no reader for this kind of file here"}
    if "row" in item and got.rows:
        row = next((r for r in got.rows if r.row == item["row"] and r.sheet == item.get("sheet", r.sheet)), None)
        if row is not None:
            return {"headers": {"file": item.get("path", ""), "row": str(item["row"])}, "text": "\t".join(row.cells)}
    text = got.all_text()
    return {"headers": {"file": item.get("path", "")}, "text": text, "_parts": [Part("content", text)],
            "_labels": {"content": "Text"}}


def _sheets(services, item: dict) -> dict[str, Any]:
    sheets = services.clients.sheets(item["account"], scopes_for_operations(["sheets.package"]))
    tab = "'" + str(item["sheet"]).replace("'", "''") + "'"
    resp = sheets.spreadsheets().values().batchGet(
        spreadsheetId=item["file_id"], ranges=[f"{tab}!1:1", f"{tab}!{item['row']}:{item['row']}"],
        valueRenderOption="FORMATTED_VALUE", majorDimension="ROWS").execute()
    vals = [(vr.get("values") or [[]])[0] for vr in resp.get("valueRanges", [])]
    header, row = (vals + [[], []])[:2]
    pairs = [f"{h or '(column ' + str(n + 1) + ')'}: {c}" for n, (h, c) in
             enumerate(zip(list(header) + [""] * max(0, len(row) - len(header)), row)) if str(c).strip()]
    names = [h or f"(column {n + 1})" for n, h in enumerate(list(header) + [""] * max(0, len(row) - len(header)))]
    return {"headers": {"sheet": f"{item.get('path', '')} › {item['sheet']} › row {item['row']}"},
            "text": "\n".join(pairs),
            "_parts": [Part(f"cell:{n}", str(c)) for n, c in enumerate(row)],
            "_labels": {f"cell:{n}": names[n] for n in range(len(row))}}


def fetch_preview(services, case, group: Group, actor: str, *, redactions: bool = True) -> dict[str, Any]:
    """The primary copy's text, cut to :data:`MAX_CHARS`, and (``parts``) each piece of it with the
    redactions the package would make. Raises what Google raises (the page says so)."""
    item = group.primary
    fetch = {"gmail": _gmail, "drive": _drive, "sheets": _sheets}.get(item.get("source"))
    if fetch is None:
        return {"headers": {}, "text": "", "note": f"no preview for {item.get('source')} items yet"}
    with acting(_purpose(case, actor)):
        out = fetch(services, item)
        parts, raw, labels = out.pop("_parts", None), out.pop("_raw", None), out.pop("_labels", None)
        if parts is not None and redactions:
            try:  # what the package would hide: proposed now, staff's changes applied (addon/review/proposed.py)
                out["parts"] = proposed_view(services, case, group, parts, raw=raw, labels=labels, limit=MAX_CHARS)
            except DsarError as e:  # e.g. the directory cannot be read: the text is still shown, and why not
                out["redaction_error"] = str(e)
    text = out.get("text", "")
    if len(text) > MAX_CHARS:
        out["text"] = text[:MAX_CHARS] + "\n…"
        out["note"] = f"first {MAX_CHARS:,} characters shown"
    return out
