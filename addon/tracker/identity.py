"""As whom the tracker is written, and what to tell people when Google says it cannot be reached.

The tracker lives in its owner's Drive (whoever ran ``dsar tracker init``, normally the DPO) and is shared
with nobody by default, so writing it as the staff member who acted fails with 403/404 from Google. Where the
product acts through a service account with domain-wide delegation (organisation mode, and the sandbox,
which plays that role), the tracker is written **as its owner**; the audit record still names the acting
staff member as the actor, with the case and purpose, and the seam notes the principal used. In user mode
(one signed-in person) the product can act only as that person: a staff member then needs the sheet shared
with them as an editor, and until it is, their rows wait as pending writes for the owner's next sync.
"""
from __future__ import annotations

from ..auth.service_account import acts_as_service_account
from .sheet import TrackerConfig, TrackerError, TrackerSheet


def writing_identity(settings, cfg: TrackerConfig, actor: str) -> str:
    """The Google identity tracker calls use: the owner when delegation allows it, else the actor."""
    if acts_as_service_account(settings):
        return cfg.owner.lower()
    return actor.lower()


def can_ask_owner(settings, cfg: TrackerConfig, principal: str) -> bool:
    """Whether we can ask the owner's own Drive about the sheet (to tell 'deleted' from 'not shared')."""
    return principal.lower() == cfg.owner.lower() or acts_as_service_account(settings)


def explain_unreachable(e: TrackerError, cfg: TrackerConfig, owner_sheet: TrackerSheet | None) -> TrackerError:
    """A 403/404 restated with what the owner's Drive says: deleted or trashed (then, and only then, is
    'dsar tracker init --force' the advice) or still there (then it is access, as ``e`` already says).
    ``owner_sheet`` is the sheet opened as its owner, or None when we cannot act as the owner."""
    if e.code not in (403, 404) or owner_sheet is None:
        return e
    try:
        state = owner_sheet.drive_state()
    except TrackerError:
        return e  # we could not ask; the access advice stands, and nothing claims the sheet is gone
    what = f"the tracker spreadsheet {cfg.spreadsheet_id}"
    if state == "gone":
        return TrackerError(
            f"tracker: {e.doing} {what} failed ({e.code}): {cfg.owner}, its owner, no longer has it in Drive: it "
            "was deleted (or tracker.json in the data folder names a spreadsheet that was never theirs). Create a "
            "new one with 'dsar tracker init --force' (it refills every row from the case store).", e.code, e.doing)
    if state == "trashed":
        return TrackerError(
            f"tracker: {what} is in the Drive trash of {cfg.owner}, its owner: restore it (Google Drive > Trash > "
            "Restore), then run 'dsar tracker sync'; or create a new one with 'dsar tracker init --force'.",
            e.code, e.doing)
    return e
