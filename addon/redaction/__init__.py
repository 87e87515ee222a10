"""Redaction of other people's personal data in the subject access package (UK GDPR Art. 15(4), DPA 2018
Sch. 2 para 16): pure functions that propose redactions in an item's text, apply staff changes, and render
redacted copies. The originals in Workspace are never touched; I/O lives in :mod:`.directory` only.

* :mod:`.people`  who the third parties are: the Admin Directory, the email headers, quoted reply headers;
* :mod:`.detect`  where they are in the text (plus any email address or phone number), never the requester;
* :mod:`.decide`  staff additions and removals (``Decision.redactions_added`` / ``redactions_removed``);
* :mod:`.render`  HTML copies with black boxes, and redacted CSV cells;
* :mod:`.schedule` the redaction schedule (``redactions.csv``): item, kind, exemption code, never the text;
* :mod:`.mailview` an email as the parts a copy shows;  :mod:`.directory` the Directory read (I/O, the seam);
* :mod:`.changes` staff's changes, kept in the review decision (``dsar redact``).
The export step that uses them is :mod:`addon.export.redacted`.
"""
from __future__ import annotations

from .decide import apply_decision
from .detect import propose
from .model import KINDS, MARK, Part, Person, Redaction
from .people import directory_people, header_people, requester_filter

__all__ = ["KINDS", "MARK", "Part", "Person", "Redaction", "apply_decision", "directory_people", "header_people",
           "propose", "requester_filter"]
