"""``dsar suppression plan|apply|check``: the direct-marketing opt-out (Art. 21(3), absolute: no weighing,
no approval) and an objection the DPO upheld (Art. 21(1)). Applying removes or flags the subject's rows in
every declared marketing list (rows found by content each time, so a re-run does nothing twice) and adds
keyed hashes of the subject's emails and phones to the tracker's ``Suppression`` tab (never the identifiers).
``check`` hashes what it is asked about locally and compares it with the tab: the identifier never leaves
the machine."""
from __future__ import annotations

import datetime as dt

from googleapiclient.errors import HttpError

from audit.context import Purpose, acting
from scopes import registry

from ..cases.store import now_iso
from ..erasure.rows import column, delete_requests, matching_rows, quote_tab
from ..erasure.snapshot import SheetsApi, read_book
from ..errors import ConfigError
from ..roles import require
from ..subjects.matching import Matcher
from . import marketing_policy, suppression_list as sl
from .casework import check_case, load_sealed, purpose, save_sealed
from .errors import PolicyError, RightsError

TYPES = ("marketing_optout", "objection")
APPLICABLE = {"marketing_optout": ("received", "identity_check", "review", "suppressed"),
              "objection": ("objection_upheld",)}


def job_id(ref: str) -> str:
    return f"suppress:{ref}"


def _key(services) -> None:
    services.trail.keys.create(sl.KEY_NAME)  # idempotent


def hash_of(services, kind: str, value: str) -> str:
    _key(services)
    return services.trail.keys.lookup_mac(sl.KEY_NAME, sl.lookup_text(kind, value))


def _tracker(services, actor: str):
    from ..tracker.identity import writing_identity
    from ..tracker.sheet import load_config

    cfg = load_config(services.settings.home)
    if cfg is None:
        raise ConfigError("tracker: the suppression list lives in the tracker spreadsheet; run 'dsar tracker init' first")
    return cfg, writing_identity(services.settings, cfg, actor)


def _present(api: SheetsApi, fid: str) -> set[str] | None:
    """The hashes in the tab, or None when the tab does not exist yet."""
    try:
        got = api.values.get(spreadsheetId=fid, range=f"{quote_tab(sl.TAB)}!A2:A").execute()
    except HttpError as e:
        if e.resp.status == 400:  # "Unable to parse range": no such tab
            return None
        raise
    return {str(r[0]) for r in got.get("values", []) if r}


def check(services, value: str, actor: str) -> dict:
    """{"status": "do_not_contact"|"no_record", "kind"}; the identifier is hashed here, never sent."""
    require(actor, services.settings, "staff", "dpo", "auditor", action="checking the suppression list")
    kind, norm = sl.normalise(value)
    h = hash_of(services, kind, norm)
    cfg, who = _tracker(services, actor)
    p = Purpose(actor=actor, step="suppress", purpose="Answer whether a person asked not to be contacted "
                "(UK GDPR Art. 21(3) suppression list)", legal_basis="UK GDPR Art. 6(1)(c): Art. 21(3)")
    with acting(p):
        api = SheetsApi(services.clients.sheets(who, registry.scopes_for_operations(("suppression.check",))))
        present = _present(api, cfg.spreadsheet_id) or set()
    return {"status": "do_not_contact" if h in present else "no_record", "kind": kind}


def _case(services, ref: str, actor: str, action: str):
    role = require(actor, services.settings, "staff", "dpo", action=action)
    case = services.store.get(ref.strip().upper())
    check_case(case, TYPES, action)
    if case.status not in APPLICABLE[case.type]:
        need = ("the DPO upholds the objection first ('dsar objection decide')" if case.type == "objection"
                else "the case is open")
        raise RightsError(f"case: {case.ref} is {case.status}; suppression applies once {need}")
    return case, role


def _list_rows(services, lists, matcher: Matcher, scopes) -> list[dict]:
    out = []
    for ml in lists:
        api = SheetsApi(services.clients.sheets(ml.owner, scopes))
        ids, values = read_book(api, ml.spreadsheet, [ml.tab])
        rows = values.get(ml.tab)
        if rows is None:
            raise PolicyError(f"{marketing_policy.FILE}: list {ml.name!r}: tab {ml.tab!r} of {ml.spreadsheet} "
                              "cannot be read (renamed or deleted?)")
        header = [str(c) for c in rows[0]] if rows else []
        col = None
        if ml.action == "flag":
            if ml.flag_column not in header:
                raise PolicyError(f"{marketing_policy.FILE}: list {ml.name!r}: no column headed {ml.flag_column!r} "
                                  f"in {ml.tab!r}")
            col = header.index(ml.flag_column)
        found = [r for r in matching_rows(rows, matcher) if r.row > 1]
        if col is not None:
            found = [r for r in found if len(rows[r.row - 1]) <= col or str(rows[r.row - 1][col]) != ml.flag_value]
        out.append({"list": ml, "api": api, "sheet_id": ids.get(ml.tab), "rows": [r.row for r in found],
                    "fingerprints": [r.sha256 for r in found], "col": col})
    return out


def plan(services, ref: str, actor: str) -> dict:
    """What apply would do now (reads only, changes nothing)."""
    case, _ = _case(services, ref, actor, "planning a suppression")
    lists = marketing_policy.load(services.settings.home)
    p = purpose(case, actor, "suppress", "find the subject's rows in the marketing lists")
    with acting(p):
        found = _list_rows(services, lists, Matcher(case.subject), registry.scopes_for_step("suppress"))
    return {"ref": case.ref, "lists": [{"name": f["list"].name, "action": f["list"].action, "rows": f["rows"]}
                                       for f in found],
            "identifiers": len(case.subject.emails) + len(case.subject.phones)}


def apply(services, ref: str, actor: str) -> dict:
    case, role = _case(services, ref, actor, "applying a suppression")
    ref = case.ref
    store = services.store
    lists = marketing_policy.load(services.settings.home)
    scopes = registry.scopes_for_step("suppress")
    saved = load_sealed(store, job_id(ref), ref)
    state = saved[1] if saved else {"lists": [], "hashes": 0, "events": []}
    p = purpose(case, actor, "suppress", "remove or flag the subject in the marketing lists; add the suppression")
    with store.exclusive(f"suppress:{ref}", f"the suppression of {ref}"), acting(p):
        done_lists = []
        for f in _list_rows(services, lists, Matcher(case.subject), scopes):
            ml, api = f["list"], f["api"]
            if f["rows"] and ml.action == "remove":
                api.book.batchUpdate(spreadsheetId=ml.spreadsheet,
                                     body={"requests": delete_requests(f["sheet_id"], f["rows"])}).execute()
            elif f["rows"]:
                data = [{"range": f"{quote_tab(ml.tab)}!{column(f['col'])}{r}", "values": [[ml.flag_value]]}
                        for r in f["rows"]]
                api.values.batchUpdate(spreadsheetId=ml.spreadsheet,
                                       body={"valueInputOption": "RAW", "data": data}).execute()
            done_lists.append({"name": ml.name, "spreadsheet": ml.spreadsheet, "tab": ml.tab, "action": ml.action,
                               "rows": len(f["rows"]), "fingerprints": f["fingerprints"], "at": now_iso()})
            state["lists"].append(done_lists[-1])
            save_sealed(store, job_id(ref), ref, "suppress", "running", state)
        hashes = {hash_of(services, "email", e.lower()): "email" for e in case.subject.emails}
        hashes.update({hash_of(services, "phone", ph): "phone" for ph in case.subject.phones})
        added = _add_hashes(services, actor, ref, case.type, hashes)
    state["hashes"] += added
    state["events"].append({"event": "apply", "at": now_iso(), "by": actor, "added": added,
                            "rows": sum(d["rows"] for d in done_lists)})
    save_sealed(store, job_id(ref), ref, "suppress", "done", state)
    if case.type == "marketing_optout":
        store.transition(ref, "suppressed", actor, role, reason=f"direct-marketing opt-out (Art. 21(3)): "
                         f"{sum(d['rows'] for d in done_lists)} marketing-list row(s) handled, {added} hash(es) added")
    services.trail.checkpoint(actor)
    return {"ref": ref, "lists": [{k: d[k] for k in ("name", "action", "rows")} for d in done_lists],
            "hashes_added": added, "hashes": len(hashes)}


def _add_hashes(services, actor: str, ref: str, case_type: str, hashes: dict[str, str]) -> int:
    cfg, who = _tracker(services, actor)
    api = SheetsApi(services.clients.sheets(who, registry.scopes_for_step("suppress")))
    fid = cfg.spreadsheet_id
    present = _present(api, fid)
    if present is None:
        api.book.batchUpdate(spreadsheetId=fid, body={"requests": [{"addSheet": {"properties": {"title": sl.TAB}}}]}).execute()
        api.values.append(spreadsheetId=fid, range=f"{quote_tab(sl.TAB)}!A1", valueInputOption="RAW",
                          insertDataOption="INSERT_ROWS", body={"values": [sl.HEADER]}).execute()
        present = set()
    rows = sl.rows_to_add(hashes, present, ref, case_type, dt.date.today())
    if rows:
        api.values.append(spreadsheetId=fid, range=f"{quote_tab(sl.TAB)}!A1", valueInputOption="RAW",
                          insertDataOption="INSERT_ROWS", body={"values": rows}).execute()
    return len(rows)
