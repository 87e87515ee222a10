"""What the reviewer reads before deciding: an item's text fetched from Google on request, through the
audited seam under an ``export`` purpose for the case (the same operations that copy items into the
package), returned to the page and never stored: no cache, no file, no log; the audit record holds the
call, not the content."""
from __future__ import annotations

from typing import Any

from audit.context import Purpose, acting
from scopes.registry import scopes_for_operations

from .. import extract
from ..export.package import LEGAL_BASIS
from ..search.content import message_text
from .groups import Group

MAX_CHARS = 20_000  # a preview, not the package: enough to decide
_HEADERS = ("from", "to", "cc", "date", "subject")


def _purpose(case, actor: str) -> Purpose:
    return Purpose(actor=actor, step="export", case=case.ref, case_status=case.status, legal_basis=LEGAL_BASIS,
                   purpose=f"Subject access request {case.ref}: show the reviewer an item before it is disclosed")


def _gmail(services, item: dict) -> dict[str, Any]:
    svc = services.clients.gmail(item["account"], scopes_for_operations(["gmail.export_raw"]))
    msg = svc.users().messages().get(userId="me", id=item["message_id"], format="full").execute()
    text = message_text(msg)
    return {"headers": {h: text.headers.get(h, "") for h in _HEADERS if text.headers.get(h)},
            "text": "\n\n".join(text.bodies), "attachments": list(text.filenames)}


def _drive(services, item: dict) -> dict[str, Any]:
    drive = services.clients.drive(item["account"], scopes_for_operations(["drive.package"]))
    meta = drive.files().get(fileId=item["file_id"], fields="id,name,mimeType,size", supportsAllDrives=True).execute()
    mime = meta.get("mimeType", "")
    if mime.startswith("application/vnd.google-apps."):
        data = drive.files().export(fileId=item["file_id"], mimeType="text/plain").execute()
        body = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        return {"headers": {"file": item.get("path") or meta.get("name", "")}, "text": body}
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
    return {"headers": {"file": item.get("path", "")}, "text": got.all_text()}


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
    return {"headers": {"sheet": f"{item.get('path', '')} › {item['sheet']} › row {item['row']}"}, "text": "\n".join(pairs)}


def fetch_preview(services, case, group: Group, actor: str) -> dict[str, Any]:
    """The primary copy's text, cut to :data:`MAX_CHARS`. Raises what Google raises (the page says so)."""
    item = group.primary
    fetch = {"gmail": _gmail, "drive": _drive, "sheets": _sheets}.get(item.get("source"))
    if fetch is None:
        return {"headers": {}, "text": "", "note": f"no preview for {item.get('source')} items yet"}
    with acting(_purpose(case, actor)):
        out = fetch(services, item)
    text = out.get("text", "")
    if len(text) > MAX_CHARS:
        out["text"] = text[:MAX_CHARS] + "\n…"
        out["note"] = f"first {MAX_CHARS:,} characters shown"
    return out
