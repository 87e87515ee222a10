"""Review before disclosure: each found item is included, excluded under an exemption (code and note
required) or marked not a match; duplicates are folded and decided in one stroke; the export follows the
decisions; a methodology statement records how the search was done.

* :mod:`.keys`        ``item_key(item)`` (stable across re-searches) and ``fold_key(item)`` (what it is a copy of);
* :mod:`.store`       ``ReviewStore(case_store)``: ``load(ref) -> {item_key: Decision}``, ``decide(...)``, history;
* :mod:`.exemptions`  the organisation's codes (``DSAR_HOME/exemptions.toml``; ``dsar init`` writes a starter);
* :mod:`.groups`      folding and filters (pure);  :mod:`.service`  list / decide / bulk, and the search's suppression;
* :mod:`.disclosure`  what the package holds and what was withheld;  :mod:`.methodology`  the statement.
"""
from __future__ import annotations

from .keys import fold_key, item_key
from .store import STATUSES, Decision, ReviewStore

__all__ = ["Decision", "ReviewStore", "STATUSES", "fold_key", "item_key"]
