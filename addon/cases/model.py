"""The case record. Subject identifiers are held only in memory here; at rest they are sealed under the
case's own key (see :mod:`addon.cases.store`), so shredding the key erases them with the audit ciphertexts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..subjects.identifiers import Subject

TYPES = ("access", "erasure")


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
            "subject": None if self.subject is None else {
                "names": list(self.subject.names), "emails": list(self.subject.emails),
                "phones": list(self.subject.phones), "identifiers": list(self.subject.identifiers),
                "partial_names": list(self.subject.partial_names),
            },
        }
