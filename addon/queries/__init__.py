"""Server-side search queries that cast a wide-enough net for a subject, with no user string able to change a
query's meaning. Local matching (:mod:`addon.subjects.matching`) then decides what really is a mention."""
from __future__ import annotations

from . import drive as drive
from . import gmail as gmail
from .variants import Clause as Clause
from .variants import subject_clauses as subject_clauses
