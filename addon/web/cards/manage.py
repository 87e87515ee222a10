"""The DPO's part of a case card: change the status (responded, closed, refused or withdrawn, with a reason),
the clock (extend, pause, resume), build the access package, and approve an erasure plan. What the DPO sees
of a plan (its counts, warnings and SHA-256) is what the Approve button carries: the approval names that
hash, so a plan replaced in between is refused, not approved. Pure: :class:`Manage` is computed by
``addon.web.manage`` from the lifecycle, the clock and the stored plan."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ...cases.model import Case
from .links import Links
from .widgets import (Card, button, buttons, card, checkboxes, decorated, dropdown, esc, field_error, note, on_action,
                      section, text, text_input)

STATUS_LABELS = {
    "responded": "Responded (the package or answer was sent)",
    "closed": "Closed (nothing more to do)",
    "refused": "Refused (manifestly unfounded or excessive)",
    "withdrawn": "Withdrawn by the subject",
    "lifted": "Restriction lifted (the subject is told first, Art. 18(3))",
}
MAX_WARNINGS = 5


@dataclass(frozen=True)
class PlanSummary:
    """The stored erasure plan as the DPO reviews it: counts, warnings and the hash they approve."""

    sha256: str
    counts: Mapping[str, Any]
    warnings: tuple[str, ...] = ()
    planned_by: str = ""
    planned_at: str = ""
    approved_by: str | None = None  # set once this very plan is approved


@dataclass
class Manage:
    """What the DPO may do with one case now; ``errors`` maps a field (or action) to its message."""

    statuses: tuple[str, ...] = ()  # targets the lifecycle allows the DPO from the current status
    paused_since: dt.date | None = None
    can_pause: bool = False
    can_extend: bool = False
    can_export: bool = False
    plan: PlanSummary | None = None
    plan_problem: str | None = None  # why a plan cannot be shown (none yet, unreadable...)
    errors: dict[str, str] = field(default_factory=dict)


def plan_counts_line(counts: Mapping[str, Any]) -> str:
    """"12 actions (gmail 8 trash · drive 4 trash); 2 exempt; 1 for manual redaction", as ``dsar erase plan``."""
    per = " · ".join(f"{src} " + ", ".join(f"{n} {act}" for act, n in acts.items())
                     for src, acts in (counts.get("actions") or {}).items())
    return (f"{counts.get('total_actions', 0)} action(s) ({per or 'none'}); {counts.get('total_exempt', 0)} exempt; "
            f"{counts.get('manual', 0)} for manual redaction")


def _errors_for(m: Manage, name: str) -> list[dict[str, Any]]:
    return [field_error(m.errors[name])] if name in m.errors else []


def _status_section(links: Links, c: Case, m: Manage) -> dict[str, Any]:
    if not m.statuses:
        return section([])
    options = [(STATUS_LABELS.get(s, s), s) for s in m.statuses]
    widgets = [dropdown("status", "Move the case to", options, options[0][1]), *_errors_for(m, "status"),
               text_input("reason", "Reason", hint="Needed for refused and withdrawn; a refusal's reasons go to "
                                                   "the subject"),
               *_errors_for(m, "reason"),
               buttons(button("Change status", on_action(links.url("case_status"), {"ref": c.ref}), icon="flag"))]
    return section(widgets, "Status")


def _clock_section(links: Links, c: Case, m: Manage) -> dict[str, Any]:
    widgets: list[dict[str, Any]] = []
    if m.paused_since is not None:
        widgets += [decorated(f"since {m.paused_since:%a %d %b %Y}", top="Clock paused", icon="pause_circle"),
                    buttons(button("Resume (clarification arrived today)",
                                   on_action(links.url("case_resume"), {"ref": c.ref}), icon="play_arrow"))]
    elif m.can_pause or m.can_extend:
        widgets.append(text_input("clock_reason", "Reason", hint="Extension: the reasons the subject is told; "
                                                                  "pause: what was asked"))
        acts = []
        if m.can_extend:
            acts.append(button("Extend by two months", on_action(links.url("case_extend"), {"ref": c.ref}),
                               icon="more_time"))
        if m.can_pause:
            acts.append(button("Pause for clarification", on_action(links.url("case_pause"), {"ref": c.ref}),
                               icon="pause"))
        widgets.append(buttons(*acts))
    if widgets:
        widgets[len(widgets) - 1:len(widgets) - 1] = _errors_for(m, "clock_reason")
    return section(widgets, "Clock")


def _export_section(links: Links, c: Case, m: Manage) -> dict[str, Any]:
    if not m.can_export:
        return section([])
    return section([note("A ZIP of the included emails, files and sheet rows (redacted copies where they show "
                         "other people's data), with the Art. 15 report and the redaction schedule; decide every "
                         "item in Review first. To encrypt it, use 'dsar export " + c.ref + " --encrypt'."),
                    *_errors_for(m, "export"),
                    buttons(button("Build the access package", on_action(links.url("export"), {"ref": c.ref}),
                                   icon="inventory_2"))], "Access package")


@dataclass(frozen=True)
class PlanKind:
    """How one kind of plan reads on the card; erasure's and rectification's share the approval widgets."""

    title: str
    approve: str  # the endpoint the Approve button calls with the plan's hash
    counts_line: Callable[[Mapping[str, Any]], str]
    icon: str
    show: str  # the CLI command that shows the whole plan, "{ref}" filled in
    run: str  # what to do once approved
    confirm: bool = False  # a tick box naming the hash, required before the approval counts


ERASURE_PLAN = PlanKind("Erasure plan", "erase_approve", plan_counts_line, "delete_sweep", "dsar erase plan {ref} --show",
                        "Run it with: dsar erase run {ref}")


def plan_widgets(links: Links, ref: str, p: PlanSummary, kind: PlanKind, errors: Mapping[str, str], *,
                 can_approve: bool = True) -> list[dict[str, Any]]:
    """The plan as the approver reviews it: counts, warnings, the whole SHA-256, and Approve carrying that hash."""
    widgets: list[dict[str, Any]] = [
        decorated(kind.counts_line(p.counts), top="Planned" + (f" by {p.planned_by}" if p.planned_by else ""),
                  bottom=p.planned_at[:16].replace("T", " ") or None, icon=kind.icon),
        *[note("! " + w) for w in p.warnings[:MAX_WARNINGS]],
    ]
    if len(p.warnings) > MAX_WARNINGS:
        widgets.append(note(f"{len(p.warnings) - MAX_WARNINGS} more warning(s): {kind.show.format(ref=ref)}"))
    widgets.append(decorated(p.sha256, top="Plan SHA-256 (what you approve)", icon="fingerprint"))
    widgets += [field_error(errors["approve"])] if "approve" in errors else []
    if p.approved_by:
        widgets.append(note(f"This plan is approved by {p.approved_by}. {kind.run.format(ref=ref)}"))
    elif can_approve:
        if kind.confirm:
            widgets.append(checkboxes("confirm", "Confirm", [(f"I reviewed plan sha256:{p.sha256[:12]}", p.sha256,
                                                              False)]))
        widgets.append(buttons(button("Approve this plan",
                                      on_action(links.url(kind.approve), {"ref": ref, "hash": p.sha256}),
                                      filled=True, icon="verified")))
    else:
        widgets.append(note("Waiting for the DPO to review and approve this plan."))
    return widgets


def _plan_section(links: Links, c: Case, m: Manage) -> dict[str, Any]:
    if m.plan is None:
        return section([note(m.plan_problem)] if m.plan_problem else [], "Erasure plan")
    return section(plan_widgets(links, c.ref, m.plan, ERASURE_PLAN, m.errors), "Erasure plan")


def manage_sections(links: Links, c: Case, m: Manage) -> list[dict[str, Any]]:
    """The DPO's sections of the case card (empty ones are dropped by :func:`card`)."""
    return [_status_section(links, c, m), _clock_section(links, c, m), _export_section(links, c, m),
            _plan_section(links, c, m)]


def package_card(links: Links, ref: str, result: Mapping[str, Any]) -> Card:
    """Where the package is and what it holds (``PackageResult.public()``); never a password (none is made)."""
    counts = result.get("counts") or {}
    widgets = [
        decorated(str(result["path"]), top="Written to (on the add-on's server)", icon="folder_zip"),
        decorated(f"{counts.get('gmail', 0)} emails · {counts.get('drive', 0)} files · "
                  f"{counts.get('sheets', 0)} sheet extracts", top=f"{result.get('files', 0)} files in all"),
        decorated(str(result.get("sha256", "")), top="SHA-256 of the ZIP", icon="fingerprint"),
    ]
    excluded = list(result.get("excluded") or [])
    for x in excluded[:MAX_WARNINGS]:
        widgets.append(note(f"not included: {x.get('what', '')}: {x.get('reason', '')}"))
    if len(excluded) > MAX_WARNINGS:
        widgets.append(note(f"{len(excluded) - MAX_WARNINGS} more not included: see manifest.json"))
    # the sidebar always builds with redaction (no --no-redaction here): say what the package carries
    carried = (f"Other people's data is hidden in redacted copies ({int(result.get('redactions') or 0)} place(s)); "
               "the originals in Workspace are unchanged, and the redaction schedule (redactions.csv and the "
               "report) lists each redaction by item, kind and exemption. ")
    next_step = text(f"{esc(carried)}Next: check it with <b>dsar export verify</b>, send it, then move the case to "
                     f"<b>responded</b>. ({esc(ref)})")
    return card(f"Access package for {ref}", [
        section(widgets),
        section([next_step, buttons(button("Case", on_action(links.url("case_show"), {"ref": ref}),
                                           icon="folder_open"))]),
    ], subtitle="Built from the case's search results", name="package")
