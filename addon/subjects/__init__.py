"""The data subject: validated identifiers, text folding, and local matching of text and sheet rows."""
from __future__ import annotations

from .identifiers import Subject as Subject
from .identifiers import make_subject as make_subject
from .matching import Hit as Hit
from .matching import Matcher as Matcher
