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
for _from in OPEN:
    TRANSITIONS[(_from, "refused")] = _D
    TRANSITIONS[(_from, "withdrawn")] = _S
NEEDS_REASON = frozenset({"refused", "withdrawn"})


class TransitionError(Conflict, PermissionError):
    """A status change that the lifecycle does not allow from the case's current status."""


class TransitionRefused(TransitionError):
    """A status change the actor's role does not allow."""

    exit_code = ExitCode.ROLE_REFUSED


class TransitionInvalid(TransitionError):
    """A status name that does not exist, or a change that needs a reason given without one."""

    exit_code = ExitCode.INPUT


def check_transition(current: str, target: str, role: str, reason: str | None = None) -> None:
    if target not in STATUSES:
        raise TransitionInvalid(f"status: {target!r} is not a case status ({', '.join(STATUSES)})")
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise TransitionError(f"status: a case in {current!r} cannot move to {target!r}")
    if role not in allowed:
        who = " or ".join(sorted(allowed))
        raise TransitionRefused(f"role: moving a case from {current!r} to {target!r} needs the {who} role; you are {role}")
    if target in NEEDS_REASON and not (reason or "").strip():
        raise TransitionInvalid(f"reason: moving a case to {target!r} needs a reason")
