"""Words the workflow, the scope registry and the audit seam share: the kinds of request, the case
statuses and the staff roles. Data only. The lifecycle (``addon.cases.lifecycle``) owns the transitions
between statuses and re-exports these names; the registry (``scopes.model``) gates operations on them."""
from __future__ import annotations

#: Kinds of request a case can be (UK GDPR Art. 15 access, Art. 17 erasure).
CASE_TYPES: tuple[str, ...] = ("access", "erasure")
#: ... and the other rights a UK privacy notice promises (issue 15): Art. 16 rectification, Art. 18
#: restriction, Art. 21(1) objection, Art. 21(2)-(3) the direct-marketing opt-out.
CASE_TYPES += ("rectification", "restriction", "objection", "marketing_optout")

STATUSES: tuple[str, ...] = (
    "received", "identity_check", "searching", "review", "responded", "erasure_planned", "approved",
    "erasure_partial", "erased", "verified", "closed", "refused", "withdrawn",
)
#: Statuses of the four rights added by issue 15 (their transitions: ``addon.cases.lifecycle``).
#: rectification: review → rectification_planned → plan_approved (DPO) → rectified | rectification_partial
#: (a Doc awaits a manual edit) → verified → closed. restriction: review → restricted → lifted → closed.
#: objection: review → objection_upheld | objection_rejected (DPO, with grounds) → closed.
#: marketing_optout: received (or review) → suppressed → closed.
STATUSES += ("rectification_planned", "plan_approved", "rectified", "rectification_partial", "restricted",
             "lifted", "objection_upheld", "objection_rejected", "suppressed")
#: ``erasure_partial``: the run did everything it could, but something remains for a person (a Google Doc
#: awaiting manual redaction); ``erased`` only when nothing does. Verification moves either to verified.
OPEN: frozenset[str] = frozenset(STATUSES) - {"closed", "refused", "withdrawn"}
#: Staff roles; "system" (the product itself) is not a role a person can hold.
ROLES: tuple[str, ...] = ("staff", "dpo", "auditor")
