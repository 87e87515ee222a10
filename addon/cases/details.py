"""The facts each case type needs beyond the subject, checked before a case is opened.

Why here and pure: the CLI (``dsar case open``), the sidebar's form and intake confirmation all open
cases, and each must refuse the same bad input with the same one-line error naming the option. The
values are personal data (a wrong address, the processing someone objects to), so the store seals them
under the case key together with the subject.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..errors import InputError
from ..subjects.identifiers import _has_control
from .model import RESTRICTION_REASONS, TYPES

#: A value to correct is a field's content, not a document.
MAX_VALUE = 500
MAX_TEXT = 2000
#: What ``--field`` means when not given: the correction applies wherever the wrong value appears.
ANY_FIELD = "any"

#: The option each type requires (for the error that says which is missing).
REQUIRED = {"rectification": "--wrong/--correct", "objection": "--processing", "restriction": "--reason"}


def _text(option: str, value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(option, "is empty")
    text = value.strip()
    if _has_control(text.replace("\t", " ")) or "\n" in text or "\r" in text:
        raise InputError(option, "contains a line break or control character")
    if len(text) > limit:
        raise InputError(option, f"is {len(text)} characters long; the limit is {limit}")
    return text


def corrections(wrong: Iterable[str], correct: Iterable[str], fields: Iterable[str] = ()) -> list[dict[str, str]]:
    """Pair each ``--wrong`` with the ``--correct`` in the same position (and ``--field``, if given)."""
    wrong, correct, fields = list(wrong), list(correct), list(fields)
    if not wrong and not correct:
        raise InputError("--wrong", "a rectification needs the wrong value and the correct one "
                                    "(--wrong OLD --correct NEW, repeatable)")
    if len(wrong) != len(correct):
        raise InputError("--correct", f"{len(wrong)} --wrong value(s) but {len(correct)} --correct value(s): "
                                      "give them in pairs, in the same order")
    if fields and len(fields) != len(wrong):
        raise InputError("--field", f"{len(fields)} --field name(s) for {len(wrong)} correction(s): give one per "
                                    "pair, or none (the correction then applies to any field)")
    out = []
    for i, (w, c) in enumerate(zip(wrong, correct)):
        w, c = _text("--wrong", w, MAX_VALUE), _text("--correct", c, MAX_VALUE)
        if w.casefold() == c.casefold():
            raise InputError("--correct", f"correction {i + 1}: the correct value is the same as the wrong one")
        field = _text("--field", fields[i], 100).lower() if fields else ANY_FIELD
        out.append({"field": field, "wrong": w, "correct": c})
    seen = set()
    for c in out:
        key = (c["field"], c["wrong"].casefold())
        if key in seen:
            raise InputError("--wrong", f"{c['wrong']!r} is given twice for the field {c['field']!r}")
        seen.add(key)
    return out


def check_details(case_type: str, details: dict[str, Any] | None) -> dict[str, Any]:
    """The details dict a case of ``case_type`` stores, normalised; refuses keys of another type."""
    if case_type not in TYPES:
        raise InputError("--type", f"{case_type!r} is not a case type ({', '.join(TYPES)})")
    details = dict(details or {})
    if case_type == "rectification":
        items = details.pop("corrections", None)
        if not items:
            raise InputError("--wrong", "a rectification needs the wrong value and the correct one "
                                        "(--wrong OLD --correct NEW, repeatable)")
        out: dict[str, Any] = {"corrections": corrections([i.get("wrong") for i in items],
                                                          [i.get("correct") for i in items],
                                                          [i.get("field") or ANY_FIELD for i in items])}
    elif case_type == "objection":
        out = {"processing": _text("--processing", details.pop("processing", None) or "", MAX_TEXT)}
    elif case_type == "restriction":
        reason = (details.pop("reason", None) or "").strip().lower().replace("-", "_")
        if reason not in RESTRICTION_REASONS:
            raise InputError("--reason", f"{reason or '(none)'!r} is not a restriction reason "
                                         f"({', '.join(RESTRICTION_REASONS)}; Art. 18(1)(a)-(d))")
        out = {"reason": reason}
    else:
        out = {}
    if details:
        raise InputError(f"--{sorted(details)[0]}", f"does not apply to a {case_type} case")
    return out


def from_options(case_type: str, wrong=(), correct=(), fields=(), processing=None, reason=None) -> dict[str, Any]:
    """The CLI's per-type options as a details dict, refusing options that belong to another type."""
    given = {"--wrong": bool(wrong), "--correct": bool(correct), "--field": bool(fields),
             "--processing": processing is not None, "--reason": reason is not None}
    own = {"rectification": {"--wrong", "--correct", "--field"}, "objection": {"--processing"},
           "restriction": {"--reason"}}.get(case_type, set())
    for option, present in given.items():
        if present and option not in own:
            raise InputError(option, f"does not apply to a {case_type} case")
    if case_type == "rectification":
        return check_details(case_type, {"corrections": corrections(wrong, correct, fields)})
    if case_type == "objection":
        return check_details(case_type, {"processing": processing or ""})
    if case_type == "restriction":
        return check_details(case_type, {"reason": reason or ""})
    return check_details(case_type, {})
