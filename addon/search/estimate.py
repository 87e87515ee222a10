"""``dsar search REF --estimate``: how big the search will be, before any message or file is read.

Only list calls, through the seam under the search step's own operations (``gmail.search``:
``messages.list`` with ``resultSizeEstimate``, one small page per query; ``drive.search``: ``files.list``
counts, ids and sizes only; ``drives.list`` for the shared drives). From the counts, the quota plan
(:mod:`addon.scale.quota_plan`): units per API, the binding project quota, the bound and the ETA. The
estimate is kept in the case's job rows (``estimate:REF``: counts only, no names, no subject data) for
the sidebar, the tracker and ``--plan``.
"""
from __future__ import annotations

import time
from typing import Callable

from audit.context import acting, map_acting
from scopes import registry
from scopes.quotas import EXPORT_LIMIT_BYTES

from ..queries import drive as drive_queries
from ..queries import gmail as gmail_queries
from ..queries.drive import literal
from ..roles import require
from ..errors import Conflict
from ..scale.quota_plan import Demand, drive_queries as drive_cost, mailbox_units, organisation_quotas, plan
from .drive import FOLDER, SHEET, list_shared_drives

JOB = "estimate:{ref}"
SHEETS_PER_FILE = 2  # spreadsheets.get + values.batchGet on the Sheets route


def _count_drive(svc, queries: list[str], owner: str, extra: dict) -> dict:
    """Candidate files (the union of the full-text queries), spreadsheets and those over the export limit."""
    calls, files_api = 0, svc.files()  # one resource: googleapiclient builds all its methods on each files()

    def ids(q: str, fields: str = "nextPageToken, files(id)") -> list[dict]:
        nonlocal calls
        out, token = [], None
        while True:
            resp = files_api.list(q=q, pageSize=1000, fields=fields, pageToken=token, spaces="drive", **extra).execute()
            calls += 1
            out += resp.get("files", [])
            token = resp.get("nextPageToken")
            if not token:
                return out

    files: set[str] = set()
    for q in queries:
        files.update(f["id"] for f in ids(f"{owner}({q})", "nextPageToken, files(id, mimeType)")
                     if f.get("mimeType") not in (FOLDER, SHEET))
    sheets = ids(f"{owner}mimeType = '{SHEET}'", "nextPageToken, files(id, size)")
    large = sum(1 for s in sheets if int(s.get("size") or 0) > EXPORT_LIMIT_BYTES)
    return {"files": len(files), "spreadsheets": len(sheets), "too_large_to_export": large, "calls": calls}


def _count_mail(svc, queries: list[str]) -> dict:
    total, messages = 0, svc.users().messages()
    for q in queries:
        resp = messages.list(userId="me", q=q, maxResults=1, includeSpamTrash=True,
                             fields="resultSizeEstimate").execute()
        total += int(resp.get("resultSizeEstimate") or 0)
    return {"messages": total, "calls": len(queries)}


def estimate(services, ref: str, actor: str, *, accounts: list[str] | None = None, workers: int = 8,
             on_progress: Callable[[int, int], None] = lambda done, total: None) -> dict:
    from .service import accounts_in_scope, search_purpose

    require(actor, services.settings, "staff", "dpo", action="estimating a search for a data subject")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    if case.subject is None:
        raise Conflict(f"case: {ref}'s identifiers were shredded; it cannot be searched again")
    purpose = search_purpose(case, actor, case.status)
    t0 = time.perf_counter()
    if accounts is None:
        accounts = accounts_in_scope(services, purpose)
    gq, dq = gmail_queries.queries_for(case.subject), drive_queries.queries_for(case.subject)
    gmail_scopes = registry.scopes_for_operations(("gmail.search",))
    drive_scopes = registry.scopes_for_operations(("drive.search",))
    with acting(purpose):
        shared = list_shared_drives(lambda a: services.clients.drive(a, registry.scopes_for_operations(("drives.list",))),
                                    accounts, workers)
    jobs: list[tuple[str, str, dict | None]] = [(a, k, None) for a in accounts for k in ("gmail", "drive")]
    jobs += [(d["account"], "shared", {"id": i, "name": d["name"]}) for i, d in shared.items()]
    done = [0]

    def one(job: tuple[str, str, dict | None]) -> tuple[str, str, dict]:
        acct, kind, sd = job
        if kind == "gmail":
            out = _count_mail(services.clients.gmail(acct, gmail_scopes), gq)
        elif kind == "drive":
            out = _count_drive(services.clients.drive(acct, drive_scopes), dq, literal(acct) + " in owners and ",
                               {"corpora": "user"})
        else:
            out = _count_drive(services.clients.drive(acct, drive_scopes), dq, "",
                               {"corpora": "drive", "driveId": sd["id"], "includeItemsFromAllDrives": True,
                                "supportsAllDrives": True})
        done[0] += 1
        on_progress(done[0], len(jobs))
        return acct, (f"shared:{sd['id']}" if sd else kind), out

    with acting(purpose):
        results = map_acting(one, jobs, workers)
    per_account: dict[str, dict] = {a: {} for a in accounts}
    shared_out: dict[str, dict] = {}
    demand = Demand(accounts=len(accounts))
    calls = len(accounts) + 1  # drives.list per account, users.list
    for acct, kind, out in results:
        calls += out["calls"]
        if kind == "gmail":
            per_account[acct]["gmail"] = out["messages"]
            units = mailbox_units(len(gq), out["messages"])
            demand.add("gmail", units, units)
            continue
        exportable = out["spreadsheets"] - out["too_large_to_export"]
        q = drive_cost(len(dq), out["files"], exportable)
        demand.add("drive", q, q)
        demand.add("sheets_read", out["too_large_to_export"] * SHEETS_PER_FILE, out["too_large_to_export"] * SHEETS_PER_FILE)
        counts = {"files": out["files"], "spreadsheets": out["spreadsheets"]}
        if kind == "drive":
            per_account[acct]["drive"] = counts
        else:
            shared_out[kind.split(":", 1)[1]] = counts
    limits = organisation_quotas(services.settings)
    p = plan(demand, limits)
    totals = {"gmail": sum(a.get("gmail", 0) for a in per_account.values()),
              "drive_files": sum(a.get("drive", {}).get("files", 0) for a in per_account.values())
              + sum(s["files"] for s in shared_out.values()),
              "spreadsheets": sum(a.get("drive", {}).get("spreadsheets", 0) for a in per_account.values())
              + sum(s["spreadsheets"] for s in shared_out.values()),
              "shared_drives": len(shared_out)}
    out = {"ref": ref, "accounts": len(accounts), "totals": totals, "per_account": per_account,
           "shared_drives": shared_out, "plan": p.as_dict(), "calls": calls,
           "elapsed_s": round(time.perf_counter() - t0, 2), "at": _now()}
    store.save_job(JOB.format(ref=ref), ref, "estimate", "done",
                   {k: out[k] for k in ("accounts", "totals", "plan", "calls", "elapsed_s", "at")})
    return out


def saved_estimate(store, ref: str) -> dict | None:
    """The case's last estimate (counts and plan), or None."""
    job = store.job(JOB.format(ref=ref.strip().upper()))
    return (job or {}).get("state") or None


def estimate_line(est: dict | None) -> str:
    """One line for the sidebar and the tracker: counts and the plan's ETA."""
    if not est:
        return ""
    t = est["totals"]
    return (f"about {t['gmail']:,} messages, {t['drive_files']:,} files, {t['spreadsheets']:,} spreadsheets "
            f"in {est['accounts']:,} accounts · {est['plan']['line'].split(' · ', 1)[1]}")


def _now() -> str:
    from .reuse import now_iso

    return now_iso()
