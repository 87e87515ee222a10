"""The scope registry: one source of truth for which operation may call which Google API method under
which scope, in which workflow step and case status. Everything that asks Google for a token
(incremental authorization), checks a call (the guard) or declares scopes (the manifests) asks here.

All functions are pure over the catalog; :func:`consistency_problems` checks the catalog against Google's
own discovery documents, so a wrong method id or a scope Google would refuse fails a test, not a user.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from . import discovery
from .catalog import ADDON_BASE_SCOPES, AUTH_ENDPOINTS, OPERATIONS as _CATALOG
from .errors import RegistryInconsistent, UnknownOperation, UnknownStep
from .model import (
    CASE_STATUSES, DRIVE, DRIVE_FILE, GMAIL_METADATA, GMAIL_MODIFY, GMAIL_READONLY, MAIL_FULL, SCOPE_CLASS,
    SENSITIVITIES, SPREADSHEETS, STEPS, Operation, sensitivity_of, short,
)

__all__ = [
    "ADDON_BASE_SCOPES", "OPERATIONS", "Operation", "STEPS", "accepted_scopes", "all_declared_scopes",
    "check_consistency", "consistency_problems", "missing_scopes", "operation", "operations",
    "operations_for_api_method", "resolve_operation", "scopes_for_operations", "scopes_for_step",
]

OPERATIONS: Mapping[str, Operation] = {op.name: op for op in _CATALOG}

#: Scopes that allow changing or deleting user data; steps that only read must never ask for them.
WRITE_SCOPES = frozenset({MAIL_FULL, GMAIL_MODIFY, DRIVE, DRIVE_FILE, SPREADSHEETS})
READ_ONLY_STEPS = ("search", "export", "context", "intake")


def _dedupe(scopes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(scopes))


def operation(name: str) -> Operation:
    try:
        return OPERATIONS[name]
    except KeyError:
        raise UnknownOperation(name) from None


def operations(step: str | None = None) -> tuple[Operation, ...]:
    """Every declared operation, or a step's, in catalog order."""
    if step is not None and step not in STEPS:
        raise UnknownStep(f"step: {step!r} is not a workflow step ({', '.join(STEPS)})")
    return tuple(op for op in OPERATIONS.values() if step is None or op.step == step)


#: The optional sources whose operations carry ``source``; pass as ``sources=`` to include them all (manifests).
OPTIONAL_SOURCES = ("calendar", "contacts", "chat", "forms")


def scopes_for_step(step: str, *, permanent_delete: bool = False,
                    sources: Iterable[str] = ()) -> tuple[str, ...]:
    """The scopes to ask for when a step starts (incremental authorization).

    A search asks for read scopes only; erase scopes come only with an approved erasure, and the scopes of
    irreversible operations (``https://mail.google.com/``) only where permanent deletion is configured.
    Operations of an optional source (Calendar, Contacts, Chat, Forms) count only when ``sources`` names it:
    the organisation enabled it (``addon.search.coverage.enabled_sources``).
    """
    on = set(sources)
    return _dedupe(s for op in operations(step) if (permanent_delete or not op.permanent)
                   and (not op.source or op.source in on) for s in op.scopes)


def scopes_for_operations(names: Iterable[str]) -> tuple[str, ...]:
    """The scopes a client needs to perform exactly these operations."""
    return _dedupe(s for name in names for s in operation(name).scopes)


def missing_scopes(granted: Iterable[str], step: str, *, permanent_delete: bool = False,
                   sources: Iterable[str] = ()) -> tuple[str, ...]:
    """The step's scopes the user has not granted (granular consent lets them grant a subset): the add-on
    answers with ``requesting_google_scopes`` listing these."""
    have = set(granted)
    return tuple(s for s in scopes_for_step(step, permanent_delete=permanent_delete, sources=sources)
                 if s not in have)


def all_declared_scopes() -> tuple[str, ...]:
    """Every scope any operation may ask for, in catalog order."""
    return _dedupe(s for op in OPERATIONS.values() for s in op.scopes)


def operations_for_api_method(api_method: str) -> list[Operation]:
    """The operations that may call ``api_method`` (e.g. ``gmail.users.messages.get``), in catalog order."""
    return [op for op in OPERATIONS.values() if api_method in op.api_methods]


def accepted_scopes(api_method: str) -> tuple[str, ...]:
    """The scopes Google accepts for a method (discovery document, or the OAuth endpoints' table)."""
    if api_method in AUTH_ENDPOINTS:
        return AUTH_ENDPOINTS[api_method]
    info = discovery.methods().get(api_method)
    return info.scopes if info else ()


def is_known_method(api_method: str) -> bool:
    return api_method in AUTH_ENDPOINTS or api_method in discovery.methods()


def resolve_operation(step: str, api_method: str, params: dict | None = None) -> str | None:
    """The operation a call serves in ``step`` (see :mod:`scopes.resolve`); imported lazily (it imports us)."""
    from .resolve import resolve_operation as resolve

    return resolve(step, api_method, params)


# -- consistency -----------------------------------------------------------------------------------------

def _operation_problems(op: Operation) -> list[str]:
    p: list[str] = []
    where = f"{op.name}:"
    if op.step not in STEPS:
        p.append(f"{where} step {op.step!r} is not one of {', '.join(STEPS)}")
    if not op.api_methods:
        p.append(f"{where} declares no API method")
    if len(op.justification.strip()) < 40:
        p.append(f"{where} the Limited Use justification is missing or too short")
    if not op.allowed_statuses:
        p.append(f"{where} allows no case status")
    for st in sorted(op.allowed_statuses - set(CASE_STATUSES)):
        p.append(f"{where} allowed status {st!r} is not a case status")
    unclassified = [s for s in op.scopes if s not in SCOPE_CLASS]
    for s in unclassified:
        p.append(f"{where} scope {s} has no sensitivity class")
    if op.sensitivity not in SENSITIVITIES:
        p.append(f"{where} sensitivity {op.sensitivity!r} is not one of {', '.join(SENSITIVITIES)}")
    elif not unclassified and op.sensitivity != sensitivity_of(op.scopes):
        p.append(f"{where} is marked {op.sensitivity} but its scopes are {sensitivity_of(op.scopes)}")
    for m in op.api_methods:
        if not is_known_method(m):
            p.append(f"{where} API method {m!r} is not in Google's discovery documents")
            continue
        accepted = set(accepted_scopes(m))
        if op.scopes and not accepted & set(op.scopes):
            p.append(f"{where} Google accepts none of its scopes ({', '.join(map(short, op.scopes))}) for {m}"
                     f" (accepted: {', '.join(sorted(map(short, accepted)))})")
        if not op.scopes and accepted:
            p.append(f"{where} requests no scope but {m} needs one of {', '.join(sorted(map(short, accepted)))}")
        if op.step in READ_ONLY_STEPS and m in discovery.methods() and discovery.methods()[m].http_method != "GET":
            p.append(f"{where} is a {op.step} operation but {m} is a {discovery.methods()[m].http_method} method")
    known = [m for m in op.api_methods if is_known_method(m)]
    for s in op.scopes:
        if known and not any(s in accepted_scopes(m) for m in known):
            p.append(f"{where} requests {short(s)}, which none of its API methods accepts (over-broad request)")
    if MAIL_FULL in op.scopes and not op.permanent:
        p.append(f"{where} requests https://mail.google.com/ but is not marked permanent")
    return p


def consistency_problems(ops: Iterable[Operation] | None = None) -> list[str]:
    """Every way the registry disagrees with Google's discovery documents or with its own rules."""
    ops = list(OPERATIONS.values() if ops is None else ops)
    problems: list[str] = []
    seen: set[str] = set()
    for op in ops:
        if op.name in seen:
            problems.append(f"{op.name}: declared twice")
        seen.add(op.name)
        problems += _operation_problems(op)
    for step in STEPS:
        scopes = {s for op in ops if op.step == step for s in op.scopes}
        if GMAIL_METADATA in scopes and scopes & {GMAIL_READONLY, GMAIL_MODIFY, MAIL_FULL}:
            problems.append(f"step {step}: combines gmail.metadata with a full-read Gmail scope "
                            "(q and format=full are refused when gmail.metadata is on the token)")
        if step in READ_ONLY_STEPS:
            for s in sorted(scopes & WRITE_SCOPES):
                problems.append(f"step {step}: asks for write scope {short(s)} but only reads")
    for s in ADDON_BASE_SCOPES:
        if s not in SCOPE_CLASS:
            problems.append(f"add-on base scope {s} has no sensitivity class")
    return problems


def check_consistency(ops: Iterable[Operation] | None = None) -> None:
    problems = consistency_problems(ops)
    if problems:
        raise RegistryInconsistent(problems)
