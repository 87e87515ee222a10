"""Whether a case's tracker row is written or still pending, for ``dsar case show`` (text and ``--json``)
and the add-on's case card. Reads local files only: no Google call."""
from __future__ import annotations

from .pending import PendingWrites
from .sheet import load_config
from .writer import sentence


def tracker_status(services, ref: str) -> dict:
    """``{"state": "not set up"}``, ``{"state": "written", ...}`` or ``{"state": "pending", "error": ...,
    "since": ..., "last_attempt": ..., "attempts": n, ...}``. "written" means no write of this row is owed:
    every step writes it, ``dsar tracker init`` and ``sync`` write all rows, and a failure leaves it pending."""
    cfg = load_config(services.settings.home)
    if cfg is None:
        return {"state": "not set up", "hint": "the DPO creates the tracker with 'dsar tracker init'"}
    row = PendingWrites(services.settings.home).get(ref)
    where = {"spreadsheet_id": cfg.spreadsheet_id, "url": cfg.url, "owner": cfg.owner}
    return {**row.public(), **where} if row else {"state": "written", **where}


def status_line(status: dict) -> str | None:
    """One line for people, when there is something to say (a pending row, or no tracker at all)."""
    if status["state"] == "pending":
        return (f"Tracker row pending since {status['since']} ({status['attempts']} failed attempt(s)): "
                f"{sentence(status['error'])} It is retried with the next tracker write and by "
                "'dsar tracker sync'.")
    if status["state"] == "not set up":
        return "Tracker: none set up in this data folder (the DPO runs 'dsar tracker init')."
    return None
