"""The case lifecycle as data: statuses, which role may move a case from one status to the next, and
which need a reason. Pure; the store records each transition with its actor and time."""
from __future__ import annotations

from dsar_base.vocabulary import CASE_TYPES, OPEN, ROLES, STATUSES  # noqa: F401 (re-exported)

from ..errors import Conflict, ExitCode

#: Statuses, open statuses, roles and case types live in :mod:`dsar_base.vocabulary` (shared with the scope
#: registry); the transitions between them are the lifecycle's own.
_S, _D = frozenset({"staff", "dpo"}), frozenset({"dpo"})
#: (from, to) -> roles allowed. "system" is the product itself (e.g. a finished search job).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("received", "identity_check"): _S,
    ("received", "searching"): _S,
    ("identity_check", "searching"): _S,
    ("searching", "searching"): _S,
    ("searching", "review"): _S | {"system"},
    ("review", "searching"): _S,
    ("review", "responded"): _S,
    ("review", "erasure_planned"): _S,
    ("erasure_planned", "erasure_planned"): _S,
    ("erasure_planned", "searching"): _S,
    ("erasure_planned", "approved"): _D,
    ("approved", "erasure_planned"): _S,
    ("approved", "erased"): _S | {"system"},
    ("approved", "erasure_partial"): _S | {"system"},
    ("erasure_partial", "erasure_partial"): _S | {"system"},
    ("erasure_partial", "verified"): _S | {"system"},
    ("erased", "erased"): _S | {"system"},
    ("erased", "verified"): _S | {"system"},
    ("verified", "closed"): _S,
    ("responded", "closed"): _S,
}
for _from in sorted(OPEN & {s for pair in list(TRANSITIONS) for s in pair}):  # access/erasure's own statuses
    TRANSITIONS[(_from, "refused")] = _D
    TRANSITIONS[(_from, "withdrawn")] = _S
NEEDS_REASON = frozenset({"refused", "withdrawn", "objection_upheld", "objection_rejected", "lifted"})

#: The start every type shares: identity check, search, review (``review`` is "searched": a finished search
#: moves a case there). A search may be re-run from review.
_COMMON: dict[tuple[str, str], frozenset[str]] = {
    k: v for k, v in TRANSITIONS.items()
    if k in {("received", "identity_check"), ("received", "searching"), ("identity_check", "searching"),
             ("searching", "searching"), ("searching", "review"), ("review", "searching")}
}
_SYS = _S | {"system"}
#: Each type's own steps after review (see :mod:`dsar_base.vocabulary` for the whole path of each).
_OWN: dict[str, dict[tuple[str, str], frozenset[str]]] = {
    "rectification": {
        ("review", "rectification_planned"): _S, ("rectification_planned", "rectification_planned"): _S,
        ("rectification_planned", "searching"): _S,
        ("rectification_planned", "plan_approved"): _D,  # the DPO approves the plan's SHA-256
        ("plan_approved", "rectification_planned"): _S,
        ("plan_approved", "rectified"): _SYS, ("plan_approved", "rectification_partial"): _SYS,
        ("rectification_partial", "rectification_partial"): _SYS, ("rectification_partial", "rectified"): _SYS,
        ("rectified", "rectified"): _SYS,
        ("rectification_partial", "verified"): _SYS, ("rectified", "verified"): _SYS,
        ("verified", "closed"): _S,
    },
    "restriction": {
        ("review", "restricted"): _SYS, ("restricted", "restricted"): _SYS,  # re-run after new data: idempotent
        ("restricted", "lifted"): _D,  # lifting needs the DPO and a reason (Art. 18(3): tell the subject first)
        ("lifted", "closed"): _S,
    },
    "objection": {
        ("review", "objection_upheld"): _D, ("review", "objection_rejected"): _D,  # weighed by the DPO, with grounds
        ("objection_upheld", "closed"): _S, ("objection_rejected", "closed"): _S,
    },
    "marketing_optout": {
        # Art. 21(3) is absolute: suppress at once; a search first only to find rows in marketing lists
        ("received", "suppressed"): _SYS, ("identity_check", "suppressed"): _SYS, ("review", "suppressed"): _SYS,
        ("suppressed", "suppressed"): _SYS,
        ("suppressed", "closed"): _S,
    },
}


def _with_endings(table: dict[tuple[str, str], frozenset[str]]) -> dict[tuple[str, str], frozenset[str]]:
    table = dict(table)
    for (a, b) in list(table):
        for st in (a, b):
            if st in OPEN:
                table[(st, "refused")] = _D
                table[(st, "withdrawn")] = _S
    return table


#: type -> (from, to) -> roles. Access and erasure keep the table above (which they share).
TYPE_TRANSITIONS: dict[str, dict[tuple[str, str], frozenset[str]]] = {
    "access": TRANSITIONS, "erasure": TRANSITIONS,
    **{t: _with_endings({**_COMMON, **own}) for t, own in _OWN.items()},
}


def transitions_for(case_type: str | None) -> dict[tuple[str, str], frozenset[str]]:
    """The transitions a case of ``case_type`` may take (access/erasure's table for None or unknown)."""
    return TYPE_TRANSITIONS.get(case_type or "access", TRANSITIONS)


def statuses_for(case_type: str) -> tuple[str, ...]:
    """The statuses a case of ``case_type`` can be in, in lifecycle order."""
    table = transitions_for(case_type)
    used = {s for pair in table for s in pair}
    return tuple(s for s in STATUSES if s in used)


_ERASURE_STEPS = {"erasure_planned": "dsar erase plan", "approved": "dsar erase approve", "erased": "dsar erase run",
                  "erasure_partial": "dsar erase run", "verified": "dsar erase verify"}
#: type -> status -> the command that does the work and then records the status. A bare status change
#: (``dsar case status``, the sidebar's Status menu) would claim work not done, so it is refused there.
STEP_ONLY: dict[str, dict[str, str]] = {
    "access": _ERASURE_STEPS, "erasure": _ERASURE_STEPS,
    "rectification": {"rectification_planned": "dsar rectify plan", "plan_approved": "dsar rectify approve",
                      "rectified": "dsar rectify run", "rectification_partial": "dsar rectify run",
                      "verified": "dsar rectify verify"},
    "restriction": {"restricted": "dsar restrict mark", "lifted": "dsar restrict lift"},
    "objection": {"objection_upheld": "dsar objection decide", "objection_rejected": "dsar objection decide"},
    "marketing_optout": {"suppressed": "dsar suppression apply"},
}


class TransitionError(Conflict, PermissionError):
    """A status change that the lifecycle does not allow from the case's current status."""


class TransitionRefused(TransitionError):
    """A status change the actor's role does not allow."""

    exit_code = ExitCode.ROLE_REFUSED


class TransitionInvalid(TransitionError):
    """A status name that does not exist, or a change that needs a reason given without one."""

    exit_code = ExitCode.INPUT


class StepOnly(TransitionInvalid):
    """A status that only its own step may set (see :data:`STEP_ONLY`)."""


def check_manual(case_type: str | None, target: str, ref: str = "REF") -> None:
    """Refuse a bare status change to a status that a step records after doing its work."""
    command = STEP_ONLY.get(case_type or "access", {}).get(target)
    if command:
        raise StepOnly(f"status: {target!r} is recorded by '{command} {ref}', which does the work first; "
                       "a bare status change would claim work not done")


def check_transition(current: str, target: str, role: str, reason: str | None = None,
                     case_type: str | None = None) -> None:
    """Refuse a change the type's lifecycle, the role or a missing reason does not allow."""
    if target not in STATUSES:
        raise TransitionInvalid(f"status: {target!r} is not a case status ({', '.join(STATUSES)})")
    allowed = transitions_for(case_type).get((current, target))
    if allowed is None:
        kind = f"an {case_type}" if (case_type or "a")[0] in "aeiou" else f"a {case_type}"
        raise TransitionError(f"status: {kind if case_type else 'a'} case in {current!r} cannot move to {target!r}")
    if role not in allowed:
        who = " or ".join(sorted(allowed))
        raise TransitionRefused(f"role: moving a case from {current!r} to {target!r} needs the {who} role; you are {role}")
    if target in NEEDS_REASON and not (reason or "").strip():
        raise TransitionInvalid(f"reason: moving a case to {target!r} needs a reason")
