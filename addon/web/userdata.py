"""Reads made with the staff member's own OAuth token from the event (``userOAuthToken``): the sender of
the message they have open, and the files they selected in Drive. The token is for that user's own data
only, so the client factory refuses any other principal; every call passes the audited seam with a
stated purpose, like every other Google call of the product."""
from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any, Iterable

from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from audit.context import Purpose, acting
from scopes import registry

from ..cases.model import Case
from ..clients import Clients
from ..errors import ConfigError, DsarError
from ..search.drive import DriveUnit
from ..search.service import search_purpose
from ..subjects.matching import Matcher
from .cards.context import FileVerdict, Sender
from .events import Event

CONTEXT_OPS = ("gmail.current_message",)
FILE_CHECK_OPS = ("drive.read", "drive.export", "sheets.read")
SHEET = "application/vnd.google-apps.spreadsheet"


def user_clients(services: Any, event: Event, user: str, granted: Iterable[str]) -> Clients:
    if not event.user_oauth_token:
        raise DsarError("event: Google sent no userOAuthToken; reopen the add-on")
    creds = Credentials(token=event.user_oauth_token, scopes=sorted(granted))

    def source(principal: str, scopes: tuple[str, ...]) -> Credentials:
        if principal.lower() != user:
            raise ConfigError(f"the sidebar token of {user} may read only {user}'s own data, not {principal}'s")
        return creds

    return Clients(services.settings, services.seam, credential_source=source)


def read_sender(services: Any, event: Event, user: str, granted: Iterable[str]) -> Sender | None:
    """The open message's From header: one metadata read under the per-message token (§1.3)."""
    assert event.gmail is not None
    gmail = user_clients(services, event, user, granted).gmail(user, registry.scopes_for_operations(CONTEXT_OPS))
    req = gmail.users().messages().get(userId="me", id=event.gmail.api_message_id, format="metadata",
                                       metadataHeaders=["From", "Subject"])  # Subject: the type to pre-select
    if event.gmail.access_token:
        req.headers["X-Goog-Gmail-Access-Token"] = event.gmail.access_token
    purpose = Purpose(actor=user, step="context", purpose="Show the sender of the open message so the staff "
                      "member can open a request for them", legal_basis="UK GDPR Art. 6(1)(c): answering a "
                      "data-subject request (Art. 12(2) facilitate the exercise of rights)")
    with acting(purpose):
        msg = req.execute()
    headers = {h.get("name", "").lower(): h.get("value", "") for h in (msg.get("payload") or {}).get("headers", [])}
    name, addr = email.utils.parseaddr(headers.get("from", ""))
    if "@" not in addr:
        return None
    from ..intake.mailbox import LONDON

    stamp = int(msg.get("internalDate") or 0) / 1000
    received = (dt.datetime.fromtimestamp(stamp, dt.timezone.utc).astimezone(LONDON).date() if stamp else None)
    return Sender(name.strip(), addr.strip().lower(), headers.get("subject", ""), received)


def check_files(services: Any, event: Event, user: str, granted: Iterable[str], case: Case,
                file_ids: list[str]) -> list[FileVerdict]:
    """Read each selected file (the user's own Drive) and say whether the case's subject is in it. Reuses the
    search's own confirmation (Docs exported as text, sheets read row by row) so the verdict is the same."""
    if case.subject is None:
        raise DsarError(f"case: {case.ref}'s identifiers were shredded; nothing to check against")
    clients = user_clients(services, event, user, granted)
    scopes = registry.scopes_for_operations(FILE_CHECK_OPS)
    unit = DriveUnit(user, clients.drive(user, scopes), clients.sheets(user, scopes), [], Matcher(case.subject),
                     {}, lambda _state: None, lambda _items: None)
    out: list[FileVerdict] = []
    with acting(search_purpose(case, user, case.status)):
        for fid in file_ids:
            try:
                meta = unit.drive.files().get(fileId=fid, fields="id, name, mimeType, size, trashed").execute()
            except HttpError as e:
                out.append(FileVerdict(fid, "not checked", f"Drive answered {e.resp.status}"))
                continue
            if meta["mimeType"] == SHEET:
                rows = unit._sheet_rows(meta, meta["name"])  # noqa: SLF001 - the search's own row matcher
                detail = ", ".join(f"{r['sheet']} row {r['row']}" for r in rows[:5])
                out.append(FileVerdict(meta["name"], "match" if rows else "no match", detail))
                continue
            found = unit._confirm_file(meta, meta["name"])  # noqa: SLF001 - the search's own confirmation
            by_index = bool(found) and found[0].get("confirmed_by") == "drive-index"
            if by_index:
                out.append(FileVerdict(meta["name"], "not checked", "no reader for this file type here"))
            else:
                out.append(FileVerdict(meta["name"], "match" if found else "no match"))
    return out
