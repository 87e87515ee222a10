"""The Limited Use disclosure, built from the scope registry alone: every scope the product can ask for,
Google's classification of it, which workflow step asks for it and why (each operation's justification),
and Google's Limited Use statement. Rendered as the ``/limited-use`` page and by ``dsar scopes
disclosure``; because both come from the same registry the guard enforces, the page cannot promise less
or more than the product does. Pure (no I/O)."""
from __future__ import annotations

from dataclasses import dataclass

from . import registry
from .catalog import ADDON_BASE_SCOPES, LIMITED_USE, LIMITED_USE_DISCLOSURE
from .model import SCOPE_CLASS, SENSITIVITIES, STEPS, Operation, short

POLICY_URL = "https://developers.google.com/terms/api-services-user-data-policy"
#: Plain words for each workflow step, for a reviewer who does not know the product.
STEP_TEXT = {
    "search": "Searching a data subject's mail, files and sheets for a request",
    "export": "Building the copy of the subject's data sent in answer to an access request",
    "erase": "Erasing the subject's data after the DPO approved the plan",
    "track": "Keeping the DPO's tracker spreadsheet of requests and deadlines",
    "admin": "Organisation set-up, and the DPO's or auditor's check of Google's token audit log",
    "auth": "Signing staff in and obtaining access tokens",
    "context": "The add-on reading the message or file a staff member has open",
    "rectify": "Correcting the subject's data in sheets after the DPO approved the corrections (Art. 16)",
    "restrict": "Marking the subject's items as restricted, and lifting the mark (Art. 18)",
    "suppress": "Changing marketing lists and the suppression list after an objection or opt-out (Art. 21)",
    "intake": "Reading the designated privacy mailbox to propose new requests",
}
#: What the product commits to, in the Limited Use requirements' own terms.
COMMITMENTS = (
    "Data from Google APIs is used only to provide the user-facing DSAR workflow the staff member started "
    "(find, export, erase and track a data subject's personal data), and to keep that workflow secure.",
    "It is never transferred to others except as needed for that workflow (the answer to the data subject), "
    "to comply with law, or as part of a merger with the user's consent.",
    "It is never used or sold for advertising, never used to build user profiles, and never used to train "
    "or improve AI or machine-learning models.",
    "No person reads it except the staff member handling the request (with their action), for security "
    "investigations, or to comply with law. Every Google call is recorded on a tamper-evident audit trail "
    "with its case, purpose and scope, and reconciled with Google's own token audit log.",
)


@dataclass(frozen=True)
class ScopeUse:
    """One scope and every operation that asks for it."""

    scope: str
    sensitivity: str
    operations: tuple[Operation, ...]
    addon_base: bool = False  # asked for by the add-on itself in every host

    @property
    def short(self) -> str:
        return short(self.scope)

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(s for s in STEPS if any(op.step == s for op in self.operations))


def _why(op: Operation) -> str:
    return op.justification.removesuffix(LIMITED_USE).strip()


def scope_uses() -> list[ScopeUse]:
    """Every scope the product can request (registry operations and the add-on's base scopes), most
    demanding class first, then by name."""
    ops = list(registry.OPERATIONS.values())
    scopes = {s for op in ops for s in op.scopes} | set(ADDON_BASE_SCOPES)
    out = [ScopeUse(s, SCOPE_CLASS.get(s, "unclassified"), tuple(op for op in ops if s in op.scopes),
                    s in ADDON_BASE_SCOPES) for s in scopes]
    rank = {c: i for i, c in enumerate(SENSITIVITIES)}
    return sorted(out, key=lambda u: (rank.get(u.sensitivity, len(rank)), u.scope))


def disclosure() -> dict:
    """The whole disclosure as data (what the page and the command render; also ``--json``)."""
    return {
        "statement": LIMITED_USE_DISCLOSURE,
        "policy_url": POLICY_URL,
        "commitments": list(COMMITMENTS),
        "scopes": [{
            "scope": u.scope, "short": u.short, "sensitivity": u.sensitivity, "addon_base": u.addon_base,
            "steps": [{"step": s, "what": STEP_TEXT.get(s, s)} for s in u.steps],
            "operations": [{"name": op.name, "step": op.step, "why": _why(op), "api_methods": list(op.api_methods),
                            "permanent": op.permanent, "source": op.source, "roles": sorted(op.roles)}
                           for op in u.operations],
        } for u in scope_uses()],
    }


def render_text(data: dict | None = None) -> str:
    """Plain text (Markdown-compatible) for ``dsar scopes disclosure``."""
    d = data or disclosure()
    lines = ["# Limited Use disclosure", "", d["statement"], "", "## What we commit to", ""]
    lines += [f"- {c}" for c in d["commitments"]]
    lines += ["", f"## Every scope the product can ask for ({len(d['scopes'])})", ""]
    for s in d["scopes"]:
        base = " (asked for by the add-on in every host)" if s["addon_base"] else ""
        lines += [f"### {s['scope']}", f"{s['sensitivity'].capitalize()} scope{base}."]
        for st in s["steps"]:
            lines.append(f"- Step '{st['step']}': {st['what']}.")
        for op in s["operations"]:
            extra = " Asked for only if the organisation enables it." if op["permanent"] or op["source"] else ""
            who = f" For the {', '.join(op['roles'])} only." if op["roles"] else ""
            lines.append(f"  - {op['name']} ({op['step']}): {op['why']}{extra}{who}")
        if not s["operations"]:
            lines.append("- The add-on runtime itself (identity, the open item, locale); no DSAR step.")
        lines.append("")
    lines += [f"Google API Services User Data Policy: {d['policy_url']}", ""]
    return "\n".join(lines)
