"""The methodology statement: what a reasonable and proportionate search looked like for this case (UK GDPR
Art. 15(1A) as the Data (Use and Access) Act 2025 inserts it; the ICO's toolkit asks the response to explain
"what searches you have completed"). It goes into the package (``methodology.json`` and a report section)
and into the case file (sealed in the case store, ``dsar review REF --methodology``).

It names the *kinds* of identifier and variant used and how many, never their values, so it can be shown to
an auditor as it is; the accounts named are staff mailboxes, not the subject's data. Pure apart from
:func:`save` / :func:`load`.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from .groups import Group

#: The written forms each identifier kind is searched in (addon/subjects/README.md), as the report says them.
VARIANTS = {
    "names": ["as given, any letter case", "with or without accents", "apostrophes straight, curly, dropped or spaced",
              "hyphenated surnames with a hyphen, a space or nothing", "'Last, First' and 'LAST First'",
              "with a middle name or initial (reported as a variant)", "split across first and last name columns"],
    "emails": ["the whole address, any letter case, in headers, bodies, links and quoted replies"],
    "phones": ["any grouping of the digits", "national, +44, 0044, (0) and RFC 3966 forms",
               "as a spreadsheet leaves it, without the leading 0 (reported as a variant)"],
    "identifiers": ["the whole identifier with a space, a hyphen or no separator, any letter case"],
}
ALWAYS_LEFT_OUT = [
    {"what": "text in scanned images and photographs", "why": "no OCR: only text the files themselves hold is read"},
    {"what": "accounts suspended in the directory", "why": "only active users are listed for the search"},
    {"what": "the DSAR tracker spreadsheet", "why": "the organisation's record of requests, kept under its own retention"},
]
JOB = "methodology:{ref}"


def _sources(job: dict | None) -> dict[str, Any]:
    units = ((job or {}).get("state") or {}).get("units", {})
    accounts = sorted({k.split(":", 1)[1] for k in units if k.startswith(("gmail:", "drive:"))})
    full = [a for a in accounts if units.get(f"gmail:{a}", {}).get("finished") and units.get(f"drive:{a}", {}).get("finished")]
    shared = ((job or {}).get("state") or {}).get("shared_drives", {})
    shared_done = [d for d in shared if units.get(f"shared:{d}", {}).get("finished")]
    sheets = 0
    for k, u in units.items():
        if k.startswith(("drive:", "shared:")):
            sheets += len(((u.get("lists") or {}).get("sheets") or {}).get("files", [])) or u.get("spreadsheets", 0)
    not_done = [{"what": k, "why": f"search {job.get('status', 'unfinished')}: not finished"}
                for k, u in sorted(units.items()) if not u.get("finished")] if job else []
    return {"accounts_searched": len(full), "accounts_in_scope": len(accounts),
            "summary": f"searched {len(full)} of {len(accounts)} accounts (mailbox and My Drive each), "
                       f"{len(shared_done)} of {len(shared)} shared drives, {sheets} spreadsheets read row by row",
            "mailboxes": [a for a in accounts if units.get(f"gmail:{a}", {}).get("finished")],
            "drives": [a for a in accounts if units.get(f"drive:{a}", {}).get("finished")],
            "shared_drives": len(shared_done), "shared_drives_total": len(shared), "spreadsheets": sheets,
            "unfinished": not_done, "job_status": (job or {}).get("status"), "searched_at": (job or {}).get("updated_at")}


def _coverage(settings) -> list[dict[str, str]]:
    """Places not searched by configuration or not reachable (addon/search/coverage.py, where present)."""
    try:
        from ..search.coverage import coverage_statement
    except ImportError:
        return []
    try:
        return [{"what": e["label"], "why": e.get("advice") or e["status"]}
                for e in coverage_statement(settings) if e["status"] != "searched"]
    except Exception:  # a bad DSAR_SOURCES is reported by config check, not here
        return []


def _steps(case, decisions: Iterable[Any], exported: dict | None) -> list[dict[str, Any]]:
    steps = [{"step": "case opened", "at": case.created_at, "by": case.created_by}]
    for h in case.history:
        if h.get("to_status") in ("searching", "review", "responded"):
            name = {"searching": "search started", "review": "search finished, results in review",
                    "responded": "response sent"}[h["to_status"]]
            steps.append({"step": name, "at": h["at"], "by": h["actor"]})
    ds = sorted((d for d in decisions if d.at), key=lambda d: d.at)
    if ds:
        steps.append({"step": "review", "at": ds[0].at, "until": ds[-1].at,
                      "by": ", ".join(sorted({d.by for d in ds})), "decisions": len(ds)})
    if exported:
        steps.append({"step": "package built", "at": exported["at"], "by": exported["by"]})
    return sorted(steps, key=lambda s: s["at"] or "")


def statement(settings, case, job: dict | None, groups: list[Group], decisions: dict, *, suppressed: int = 0,
              redacted: int = 0, exported: dict | None = None) -> dict[str, Any]:
    """The statement as plain data (JSON-able)."""
    s = case.subject
    kinds = {k: len(getattr(s, k)) for k in ("names", "emails", "phones", "identifiers")} if s else {}
    by: dict[str, int] = {}
    for g in groups:
        by[g.status] = by.get(g.status, 0) + 1
    sources = _sources(job)
    return {
        "case": case.ref, "type": case.type, "received": case.received.isoformat(),
        "sources": sources,
        "identifiers": [{"kind": k, "count": n, "variants": VARIANTS[k]} for k, n in kinds.items() if n],
        "not_searched": sources.pop("unfinished") + _coverage(settings) + ALWAYS_LEFT_OUT,
        "counts": {"found": len(groups) + suppressed, "copies": sum(len(g.items) for g in groups),
                   "included": by.get("include", 0), "excluded": by.get("exclude", 0),
                   "not_a_match": by.get("not_a_match", 0) + suppressed, "undecided": by.get("undecided", 0),
                   "redacted": redacted},
        "steps": _steps(case, decisions.values(), exported),
    }


def save(store, ref: str, data: dict[str, Any]) -> None:
    """Into the case file: a job row whose state is sealed under the case key."""
    sealed = store.keys.seal(ref, "methodology", json.dumps(data, sort_keys=True))
    store.save_job(JOB.format(ref=ref), ref, "methodology", "done", {"sealed": sealed})


def load(store, ref: str) -> dict[str, Any] | None:
    job = store.job(JOB.format(ref=ref))
    if not job:
        return None
    try:
        return json.loads(store.keys.unseal(ref, "methodology", job["state"]["sealed"]))
    except Exception:  # shredded
        return None


def lines(m: dict[str, Any]) -> list[str]:
    """The statement as plain lines (CLI, sidebar)."""
    c = m["counts"]
    out = [f"Sources: {m['sources']['summary']}"]
    out += [f"Identifiers: {i['count']} {i['kind'] if i['count'] != 1 else i['kind'][:-1]} ({'; '.join(i['variants'])})"
            for i in m["identifiers"]]
    out += [f"Not searched: {n['what']} ({n['why']})" for n in m["not_searched"]]
    out.append(f"Counts: found {c['found']} ({c['copies']} copies), included {c['included']}, excluded {c['excluded']}, "
               f"not a match {c['not_a_match']}, undecided {c['undecided']}, redacted {c['redacted']}")
    out += [f"{s['at']}  {s['step']} by {s['by']}" for s in m["steps"]]
    return out
