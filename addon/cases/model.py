"""The case record. Subject identifiers are held only in memory here; at rest they are sealed under the
case's own key (see :mod:`addon.cases.store`), so shredding the key erases them with the audit ciphertexts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dsar_base.vocabulary import CASE_TYPES

from ..subjects.identifiers import Subject

#: Every right in a UK privacy notice that the tool tracks as a case (Art. 15, 17, 16, 18, 21, 21(3)).
TYPES = CASE_TYPES  # ("access", "erasure", "rectification", "restriction", "objection", "marketing_optout")
#: Restriction (Art. 18(1)(a)-(d)): why processing is to be restricted.
RESTRICTION_REASONS = ("accuracy_contested", "unlawful", "no_longer_needed", "objection_pending")


@dataclass
class Case:
    ref: str
    type: str
    status: str
    subject: Subject | None  # None once the case key has been shredded
    received: dt.date
    clock_start: dt.date
    due: dt.date
    extended_due: dt.date
    created_by: str
    created_at: str
    assignee: str | None = None
    extended: bool = False
    closed_at: str | None = None
    notes: str = ""
    region: str = "ENG"
    history: list[dict] = field(default_factory=list)
    #: Per-type facts, as personal as the subject (sealed with it at rest; see :mod:`addon.cases.details`):
    #: rectification ``{"corrections": [{"field", "wrong", "correct"}]}``, objection ``{"processing"}``,
    #: restriction ``{"reason"}`` (one of :data:`RESTRICTION_REASONS`), marketing_optout ``{}``.
    details: dict = field(default_factory=dict)

    @property
    def effective_due(self) -> dt.date:
        return self.extended_due if self.extended else self.due

    def public(self) -> dict:
        """What `--json` prints: no identifiers beyond the names the staff member typed."""
        return {
            "ref": self.ref, "type": self.type, "status": self.status,
            "received": self.received.isoformat(), "clock_start": self.clock_start.isoformat(),
            "due": self.due.isoformat(), "extended_due": self.extended_due.isoformat(),
            "effective_due": self.effective_due.isoformat(), "extended": self.extended, "assignee": self.assignee, "created_by": self.created_by,
            "created_at": self.created_at, "closed_at": self.closed_at,
            "details": None if self.subject is None else dict(self.details),
            "subject": None if self.subject is None else {
                "names": list(self.subject.names), "emails": list(self.subject.emails),
                "phones": list(self.subject.phones), "identifiers": list(self.subject.identifiers),
                "partial_names": list(self.subject.partial_names),
            },
        }
