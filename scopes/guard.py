"""The guard: decides whether one Google API call may be made, from the declared operation it serves,
the scopes on the token and the case it is for. It performs no I/O; the audited transport asks it
before every call (and every batch part) and records a refusal with the decision's reason.

A call is allowed only when all of these hold:
  (a) the operation is declared in the registry;
  (b) the API method is one the operation declares;
  (c) a granted scope is both declared by the operation and accepted by Google for that method
      (a broader scope the user happens to have granted does not widen what an operation may do);
  (d) the operation has a purpose: an open case in a status the operation allows (if it needs a case);
and, for irreversible operations, permanent deletion is enabled for this deployment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from . import registry
from .errors import GuardRefusal
from .model import Operation, short


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    operation: str | None = None
    api_method: str | None = None
    scope: str | None = None  # the granted scope that authorises an allowed call


def _names(scopes: Iterable[str]) -> str:
    return ", ".join(sorted(short(s) for s in scopes)) or "none"


class Guard:
    """``permanent_delete`` enables irreversible operations (``gmail.delete_permanently``, ``drive.delete``);
    off by default so that a deployment must opt in, as it must to get ``https://mail.google.com/``."""

    def __init__(self, operations: Mapping[str, Operation] | None = None, *, permanent_delete: bool = False) -> None:
        self.operations = registry.OPERATIONS if operations is None else operations
        self.permanent_delete = permanent_delete

    def check(self, operation: str | None, api_method: str, granted_scopes: Iterable[str],
              case_status: str | None, *, has_case: bool | None = None, role: str | None = None) -> Decision:
        """Whether the call may go ahead; ``has_case`` defaults to "a case status was given"; ``role`` is
        the acting role, checked for operations that name theirs."""
        op = self.operations.get(operation or "")
        if op is None:
            return Decision(False, f"undeclared operation: {operation!r} is not in the scope registry",
                            operation, api_method)

        def refuse(reason: str) -> Decision:
            return Decision(False, reason, op.name, api_method)

        if api_method not in op.api_methods:
            return refuse(f"wrong API method: {op.name} may call only {', '.join(op.api_methods)}, "
                          f"not {api_method}")
        if op.roles and role not in op.roles:
            return refuse(f"role: {op.name} is for the {' or '.join(sorted(op.roles))} role only; "
                          f"this call is made {'as ' + role if role else 'without a role'}")
        if op.permanent and not self.permanent_delete:
            return refuse(f"permanent deletion is not enabled: {op.name} is irreversible and this deployment "
                          "is configured to trash instead")
        granted = set(granted_scopes)
        scope = None
        if op.scopes:
            usable = [s for s in op.scopes if s in registry.accepted_scopes(api_method)]
            held = [s for s in usable if s in granted]
            if not held:
                return refuse(f"missing scope: {op.name} needs {_names(usable)} for {api_method}; "
                              f"the token grants {_names(granted)}")
            scope = held[0]
        if op.needs_case:
            if has_case is None:
                has_case = case_status is not None
            if not has_case:
                return refuse(f"no purpose: {op.name} needs an open case and the call names none")
            if case_status not in op.allowed_statuses:
                state = f"is {case_status}" if case_status else "has no known status"
                return refuse(f"no purpose: {op.name} may run only while a case is "
                              f"{', '.join(sorted(op.allowed_statuses))}; this case {state}")
        why = f"under {short(scope)}" if scope else "no scope needed"
        where = f", case {case_status}" if op.needs_case else ""
        return Decision(True, f"allowed: {op.name} -> {api_method} ({why}{where})", op.name, api_method, scope)

    def require(self, operation: str | None, api_method: str, granted_scopes: Iterable[str],
                case_status: str | None, *, has_case: bool | None = None, role: str | None = None) -> Decision:
        """:meth:`check`, raising :class:`GuardRefusal` when the call is refused."""
        decision = self.check(operation, api_method, granted_scopes, case_status, has_case=has_case, role=role)
        if not decision.allowed:
            raise GuardRefusal(decision)
        return decision
