"""The rectification plan (Art. 16): every place that holds a wrong value about the subject, and what is
done there. Pure: the two searches' items (the subject's, run 0; the wrong values', run 2), the sheet tabs as
they are now and the recipients found in, a JSON-able plan out. Its canonical SHA-256 is what the DPO
approves (:func:`addon.erasure.plan.plan_hash`), as for erasure.

Where a wrong value is, and what happens to it:
* sheet cell in a row about the subject: ``update_cells`` (RAW; the row is found again by content at run time);
* Google Doc or Slides file about the subject: ``edit_manually`` with a link (the API cannot safely rewrite
  a person's prose); any other Drive file (PDF, upload): ``replace_manually``;
* Gmail message: ``cannot_edit`` (a sent or received message cannot be changed), recorded as a note;
* a place holding the wrong value that does not mention the subject: listed under ``review`` and not changed
  (the same postcode or number may be someone else's).
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from ..cases.store import item_key
from ..erasure.plan import GOOGLE_TEXT
from ..erasure.rows import column, row_sha256
from .corrections import Correction, fix_cell

FORMAT = "dsar-rectification-plan/1"
GMAIL_NOTE = ("Gmail messages cannot be edited: the wrong value stays in this message. The case records it, "
              "and the corrected value is the one the organisation uses from now on.")

Tabs = Mapping[tuple[str, str], Sequence[Sequence[Any]] | None]


def doc_link(file_id: str, mime: str) -> str:
    if mime == "application/vnd.google-apps.presentation":
        return f"https://docs.google.com/presentation/d/{file_id}/edit"
    if mime == "application/vnd.google-apps.document":
        return f"https://docs.google.com/document/d/{file_id}/edit"
    return f"https://drive.google.com/file/d/{file_id}/view"


def sheet_link(file_id: str, row: int) -> str:
    return f"https://docs.google.com/spreadsheets/d/{file_id}/edit#range=A{row}"


def _base(it: Mapping[str, Any]) -> dict:
    out = {"key": item_key(dict(it)), "source": it["source"], "account": it["account"]}
    if it["source"] == "gmail":
        out.update(message_id=it["message_id"], rfc822_message_id=it.get("rfc822_message_id") or "",
                   **{k: it[k] for k in ("from", "date", "subject") if it.get(k)})
    else:
        out.update(file_id=it["file_id"], name=it.get("name", ""), path=it.get("path", ""),
                   mime_type=it.get("mime_type", ""))
    return out


def _file_action(it: Mapping[str, Any]) -> dict:
    entry = _base(it)
    if it["source"] == "gmail":
        return {**entry, "action": "cannot_edit", "note": GMAIL_NOTE}
    mime = it.get("mime_type", "")
    if mime in GOOGLE_TEXT and "row" not in it:
        return {**entry, "action": "edit_manually", "link": doc_link(it["file_id"], mime),
                "note": "edit the wrong value by hand (the link opens the Doc), then run 'dsar rectify verify'"}
    return {**entry, "action": "replace_manually", "link": doc_link(it["file_id"], mime),
            "note": "a file the tool cannot edit: replace it with a corrected copy by hand"}


def sheet_entries(file_meta: Mapping[str, Any], tab: str, rows: Sequence[Sequence[Any]], corrections: Sequence[Correction],
                  subject_matcher: Any) -> tuple[list[dict], list[dict]]:
    """(update_cells actions, review entries) for one tab as it is now. Row 1 is the header."""
    matchers = [c.matcher for c in corrections]
    header = [str(c) for c in rows[0]] if rows else None
    actions, review = [], []
    seen: Counter[str] = Counter()
    for n, values in enumerate(rows, start=1):
        cells = ["" if v is None else str(v) for v in values]
        fixes = []
        for col, cell in enumerate(cells):
            got = fix_cell(cell, corrections, matchers) if cell else None
            if got:
                fixes.append({"col": col, "a1": f"{column(col)}{n}", "before": cell, "after": got[0],
                              "corrections": got[1]})
        if not fixes:
            continue
        sha = row_sha256(values)
        k = seen[sha]
        seen[sha] += 1
        entry = {"key": f"sheets:{file_meta['file_id']}:{tab}:{sha[:16]}:{k}", "source": "sheets",
                 "account": file_meta["account"], "file_id": file_meta["file_id"], "name": file_meta.get("name", ""),
                 "path": file_meta.get("path", ""), "sheet": tab, "row": n, "row_sha256": sha,
                 "link": sheet_link(file_meta["file_id"], n)}
        if subject_matcher.match_row(cells, None if n == 1 else header):
            actions.append({**entry, "action": "update_cells", "cells": fixes, "values": cells})  # values: to re-find it once corrected
        else:
            review.append({**entry, "action": "check_by_hand", "cells": [{k2: f[k2] for k2 in ("col", "a1")} for f in fixes],
                           "note": "holds a wrong value but does not mention the subject: someone else's? not changed"})
    return actions, review


def build_plan(ref: str, corrections: Sequence[Correction], about: Iterable[str], found: Iterable[Mapping[str, Any]],
               tabs: Tabs, subject_matcher: Any, recipients: Sequence[Mapping[str, Any]] = ()) -> dict:
    """``about``: item keys of the subject's own search; ``found``: the wrong-value search's items;
    ``tabs``: (file id, tab) -> the tab's values now (None: could not be read)."""
    about = set(about)
    actions: list[dict] = []
    review: list[dict] = []
    warnings: list[dict] = []
    sheet_files: dict[tuple[str, str], Mapping[str, Any]] = {}
    for it in sorted(found, key=item_key):
        if it["source"] == "sheets":
            sheet_files.setdefault((it["file_id"], it["sheet"]), it)
            continue
        if item_key(dict(it)) in about:
            actions.append(_file_action(it))
        else:
            review.append({**_base(it), "action": "check_by_hand",
                           "note": "holds a wrong value but the subject's search did not find it: not changed"})
    for (fid, tab), meta in sorted(sheet_files.items()):
        rows = tabs.get((fid, tab))
        if rows is None:
            warnings.append({"code": "sheet_unreadable", "message": f"{meta.get('path') or fid} › {tab}: could not be "
                             "read now (deleted or renamed?); search again before approving."})
            continue
        a, r = sheet_entries(meta, tab, rows, corrections, subject_matcher)
        actions += a
        review += r
    actions.sort(key=lambda a: a["key"])
    review.sort(key=lambda a: a["key"])
    by = Counter(a["action"] for a in actions)
    counts = {"update_cells": by["update_cells"], "cells": sum(len(a["cells"]) for a in actions if a["action"] == "update_cells"),
              "edit_manually": by["edit_manually"] + by["replace_manually"], "cannot_edit": by["cannot_edit"],
              "review": len(review), "recipients": len(recipients)}
    if counts["edit_manually"]:
        warnings.append({"code": "manual_edit", "message": f"{counts['edit_manually']} Doc(s)/file(s) hold a wrong "
                         "value: they are NOT changed by the run; correct them by hand (links in the plan). "
                         "'dsar rectify verify' passes only once they no longer hold it."})
    if counts["cannot_edit"]:
        warnings.append({"code": "gmail", "message": f"{counts['cannot_edit']} message(s) hold a wrong value and cannot "
                         "be edited; the record says so."})
    if review:
        warnings.append({"code": "review", "message": f"{len(review)} place(s) hold a wrong value but do not mention "
                         "the subject; they are not changed. Check them by hand."})
    warnings.append({"code": "art19", "message": "Tell each recipient listed of the correction (Art. 19), unless "
                     "that is impossible or involves disproportionate effort; tell the subject who they are if asked."})
    return {"format": FORMAT, "case": ref, "corrections": [c.public() for c in corrections], "actions": actions,
            "review": review, "recipients": [dict(r) for r in recipients], "counts": counts, "warnings": warnings}


def expected_row(values: Sequence[Any], cells: Sequence[Mapping[str, Any]]) -> list[str]:
    """The row as it will read once its cells are corrected (a crashed run finds it by this)."""
    out = ["" if v is None else str(v) for v in values]
    for c in cells:
        while len(out) <= c["col"]:
            out.append("")
        out[c["col"]] = c["after"]
    return out
