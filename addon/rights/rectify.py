"""``dsar rectify plan`` and ``approve``: search for the wrong values as well as the subject, read the
tabs that hold them as they are now, find who received them (Art. 19), store the plan sealed under the case
key and move the case to ``rectification_planned``; the DPO approves exactly that plan by its SHA-256."""
from __future__ import annotations

import email.utils
import re
from collections import defaultdict
from typing import Callable, Iterable

from audit.context import acting
from scopes import registry

from ..cases.store import item_key, now_iso
from ..erasure.casefile import move_to_planned
from ..erasure.plan import plan_hash
from ..erasure.snapshot import SheetsApi, read_book
from ..errors import InputError
from ..roles import require
from ..subjects.matching import Matcher
from .casework import approval, check_case, details, load_sealed, purpose, save_sealed, search_for
from .corrections import Correction, parse, search_subject
from .errors import NotApproved, RightsError
from .rectify_plan import build_plan

TYPES = ("rectification",)
WRONG_RUN = 2  # search run of the wrong values (run 0: the subject's own search; 1: erasure's verification)
PLANNABLE = ("review", "rectification_planned", "plan_approved")
APPROVED_OR_LATER = ("plan_approved", "rectification_partial", "rectified", "verified", "closed")
MIN_HASH_DIGITS = 12
_HEX = re.compile(r"^[0-9a-f]+$")


def plan_job(ref: str) -> str:
    return f"rectify-plan:{ref}"


def corrections_of(case) -> list[Correction]:
    return parse(details(case).get("corrections") or [])


def load_plan(store, ref: str) -> tuple[dict, str, dict]:
    found = load_sealed(store, plan_job(ref), ref)
    if found is None:
        raise RightsError(f"case: {ref} has no rectification plan yet; run 'dsar rectify plan {ref}' first")
    data = found[1]
    sha = plan_hash(data["plan"])
    if sha != data["sha256"]:
        raise RightsError(f"case: {ref}'s stored plan does not match its recorded hash; make a new plan "
                          f"('dsar rectify plan {ref}') and have it approved again")
    return data["plan"], sha, {"by": data["by"], "at": data["at"]}


def approved(case) -> dict | None:
    return approval(case, "plan_approved", APPROVED_OR_LATER)


def read_tabs(services, tabs: dict[str, tuple[str, set[str]]], p) -> dict[tuple[str, str], list | None]:
    """file id -> (owner, tab titles) in; (file id, tab) -> the tab's values now out (search step, read-only)."""
    out: dict[tuple[str, str], list | None] = {}
    with acting(p):
        for fid, (owner, titles) in sorted(tabs.items()):
            api = SheetsApi(services.clients.sheets(owner, registry.scopes_for_operations(("sheets.read",))))
            for title, values in read_book(api, fid, titles)[1].items():
                out[(fid, title)] = values
    return out


def tabs_of(items: Iterable[dict]) -> dict[str, tuple[str, set[str]]]:
    owners: dict[str, str] = {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for it in items:
        if it["source"] == "sheets":
            owners.setdefault(it["file_id"], it["account"])
            wanted[it["file_id"]].add(it["sheet"])
    return {fid: (owners[fid], titles) for fid, titles in wanted.items()}


def _domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def find_recipients(services, case, actions: list[dict], p) -> list[dict]:
    """Who outside the organisation received a wrong value (Art. 19): the external To/Cc/Bcc of the
    organisation's own messages that hold it, and whoever outside the domain a file holding it is shared with."""
    domain = (services.settings.domain or "").lower()
    subject_emails = {e.lower() for e in case.subject.emails}
    found: dict[str, dict] = {}

    def add(who: str, how: str, key: str) -> None:
        entry = found.setdefault(who, {"recipient": who, "how": set(), "items": set()})
        entry["how"].add(how)
        entry["items"].add(key)

    gmail = [a for a in actions if a["source"] == "gmail"]
    files = [a for a in actions if a["source"] in ("drive", "sheets")]
    with acting(p):
        for acct in sorted({a["account"] for a in gmail}):
            svc = services.clients.gmail(acct, registry.scopes_for_operations(("gmail.read_metadata",)))
            for a in (x for x in gmail if x["account"] == acct):
                msg = svc.users().messages().get(userId="me", id=a["message_id"], format="metadata",
                                                 metadataHeaders=["From", "To", "Cc", "Bcc"]).execute()
                heads = {h["name"].lower(): h["value"] for h in msg.get("payload", {}).get("headers", [])}
                sender = [e.lower() for _, e in email.utils.getaddresses([heads.get("from", "")]) if e]
                if not sender or _domain_of(sender[0]) != domain:
                    continue  # received, not disclosed by the organisation
                for _, addr in email.utils.getaddresses([heads.get(k, "") for k in ("to", "cc", "bcc")]):
                    addr = addr.lower()
                    if addr and _domain_of(addr) != domain and addr not in subject_emails:
                        add(addr, "emailed", a["key"])
        for acct in sorted({a["account"] for a in files}):
            drive = services.clients.drive(acct, registry.scopes_for_operations(("drive.permissions_check",)))
            for fid, key in sorted({(a["file_id"], a["key"]) for a in files if a["account"] == acct}):
                perms = drive.permissions().list(fileId=fid, supportsAllDrives=True,
                                                 fields="permissions(type,emailAddress,domain,role)").execute()
                for perm in perms.get("permissions", []):
                    if perm.get("type") == "anyone":
                        add("anyone with the link", "shared", key)
                    elif perm.get("type") == "domain" and (perm.get("domain") or "").lower() != domain:
                        add(f"the domain {perm['domain'].lower()}", "shared", key)
                    elif perm.get("emailAddress") and _domain_of(perm["emailAddress"]) != domain:
                        add(perm["emailAddress"].lower(), "shared", key)
    return [{"recipient": e["recipient"], "how": sorted(e["how"]), "items": sorted(e["items"])}
            for _, e in sorted(found.items())]


def plan_rectification(services, ref: str, actor: str, *, on_progress: Callable | None = None) -> dict:
    """Plan (or re-plan) the case's rectification. Returns {"plan", "sha256", "status", "changed", "withdrawn"}."""
    role = require(actor, services.settings, "staff", "dpo", action="planning a rectification")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, TYPES, "a rectification plan")
    if case.status not in PLANNABLE:
        hint = (f"run 'dsar search {ref}' and let it finish first" if case.status in ("received", "identity_check", "searching")
                else f"the rectification has run; use 'dsar rectify verify {ref}'")
        raise RightsError(f"case: {ref} is {case.status}; a plan is made from a finished search ({hint})")
    corrections = corrections_of(case)
    about = {item_key(i) for i in store.results(ref, 0)}
    found = search_for(services, case, actor, search_subject(corrections), WRONG_RUN, "find the wrong value(s) to correct",
                       on_progress)
    p = purpose(case, actor, "search", "plan the rectification (current sheet rows, recipients)")
    tabs = read_tabs(services, tabs_of(found), p)
    draft = build_plan(ref, corrections, about, found, tabs, Matcher(case.subject))
    recipients = find_recipients(services, case, draft["actions"], p)
    plan = build_plan(ref, corrections, about, found, tabs, Matcher(case.subject), recipients)
    sha = plan_hash(plan)
    try:
        before = load_plan(store, ref)[1]
    except RightsError:
        before = None
    save_sealed(store, plan_job(ref), ref, "rectify-plan", "planned", {"plan": plan, "sha256": sha, "by": actor,
                                                                        "at": now_iso()})
    got = approved(case)
    case, withdrawn = move_to_planned(store, case, actor, role, sha=sha, before=before,
                                      approved_sha=got["sha256"] if got else None,
                                      planned="rectification_planned", approved="plan_approved")
    return {"ref": ref, "plan": plan, "sha256": sha, "status": case.status, "changed": before != sha,
            "withdrawn": withdrawn}


def approve_rectification(services, ref: str, actor: str, *, expected: str | None) -> dict:
    """The DPO's sign-off of the stored plan, given its hash (or 12+ leading hex digits) as they reviewed it."""
    role = require(actor, services.settings, "dpo", action="approving a rectification plan")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, TYPES, "approval")
    plan, sha, meta = load_plan(store, ref)
    want = (expected or "").strip().lower().removeprefix("sha256:")
    if len(want) < MIN_HASH_DIGITS or not _HEX.match(want):
        raise InputError("--hash", f"give the plan's SHA-256 (at least its first {MIN_HASH_DIGITS} hex digits) as "
                                   f"shown by 'dsar rectify plan {ref} --show', to confirm the plan you reviewed")
    if not sha.startswith(want):
        raise NotApproved(f"--hash: the stored plan is sha256:{sha[:16]}…, not {expected!r}; "
                          f"review it again with 'dsar rectify plan {ref} --show'")
    current = approved(case)
    if current and current["sha256"] == sha:
        return {"ref": ref, "sha256": sha, "approved_by": current["by"], "at": current["at"], "already": True}
    if case.status != "rectification_planned":
        raise RightsError(f"case: {ref} is {case.status}; only a planned rectification can be approved")
    case = store.transition(ref, "plan_approved", actor, role, reason=f"plan sha256:{sha}")
    got = approved(case)
    return {"ref": ref, "sha256": sha, "approved_by": got["by"], "at": got["at"], "already": False,
            "planned_by": meta["by"], "counts": plan["counts"]}
