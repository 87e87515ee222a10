"""Which request an incoming message reads as, conservatively.

Why conservative: a proposal costs a person a glance, a wrong case costs a month's clock, so a rule needs a
phrase a person writes when making that request ("copy of my data", "delete my ...", "unsubscribe" in the
subject line), never a lone word that ordinary mail uses ("correct" in "is the rota correct?"). A message
matching no rule is not proposed; one matching rules of two types is proposed without a type, and the person
confirming it chooses. Automated senders (no-reply, mailer daemons, bulk mail) are never proposed.
Pure: headers and text in, a :class:`Proposal` out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_W = r"(?:all\s+|any\s+)?(?:of\s+)?"
#: (case type, rule name, pattern). Rule names, not the text they matched, are kept and shown.
RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (t, name, re.compile(p, re.I)) for t, name, p in (
        ("access", "subject access", r"\bsubject\s+access(\s+request)?\b|\bDSAR\b|\bSAR\b"),
        ("access", "copy of my data", r"\bcop(y|ies)\s+of\s+" + _W + r"(my|the)\s+(personal\s+)?(data|information|records?)\b"),
        ("access", "what data you hold", r"\bwhat\s+(personal\s+)?(data|information)\s+(you|do\s+you)\s+(hold|have|keep)\b"),
        ("erasure", "delete my data", r"\b(delete|erase|remove)\s+" + _W + r"(my|me)\b"),
        ("erasure", "erasure", r"\berasure\b|\bright\s+to\s+be\s+forgotten\b"),
        ("rectification", "correct my data", r"\bcorrect\s+(my|the|your\s+record\s+of\s+my)\b|\brectif(y|ication)\b"),
        ("rectification", "incorrect data", r"\b(incorrect|inaccurate|out\s+of\s+date|wrong)\s+(personal\s+)?"
                                            r"(data|details|information|address|name|number|records?)\b"
                                            r"|\b(address|name|number|details|date\s+of\s+birth)\s+(is|are)\s+"
                                            r"(wrong|incorrect|inaccurate|out\s+of\s+date)\b"),
        ("objection", "object to", r"\b(i\s+)?object(ion)?\s+to\b|\bright\s+to\s+object\b"),
        ("restriction", "restrict processing", r"\brestrict(ion\s+of)?\s+(the\s+)?(processing|use)\b"),
    )
)
#: The subject-line rule (Art. 21(3) opt-out, as the privacy notice says: reply with "unsubscribe").
UNSUBSCRIBE = re.compile(r"\bunsubscribe\b", re.I)
#: Senders that are machines, whose "unsubscribe" or "delete" is never a person's request.
AUTOMATED = re.compile(r"^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?)([+.@-]|$)", re.I)
#: Precedence/Auto-Submitted values of bulk and automatic mail (RFC 3834, common practice).
BULK = ("bulk", "list", "junk", "auto-reply", "auto-generated", "auto-replied", "auto-notified")


@dataclass(frozen=True)
class Proposal:
    case_type: str | None  # None: rules of more than one type matched; the person confirming chooses
    rules: tuple[str, ...]  # the rule names that matched, e.g. ("subject line: unsubscribe",)
    candidates: tuple[str, ...]  # every type that matched, in RULES order


def is_automated(sender: str, headers: dict[str, str]) -> bool:
    local = sender.rsplit("@", 1)[0] if "@" in sender else sender
    if AUTOMATED.match(local or ""):
        return True
    for name in ("precedence", "auto-submitted"):
        value = (headers.get(name) or "").strip().lower()
        if value and value != "no" and any(value.startswith(b) for b in BULK):
            return True
    return False


def classify(sender: str, subject: str, body: str, headers: dict[str, str] | None = None) -> Proposal | None:
    """The proposal for a message, or None when it should not be proposed."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not sender or is_automated(sender, headers):
        return None
    if UNSUBSCRIBE.search(subject or ""):
        return Proposal("marketing_optout", ("subject line: unsubscribe",), ("marketing_optout",))
    text = f"{subject or ''}\n{body or ''}"
    rules, types = [], []
    for case_type, name, pattern in RULES:
        if pattern.search(text):
            rules.append(name)
            if case_type not in types:
                types.append(case_type)
    if not types:
        return None
    return Proposal(types[0] if len(types) == 1 else None, tuple(rules), tuple(types))
