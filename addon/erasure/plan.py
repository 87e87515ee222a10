"""The erasure plan: one action per found item, the exemptions that keep items (and why), counts, and the
warnings a DPO must read before approving (what will persist after "deletion", and for how long).

Pure: search items + the policy + what was read at planning time (label names, the sheet rows about the
subject now) in, a JSON-able plan out. Its canonical JSON's SHA-256 is what the DPO approves; re-planning
to the same content gives the same hash, so an approval stays valid only for exactly what was approved.

Decisions (README "Erasure"):
* Gmail message: ``trash`` (default) or ``delete`` (policy ``permanent_delete``).
* Drive file: ``trash``/``delete``. A Google Doc or Slides file is only *erased* when it is about the subject,
  which cannot be told from a mention automatically: a Doc whose name names the subject is treated as about
  them; any other matching Doc is ``redact_manually`` (someone edits the subject out) unless the policy says
  ``google_docs = "trash"``. Other files (PDFs, images, logs) are trashed.
* Sheet rows: ``delete_row`` or ``redact_cells`` (per spreadsheet in the policy), identified by content
  (:mod:`addon.erasure.rows`), never by row number.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Mapping, Sequence

from audit.canonical import canonical_json

from ..cases.store import item_key
from .exemptions import Policy
from .rows import SheetRow
from . import workspace

FORMAT = "dsar-erasure-plan/1"
GOOGLE_TEXT = frozenset({"application/vnd.google-apps.document", "application/vnd.google-apps.presentation"})
TRASH_DAYS = 30  # Gmail and Drive empty Trash after 30 days
ADMIN_RESTORE_DAYS = 25  # a super admin can restore permanently deleted mail and files for 25 days

Rows = Mapping[tuple[str, str], Sequence[SheetRow] | None]


def canonical(plan: Mapping[str, Any]) -> bytes:
    return canonical_json(dict(plan), where="plan")


def plan_hash(plan: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(plan)).hexdigest()


def item_id(entry: Mapping[str, Any]) -> str:
    """The Google id an entry is about (message id, file id, or file id › tab › row fingerprint)."""
    if entry["source"] == "gmail":
        return entry["message_id"]
    if entry["source"] == "drive":
        return entry["file_id"]
    if entry["source"] in workspace.SOURCES:
        return workspace.item_ref(entry)
    tail = entry.get("row_sha256", "")[:16] or f"row {entry.get('row')}"
    return f"{entry['file_id']}/{entry['sheet']}/{tail}"


def build_plan(ref: str, items: Iterable[Mapping[str, Any]], policy: Policy, *,
               labels: Mapping[str, Mapping[str, str]], sheet_rows: Rows,
               names_subject: Callable[[str], bool]) -> dict:
    """``labels``: account -> {label id: name}; ``sheet_rows``: (file id, tab) -> the rows about the
    subject now (None if the tab could not be read); ``names_subject``: does this file name name them?"""
    items = sorted(items, key=item_key)
    actions: list[dict] = []
    exempt: list[dict] = []
    warnings: list[dict] = []
    tabs: dict[tuple[str, str], list[Mapping]] = defaultdict(list)
    for it in items:
        if it.get("unreadable"):  # not confirmed as about the subject: never erased automatically
            warnings.append(_unreadable_warning(it))
            continue
        names = labels.get(it.get("account", ""), {})
        rule = policy.exemption_for(it, names)
        if rule is not None:
            exempt.append({**_summary(it, names), "reason": rule.reason, "basis": rule.basis,
                           "detail": rule.detail, "rule": rule.rule})
        elif it["source"] == "gmail":
            actions.append({**_summary(it, names), "action": "delete" if policy.permanent_delete else "trash"})
        elif it["source"] == "drive":
            actions.append(_drive_action(it, policy, names_subject))
        elif it["source"] in workspace.SOURCES:  # Calendar, Contacts, Chat, Forms
            actions.append(workspace.plan_action(it))
        else:
            tabs[(it["file_id"], it["sheet"])].append(it)
    for (file_id, sheet), found in sorted(tabs.items()):
        actions += _sheet_actions(found, sheet_rows.get((file_id, sheet)), policy, warnings)
    actions.sort(key=lambda a: a["key"])
    plan = {"format": FORMAT, "case": ref, "policy": policy.to_json(), "actions": actions, "exempt": exempt,
            "counts": counts(actions, exempt)}
    core = [a for a in actions if a["source"] not in workspace.SOURCES]
    plan["warnings"] = warnings + _persistence_warnings(core, exempt, policy) + workspace.persistence_warnings(
        [a for a in actions if a["source"] in workspace.SOURCES])
    return plan


def _summary(it: Mapping[str, Any], label_names: Mapping[str, str]) -> dict:
    base = {"key": item_key(dict(it)), "source": it["source"], "account": it["account"]}
    if it["source"] == "gmail":
        ids = list(it.get("labels", []))
        shown = {k: it[k] for k in ("from", "date", "subject") if it.get(k)}  # for the DPO's screen (sealed plan)
        return {**base, "message_id": it["message_id"], "rfc822_message_id": it.get("rfc822_message_id") or "",
                "labels": sorted(label_names.get(i, i) for i in ids), "in_trash": "TRASH" in ids, **shown}
    common = {**base, "file_id": it["file_id"], "name": it.get("name", ""), "path": it.get("path", "")}
    if it["source"] == "drive":
        rows = {"sheet": it["sheet"], "row": it["row"]} if "row" in it else {}  # a row of an uploaded table
        return {**common, "mime_type": it.get("mime_type", ""), "in_trash": bool(it.get("trashed")), **rows}
    return {**common, "sheet": it["sheet"], "row": it["row"]}


def _unreadable_warning(it: Mapping[str, Any]) -> dict:
    why = it["unreadable"]
    if it["source"] == "gmail":
        where = f"{it['account']}: message {it.get('rfc822_message_id') or it['message_id']}" + (
            f", attachment {why['attachment']}" if why.get("attachment") else "")
    else:
        where = f"{it['account']}: {it.get('path') or it.get('name') or it['file_id']}"
    return {"code": "unreadable", "message": f"{where}: could not be read automatically ({why.get('reason', '')}); "
            f"{why.get('check', 'check it by hand')}. It is not in this plan: erase it by hand if it is about the subject."}


def _drive_action(it: Mapping[str, Any], policy: Policy, names_subject: Callable[[str], bool]) -> dict:
    erase = "delete" if policy.permanent_delete else "trash"
    entry = _summary(it, {})
    if entry["mime_type"] not in GOOGLE_TEXT:
        return {**entry, "action": erase, "why": "a file, not a Google Doc: erased whole"}
    if names_subject(entry["name"]):
        return {**entry, "action": erase, "why": "a Google Doc named after the subject: about them"}
    if policy.google_docs == "trash":
        return {**entry, "action": erase, "why": "a Google Doc mentioning the subject; the policy erases these"}
    return {**entry, "action": "redact_manually",
            "why": "a Google Doc that mentions the subject: edit them out by hand, then run 'dsar erase verify'"}


def _sheet_actions(found: list[Mapping[str, Any]], now: Sequence[SheetRow] | None, policy: Policy,
                   warnings: list[dict]) -> list[dict]:
    first = found[0]
    where = f"{first.get('path') or first.get('name')} › {first['sheet']}"
    if now is None:
        warnings.append({"code": "sheet_unreadable", "message": f"{where}: the tab could not be read now (deleted or "
                         f"renamed since the search?); its {len(found)} row(s) are not in this plan. Search again."})
        return []
    handling = policy.sheet_handling(first)
    if len(now) != len(found):
        warnings.append({"code": "sheet_changed", "message": f"{where}: the search found {len(found)} row(s) about the "
                         f"subject, {len(now)} match now; the plan uses what the sheet holds now."})
    elif sorted(r.row for r in now) != sorted(int(i["row"]) for i in found):
        warnings.append({"code": "sheet_rows_moved", "message": f"{where}: the rows have moved since the search "
                         "(sorted or edited); they are identified by content, not by number."})
    seen: Counter[str] = Counter()
    out = []
    for r in now:
        k = seen[r.sha256]
        seen[r.sha256] += 1
        out.append({"key": f"sheets:{first['file_id']}:{first['sheet']}:{r.sha256[:16]}:{k}", "source": "sheets",
                    "account": first["account"], "file_id": first["file_id"], "name": first.get("name", ""),
                    "path": first.get("path", ""), "sheet": first["sheet"], "row": r.row, "row_sha256": r.sha256,
                    "cells": list(r.cells), "action": "delete_row" if handling == "delete_rows" else "redact_cells"})
    return out


def counts(actions: Sequence[Mapping[str, Any]], exempt: Sequence[Mapping[str, Any]]) -> dict:
    by: dict[str, Counter] = defaultdict(Counter)
    for a in actions:
        by[a["source"]][a["action"]] += 1
    ex = Counter(e["source"] for e in exempt)
    return {"actions": {src: dict(sorted(c.items())) for src, c in sorted(by.items())},
            "exempt": dict(sorted(ex.items())), "total_actions": len(actions), "total_exempt": len(exempt),
            "manual": sum(1 for a in actions if a["action"] == "redact_manually")}


def _persistence_warnings(actions: Sequence[Mapping[str, Any]], exempt: Sequence[Mapping[str, Any]],
                          policy: Policy) -> list[dict]:
    w: list[dict] = []
    acts = Counter(a["action"] for a in actions)
    if acts["trash"]:
        w.append({"code": "trash_window", "message": (
            f"{acts['trash']} message(s)/file(s) go to their owner's Trash: they stay there for {TRASH_DAYS} days "
            f"(the owner can restore them) before Google deletes them, and a Workspace admin can restore them for "
            f"{ADMIN_RESTORE_DAYS} days after that. The certificate lists them under 'persists until'.")})
    if acts["delete"]:
        w.append({"code": "admin_restore", "message": (
            f"{acts['delete']} item(s) are deleted permanently (no Trash), but a Workspace super admin can still "
            f"restore deleted mail and Drive files for {ADMIN_RESTORE_DAYS} days; after that Google purges them.")})
    if acts["redact_manually"]:
        w.append({"code": "manual_redaction", "message": (
            f"{acts['redact_manually']} Google Doc(s) mention the subject but are not about them: they are NOT "
            "changed by the run. Edit the subject out by hand; 'dsar erase verify' passes only once they no "
            "longer match.")})
    already = sum(1 for a in actions if a.get("in_trash"))
    if already:
        w.append({"code": "already_in_trash", "message": (
            f"{already} item(s) were already in Trash before this plan (someone else trashed them); they are "
            "included and persist until their own 30-day Trash period ends.")})
    held = [v for v in policy.vault if v.kind == "hold"]
    kept = [v for v in policy.vault if v.kind == "retention"]
    for v in held:
        w.append({"code": "vault_hold", "message": (
            f"Google Vault hold {v.name!r} ({v.corpus}): held data is kept by Google after deletion until the hold "
            "is released, whatever this plan does. Check whether the subject's accounts are covered.")})
    for v in kept:
        w.append({"code": "vault_retention", "message": (
            f"Google Vault retention rule {v.name!r} keeps deleted {v.corpus} for {v.days} days from sending or "
            "creation; Vault users can still find it until then. Record this in the reply to the subject.")})
    if not policy.vault:
        w.append({"code": "vault_unknown", "message": (
            "No Google Vault rules are declared in the erasure policy. If the organisation uses Vault, its retention "
            "rules and holds keep 'deleted' mail and files beyond Trash (holds override deletion); declare them "
            "under [[vault]] so the plan and certificate say so.")})
    if exempt:
        reasons = Counter(e["reason"] for e in exempt)
        w.append({"code": "exempt", "message": f"{len(exempt)} item(s) are kept under exemptions: "
                  + ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in sorted(reasons.items()))
                  + ". Tell the subject which, and why (Art. 12(4))."})
    if not policy.source and not policy.exemptions:
        w.append({"code": "no_policy", "message": (
            "No erasure policy is configured (DSAR_ERASURE_POLICY): no exemptions apply, everything found is erased.")})
    w.append({"code": "recipients", "message": (
        "If any of this data was disclosed to other organisations, tell them about the erasure (Art. 19).")})
    return w
