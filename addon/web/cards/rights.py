"""The case card's steps for the other rights (issue 15): rectification (plan, DPO approval of the plan's
SHA-256, run, verify, signed record), restriction (mark; lifting by the DPO with a reason), the marketing
opt-out and an upheld objection (suppression), and the DPO's decision on an objection (with grounds). Which
buttons show follows the CLI's roles and the case's status (:class:`RightsView`, computed by
``addon.web.rights``); the server checks both again. Long steps run as background jobs (:func:`rights_job_card`).
Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ...cases.model import Case
from .links import Links
from .manage import MAX_WARNINGS, PlanKind, PlanSummary, plan_widgets
from .widgets import (Card, button, buttons, card, decorated, dropdown, esc, field_error, note, on_action, section,
                      text, text_input)

STEP_TITLES = {
    "rectify_plan": "Rectification plan", "rectify_run": "Rectification run", "rectify_verify": "Re-search",
    "restrict_mark": "Restriction marks", "restrict_lift": "Lifting the restriction", "suppress_apply": "Suppression",
}
_JOB_STATUS = {"queued": "Waiting to start", "running": "Working", "done": "Finished", "failed": "Stopped with an error",
               "interrupted": "Interrupted (the server restarted); start the step again: it resumes"}
OUTCOMES = (("Uphold: stop the processing objected to", "upheld"),
            ("Reject: compelling legitimate grounds override it", "rejected"))


def rectify_counts_line(counts: Mapping[str, Any]) -> str:
    """"2 row(s) to correct (3 cells); 1 Doc(s) to edit by hand; 1 message(s) cannot be edited; 1 recipient(s)"."""
    return (f"{counts.get('update_cells', 0)} row(s) to correct ({counts.get('cells', 0)} cell(s)); "
            f"{counts.get('edit_manually', 0)} Doc(s)/file(s) to edit by hand; {counts.get('cannot_edit', 0)} "
            f"message(s) cannot be edited; {counts.get('review', 0)} to check by hand; "
            f"{counts.get('recipients', 0)} recipient(s) to tell (Art. 19)")


RECTIFY_PLAN = PlanKind("Rectification plan", "rectify_approve", rectify_counts_line, "edit_note",
                        "dsar rectify plan {ref} --show", "Run it with 'Run the corrections' below.", confirm=True)


@dataclass
class RightsView:
    """What this user may do with one rights case now; ``errors`` maps a field (or step) to its message."""

    steps: tuple[str, ...] = ()  # endpoint names offered as buttons, in order
    role: str = "staff"
    plan: PlanSummary | None = None  # rectification: the stored plan
    plan_problem: str | None = None
    marks: Mapping[str, Any] | None = None  # restriction: addon.rights.restrict.summary()
    decision: Mapping[str, Any] | None = None  # objection: outcome, by, at (the grounds stay sealed)
    job: Mapping[str, Any] | None = None  # the latest rights job of the case
    errors: dict[str, str] = field(default_factory=dict)


def _err(v: RightsView, name: str) -> list[dict[str, Any]]:
    return [field_error(v.errors[name])] if name in v.errors else []


def _step(links: Links, ref: str, name: str, label: str, icon: str, filled: bool = False) -> dict[str, Any]:
    return button(label, on_action(links.url(name), {"ref": ref}), filled=filled, icon=icon)


def _rectification(links: Links, c: Case, v: RightsView) -> list[dict[str, Any]]:
    out = []
    if v.plan is not None:
        out.append(section(plan_widgets(links, c.ref, v.plan, RECTIFY_PLAN, v.errors,
                                        can_approve="rectify_approve" in v.steps), RECTIFY_PLAN.title))
    elif v.plan_problem:
        out.append(section([note(v.plan_problem)], RECTIFY_PLAN.title))
    acts = []
    if "rectify_plan" in v.steps:
        acts.append(_step(links, c.ref, "rectify_plan", "Plan again" if v.plan else "Plan the rectification",
                          "manage_search", filled=v.plan is None))
    if "rectify_run" in v.steps:
        acts.append(_step(links, c.ref, "rectify_run", "Run the corrections", "published_with_changes", True))
    if "rectify_verify" in v.steps:
        acts.append(_step(links, c.ref, "rectify_verify", "Search again to verify", "fact_check", True))
    if "rectify_record" in v.steps:
        acts.append(_step(links, c.ref, "rectify_record", "Issue the signed record", "workspace_premium", True))
    hint = {"rectify_plan": "Searches for the wrong values as well as the subject; nothing is changed until the DPO "
                            "approves the plan.",
            "rectify_run": "Writes the approved corrections (RAW); Docs are left for a manual edit, messages noted.",
            "rectify_verify": "Proves the wrong values are gone wherever they could be changed.",
            "rectify_record": "Signs the completion record, with the Art. 19 recipients to tell."}
    widgets = [note(hint[s]) for s in v.steps if s in hint][-1:] + _err(v, "rights")
    if acts:
        widgets.append(buttons(*acts))
    out.append(section(widgets, "Rectification (Art. 16)"))
    return out


def _restriction(links: Links, c: Case, v: RightsView) -> list[dict[str, Any]]:
    widgets: list[dict[str, Any]] = []
    m = v.marks
    if m:
        widgets.append(decorated(" · ".join(f"{src} {m[src]['marked']}" for src in ("gmail", "drive", "sheets")),
                                 top="Marked now (Gmail label, Drive property, sheet-row note)", icon="block"))
        lifted = sum(m[src]["lifted"] for src in ("gmail", "drive", "sheets"))
        if lifted:
            widgets.append(decorated(str(lifted), top="Marks lifted", icon="lock_open"))
    widgets += _err(v, "rights")
    acts = []
    if "restrict_mark" in v.steps:
        acts.append(_step(links, c.ref, "restrict_mark", "Mark the items found", "block", True))
        acts.append(button("Search again and mark new data",
                           on_action(links.url("restrict_mark"), {"ref": c.ref, "search": "1"}), icon="search"))
    if acts:
        widgets.append(buttons(*acts))
    if "restrict_lift" in v.steps:
        widgets += [text_input("lift_reason", "Why the restriction ends",
                               hint="Tell the subject before lifting (Art. 18(3)); the reason is recorded"),
                    *_err(v, "lift_reason"),
                    buttons(_step(links, c.ref, "restrict_lift", "Lift the restriction", "lock_open"))]
    return [section(widgets, "Restriction (Art. 18)")]


def _suppression(links: Links, c: Case, v: RightsView) -> list[dict[str, Any]]:
    widgets: list[dict[str, Any]] = []
    if c.type == "marketing_optout":
        widgets.append(note("A direct-marketing opt-out is absolute (Art. 21(3)): no weighing, no approval."))
    if "suppress_apply" in v.steps:
        widgets += [note("Removes or flags the subject's rows in the declared marketing lists and adds keyed "
                         "hashes of their emails and phones (never the identifiers) to the suppression list."),
                    *_err(v, "rights"),
                    buttons(_step(links, c.ref, "suppress_apply", "Apply the suppression", "unsubscribe", True))]
    else:
        widgets += _err(v, "rights")
    return [section(widgets, "Suppression (Art. 21)")]


def _objection(links: Links, c: Case, v: RightsView) -> list[dict[str, Any]]:
    widgets: list[dict[str, Any]] = []
    if v.decision:
        d = v.decision
        widgets.append(decorated(f"{d.get('outcome', '')} by {d.get('by', '')}", top="DPO's decision",
                                 bottom=str(d.get("at", ""))[:16].replace("T", " ") or None, icon="gavel"))
    if "objection_decide" in v.steps:
        widgets += [dropdown("outcome", "Decision", OUTCOMES, "upheld"), *_err(v, "outcome"),
                    text_input("grounds", "Grounds", multiline=True,
                               hint="Recorded, sealed with the case: why the objection is upheld, or the compelling "
                                    "legitimate grounds that override it"),
                    *_err(v, "grounds"),
                    buttons(_step(links, c.ref, "objection_decide", "Record the decision", "gavel", True))]
    out = [section(widgets, "Objection (Art. 21(1))")]
    if c.status == "objection_upheld":
        out += _suppression(links, c, v)
    return out


def rights_sections(links: Links, c: Case, v: RightsView) -> list[dict[str, Any]]:
    """The rights sections of the case card (empty ones are dropped by :func:`card`)."""
    build = {"rectification": _rectification, "restriction": _restriction, "marketing_optout": _suppression,
             "objection": _objection}.get(c.type)
    if build is None:
        return []
    out = build(links, c, v)
    if v.job:
        out.append(section([decorated(f"{STEP_TITLES.get(_step_of(v.job), 'Step')}: "
                                      f"{_JOB_STATUS.get(v.job.get('status', ''), v.job.get('status', ''))}",
                                      top="Last step", icon="hourglass_top",
                                      button=button("Open", on_action(links.url("rights_job"), {"job": str(v.job["id"])})))]))
    return out


def _step_of(job: Mapping[str, Any]) -> str:
    return str(job.get("kind", "")).removeprefix("rights-")


def result_lines(step: str, result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) lines of a finished step's result (counts only: the job record holds no personal data)."""
    r = result
    if step == "rectify_plan":
        return [("Plan", rectify_counts_line(r.get("counts") or {})), ("Plan SHA-256", str(r.get("sha256", ""))),
                ("Case status", str(r.get("status", "")))] + (
            [("Approval", "withdrawn: the plan changed after approval")] if r.get("withdrawn") else [])
    if step == "rectify_run":
        c = r.get("counts") or {}
        return [("Corrected", f"{c.get('corrected', 0)} row(s)"), ("Changed since the plan", str(c.get("changed", 0))),
                ("Left for a manual edit", str(c.get("manual", 0))), ("Cannot be edited", str(c.get("not_editable", 0))),
                ("Case status", str(r.get("status", "")))]
    if step == "rectify_verify":
        return [("Verified", "yes: no wrong value is left where it could be changed" if r.get("verified") else "no"),
                ("Places found", str(r.get("found", 0))), ("Rows still wrong", str(r.get("remaining", 0))),
                ("Docs/files still wrong", str(r.get("manual", 0)))]
    if step in ("restrict_mark", "restrict_lift"):
        lines = [(src.capitalize(), f"{r[src]['marked']} marked, {r[src]['lifted']} lifted")
                 for src in ("gmail", "drive", "sheets") if src in r]
        return lines + ([("New marks", str(r["added"]))] if "added" in r else [])
    if step == "suppress_apply":
        return [(f"List {ml.get('name', '')}", f"{ml.get('rows', 0)} row(s) "
                 f"{'removed' if ml.get('action') == 'remove' else 'flagged'}") for ml in r.get("lists", [])] + [
            ("Suppression list", f"{r.get('hashes_added', 0)} of {r.get('hashes', 0)} hash(es) added")]
    return []


def rights_job_card(links: Links, job: Mapping[str, Any]) -> Card:
    """A rights step running in the background: status, search progress, the result's counts, Refresh."""
    step, status = _step_of(job), job.get("status", "queued")
    state = job.get("state") or {}
    p = state.get("progress") or {}
    widgets: list[dict[str, Any]] = [
        decorated(_JOB_STATUS.get(status, status), top="Status", bottom=f"updated {job.get('updated_at', '')}",
                  icon={"done": "check_circle", "failed": "error", "interrupted": "error"}.get(status, "hourglass_top"))]
    if p and status in ("queued", "running"):
        total = p.get("units_total") or 0
        widgets.append(decorated(f"{p.get('units_done', 0)} of {total}" if total else "listing accounts…",
                                 top="Mailboxes and Drives searched", bottom=f"{p.get('items', 0)} place(s) found"))
    if status == "done":
        widgets += [decorated(value, top=label) for label, value in result_lines(step, state.get("result") or {})]
    if job.get("error"):
        widgets.append(field_error(str(job["error"])))
    ref = str(job.get("ref", ""))
    acts = []
    if status in ("queued", "running"):
        acts.append(button("Refresh", on_action(links.url("rights_job"), {"job": str(job["id"])}), filled=True,
                           icon="refresh"))
    acts.append(button("Case", on_action(links.url("case_show"), {"ref": ref}), filled=status != "running",
                       icon="folder_open"))
    return card(f"{STEP_TITLES.get(step, 'Step')} for {ref}", [section(widgets), section([buttons(*acts)])],
                subtitle="Runs in the background; refresh to follow it", name="rights_job")


def record_card(links: Links, ref: str, record: Mapping[str, Any]) -> Card:
    """Where the signed rectification record is (on the add-on's server) and what it says, in counts."""
    recipients = list(record.get("recipients") or [])
    widgets = [decorated(str(record.get("json", "")), top="Signed record (JSON, on the add-on's server)",
                         icon="workspace_premium"),
               decorated(str(record.get("html", "")), top="Readable copy (HTML)"),
               decorated(str(record.get("sha256", "")), top="Signed content SHA-256", icon="fingerprint"),
               decorated(f"{record.get('corrected', 0)} row(s)", top="Corrected")]
    for r in recipients[:MAX_WARNINGS]:
        widgets.append(decorated(f"{r.get('domain', '')} ({r.get('count', 0)}: {', '.join(r.get('how', []))})",
                                 top="Tell of the correction (Art. 19)", icon="forward_to_inbox"))
    if len(recipients) > MAX_WARNINGS:
        widgets.append(note(f"{len(recipients) - MAX_WARNINGS} more recipient domain(s): see the record"))
    return card(f"Rectification record for {ref}", [
        section(widgets),
        section([text(f"Check it with <b>dsar rectify certificate --verify</b>, then close the case. ({esc(ref)})"),
                 buttons(button("Case", on_action(links.url("case_show"), {"ref": ref}), icon="folder_open"))]),
    ], subtitle="Signed; names no one", name="rectify_record")
