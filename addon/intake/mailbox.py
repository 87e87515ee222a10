"""``dsar intake``: read the designated privacy mailbox, propose requests, open the confirmed ones.

Why only message ids are kept: until a person confirms a proposal there is no case, hence no case key to
seal a sender's address or subject line under; so the intake table holds the message id, the proposed type
and the names of the rules that matched, and the sender, date and subject are re-read through the seam each
time they are shown or confirmed. Each message is recorded the first time it is read (proposed, or
``ignored`` when no rule matched), so a scan resumes where it stopped and never proposes a message twice.
"""
from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass
from typing import Any, Callable
from zoneinfo import ZoneInfo

from audit.context import Purpose, acting
from scopes import registry

from ..errors import Conflict, InputError, NotFound
from ..search.content import message_text
from .classify import Proposal, classify

OPERATION = "intake.read_mailbox"
LEGAL_BASIS = "UK GDPR Art. 6(1)(c) legal obligation: Art. 12(2) facilitate the exercise of data subjects' rights"
LONDON = ZoneInfo("Europe/London")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_messages (
  mailbox TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, proposed_type TEXT, candidates TEXT,
  rules TEXT, seen_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT, case_ref TEXT,
  PRIMARY KEY (mailbox, message_id));
"""
STATUSES = ("proposed", "ignored", "confirmed", "dismissed")
#: Messages fetched per batch request (Gmail advises at most 50; smaller batches keep under the per-user rate).
BATCH = 25


@dataclass
class Message:
    """A message as the person confirming sees it (never stored)."""

    id: str
    sender: str
    sender_name: str
    subject: str
    received: dt.date
    text: str
    headers: dict[str, str]

    def public(self) -> dict:
        return {"id": self.id, "from": self.sender, "name": self.sender_name, "subject": self.subject,
                "received": self.received.isoformat()}


def parse(msg: dict) -> Message:
    """Sender, name, subject, UK date of receipt and text of a Gmail message resource (format full)."""
    got = message_text(msg)
    name, addr = email.utils.parseaddr(got.headers.get("from", ""))
    stamp = int(msg.get("internalDate") or 0) / 1000
    received = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).astimezone(LONDON).date() if stamp else dt.date.today()
    return Message(msg["id"], addr.lower(), name.strip(), got.headers.get("subject", ""), received,
                   "\n".join(got.bodies), got.headers)


def _purpose(actor: str, mailbox: str) -> Purpose:
    return Purpose(actor=actor, step="intake", purpose="Read the privacy mailbox to propose data-subject requests "
                   "for staff to confirm", legal_basis=LEGAL_BASIS)


class Intake:
    """The intake table (in the case database) and the mailbox it reads, through the audited seam."""

    def __init__(self, services, mailbox: str) -> None:
        from ..subjects.identifiers import normalise_email

        try:
            self.mailbox = normalise_email(mailbox).lower()
        except InputError as e:
            raise InputError("--mailbox", e.detail) from None
        self.services = services
        self.store = services.store
        if self.store.CREATES_TABLES:
            self.store._db().executescript(_SCHEMA)

    def _gmail(self):
        return self.services.clients.gmail(self.mailbox, registry.scopes_for_operations([OPERATION]))

    def _rows(self, where: str = "", args: tuple = ()) -> list[dict]:
        return self.store._rows("SELECT message_id, status, proposed_type, candidates, rules, case_ref FROM"
                                f" intake_messages WHERE mailbox=?{where} ORDER BY message_id", (self.mailbox, *args))

    def seen(self) -> set[str]:
        return {r["message_id"] for r in self._rows()}

    def _record(self, mid: str, status: str, p: Proposal | None) -> None:
        from ..cases.store import now_iso

        with self.store._tx() as db:
            self.store._x(db, "INSERT INTO intake_messages (mailbox, message_id, status, proposed_type, candidates,"
                          " rules, seen_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                          (self.mailbox, mid, status, p.case_type if p else None,
                           ",".join(p.candidates) if p else None, "; ".join(p.rules) if p else None, now_iso()))

    # -- scan ------------------------------------------------------------------------------------
    def scan(self, actor: str, limit: int | None = None,
             on_message: Callable[[Message, Proposal], None] = lambda m, p: None) -> dict[str, int]:
        """Read every inbox message not seen before; record each (proposed or ignored) as soon as it is read."""
        from ..roles import require

        require(actor, self.services.settings, "staff", "dpo", action="scanning the privacy mailbox")
        seen, counts = self.seen(), {"read": 0, "proposed": 0, "ignored": 0, "already_seen": 0}
        svc, token = self._gmail(), None
        with acting(_purpose(actor, self.mailbox)):
            while True:
                page = svc.users().messages().list(userId="me", labelIds=["INBOX"], maxResults=100,
                                                   pageToken=token).execute()
                new = []
                for ref in page.get("messages", []):
                    if ref["id"] in seen:
                        counts["already_seen"] += 1
                    elif limit is None or counts["read"] + len(new) < limit:
                        new.append(ref["id"])
                for start in range(0, len(new), BATCH):
                    for mid, raw in self._fetch(svc, new[start:start + BATCH]):
                        counts["read"] += 1
                        seen.add(mid)
                        msg = parse(raw) if raw else None
                        proposal = classify(msg.sender, msg.subject, msg.text, msg.headers) if msg else None
                        self._record(mid, "proposed" if proposal else "ignored", proposal)  # as soon as read
                        if proposal:
                            counts["proposed"] += 1
                            on_message(msg, proposal)
                        else:
                            counts["ignored"] += 1
                token = page.get("nextPageToken")
                if not token or (limit is not None and counts["read"] >= limit):
                    return counts

    @staticmethod
    def _fetch(svc, ids: list[str]) -> list[tuple[str, dict | None]]:
        """Batch-get messages in listing order; a part that failed is tried again, a deleted one is None."""
        from googleapiclient.errors import HttpError

        from ..errors import GoogleError

        got: dict[str, dict | None] = {}
        pending = list(ids)
        for _attempt in range(3):
            failed: list[str] = []

            def cb(request_id: str, response: dict, exception: Exception | None) -> None:
                if exception is None:
                    got[request_id] = response
                elif isinstance(exception, HttpError) and exception.resp.status == 404:
                    got[request_id] = None  # deleted since it was listed
                else:
                    failed.append(request_id)

            batch = svc.new_batch_http_request(callback=cb)
            for mid in pending:
                batch.add(svc.users().messages().get(userId="me", id=mid, format="full"), request_id=mid)
            batch.execute()
            pending = failed
            if not pending:
                return [(mid, got[mid]) for mid in ids]
        raise GoogleError(f"gmail: {len(pending)} message(s) of the privacy mailbox could not be read after 3 "
                          "attempts; run the same scan again (messages already read are not read twice)")

    # -- proposals -----------------------------------------------------------------------------
    def read(self, actor: str, mid: str) -> Message:
        with acting(_purpose(actor, self.mailbox)):
            return parse(self._gmail().users().messages().get(userId="me", id=mid, format="full").execute())

    def pending(self, actor: str) -> list[dict]:
        """Every proposal not yet confirmed or dismissed, with the message re-read for display."""
        out = []
        for r in self._rows(" AND status='proposed'"):
            msg = self.read(actor, r["message_id"])
            out.append({**msg.public(), "type": r["proposed_type"], "candidates": (r["candidates"] or "").split(","),
                        "rules": (r["rules"] or "").split("; ")})
        return out

    def proposal(self, mid: str) -> dict:
        rows = self._rows(" AND message_id=?", (mid,))
        if not rows:
            raise NotFound(f"ID: no message {mid!r} was proposed from {self.mailbox} (see 'dsar intake list')")
        row = rows[0]
        if row["status"] == "confirmed":
            raise Conflict(f"ID: message {mid} is already case {row['case_ref']}")
        if row["status"] in ("dismissed", "ignored"):
            raise Conflict(f"ID: message {mid} was {row['status']}; it is not a proposal")
        return row

    def confirm(self, actor: str, mid: str, case_type: str | None = None, names: tuple[str, ...] = (),
                details: dict | None = None) -> Any:
        """Open the case: the sender's address is its first identifier, the message's day its receipt."""
        from ..cases.store import now_iso
        from ..cli.case_cmd import open_case

        row = self.proposal(mid)
        chosen = case_type or row["proposed_type"]
        if not chosen:
            raise InputError("--type", f"message {mid} reads as more than one request ({row['candidates']}): "
                                       "choose with --type")
        msg = self.read(actor, mid)
        if not msg.sender:
            raise InputError("ID", f"message {mid} has no sender address to open a case with")
        names = tuple(names) or ((msg.sender_name,) if msg.sender_name else ())
        if not names:
            raise InputError("--name", f"the sender {msg.sender} gives no name: give the subject's --name")
        case = open_case(self.services, chosen, names, (msg.sender,), (), (), msg.received, actor, details)
        with self.store._tx() as db:
            self.store._x(db, "UPDATE intake_messages SET status='confirmed', decided_by=?, decided_at=?, case_ref=?,"
                          " proposed_type=? WHERE mailbox=? AND message_id=? AND status='proposed'",
                          (actor, now_iso(), case.ref, chosen, self.mailbox, mid))
        return case

    def dismiss(self, actor: str, mid: str) -> None:
        from ..cases.store import now_iso

        self.proposal(mid)
        with self.store._tx() as db:
            self.store._x(db, "UPDATE intake_messages SET status='dismissed', decided_by=?, decided_at=? WHERE"
                          " mailbox=? AND message_id=?", (actor, now_iso(), self.mailbox, mid))
