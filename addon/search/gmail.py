"""Searching one mailbox: list candidates with every query (deduplicated), fetch each candidate once in
batches of 25, confirm locally, emit items. Progress is checkpointed after every page and batch, so a
killed job resumes without duplicates or gaps."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

from googleapiclient.errors import HttpError

from .. import extract
from .content import FileMatch, b64url, confirm_file, message_text
from . import evidence
from .display import message_facts

#: 25 messages.get = 125 units, half of Google's 250 units per user per second: a batch of 50 spends the whole
#: second at once, so one batch arriving late (a busy host, a second worker on the same mailbox) made the
#: next one draw 429s; at 25 the bucket keeps half a second of slack for such late arrivals.
BATCH = 25
PAGE = 500
MAX_PART_ATTEMPTS = 6


class MailboxSearchError(Exception):
    pass


@dataclass
class GmailUnit:
    """One mailbox of one case. ``state`` is the JSON-able checkpoint (saved by ``save``)."""

    account: str
    service: Any  # googleapiclient Gmail resource, audited
    queries: list[str]
    matcher: Any
    state: dict
    save: Callable[[dict], None]
    emit: Callable[[list[dict]], None]
    progress: Callable[[str, int], None] = lambda kind, n: None

    @cached_property
    def messages(self) -> Any:
        """One ``users().messages()`` for the unit: googleapiclient builds every method of a resource each
        time it is asked for one, a cost per message fetched otherwise."""
        return self.service.users().messages()

    def run(self) -> None:
        st = self.state
        st.setdefault("pages", {})  # query index -> next page token, or "" when done
        st.setdefault("candidates", [])
        st.setdefault("done", [])
        seen = set(st["candidates"])
        for i, q in enumerate(self.queries):
            key = str(i)
            while st["pages"].get(key) != "":
                req = self.messages.list(
                    userId="me", q=q, maxResults=PAGE, includeSpamTrash=True,
                    pageToken=st["pages"].get(key) or None,
                )
                resp = req.execute()
                new = [m["id"] for m in resp.get("messages", []) if m["id"] not in seen]
                seen.update(new)
                st["candidates"].extend(new)
                st["pages"][key] = resp.get("nextPageToken") or ""
                self.progress("candidates", len(new))
                self.save(st)
        done = set(st["done"])
        pending = [m for m in st["candidates"] if m not in done]
        attempts: dict[str, int] = {}
        while pending:
            chunk, pending = pending[:BATCH], pending[BATCH:]
            fetched, retry = self._fetch(chunk)
            items = []
            for mid, msg in fetched.items():
                item = self._confirm(mid, msg)
                if item:
                    items.append(item)
            if items:
                self.emit(items)
            for mid in retry:
                attempts[mid] = attempts.get(mid, 0) + 1
                if attempts[mid] >= MAX_PART_ATTEMPTS:
                    raise MailboxSearchError(f"message {mid} in {self.account} could not be fetched after {MAX_PART_ATTEMPTS} attempts")
            pending.extend(retry)
            st["done"].extend(fetched)
            self.progress("fetched", len(fetched))
            self.save(st)

    def _fetch(self, ids: list[str]) -> tuple[dict[str, dict], list[str]]:
        """Batch-get messages; parts that failed transiently come back for another try."""
        got: dict[str, dict] = {}
        retry: list[str] = []

        def cb(request_id: str, response: dict, exception: Exception | None) -> None:
            if exception is None:
                got[request_id] = response
            elif isinstance(exception, HttpError) and exception.resp.status == 404:
                got[request_id] = {}  # deleted since listing: nothing held any more
            else:
                retry.append(request_id)

        batch = self.service.new_batch_http_request(callback=cb)
        for mid in ids:
            batch.add(self.messages.get(userId="me", id=mid, format="full"), request_id=mid)
        batch.execute()
        return got, retry

    def _confirm(self, mid: str, msg: dict) -> dict | None:
        if not msg:
            return None
        text = message_text(msg)
        item = {"source": "gmail", "account": self.account, "message_id": mid,
                "rfc822_message_id": text.rfc822_message_id, "thread_id": msg.get("threadId"),
                "labels": msg.get("labelIds", []), **message_facts(msg, text.headers)}
        matched = evidence.message_evidence(self.matcher, text)
        if matched:
            item["matched"] = matched
            return item
        plain, self.matcher = self.matcher, evidence.Recorder(self.matcher)  # the attachment's hits, as evidence
        try:
            found, unreadable = self._attachment_match(mid, text)
        finally:
            rec, self.matcher = self.matcher, plain
        if found:
            item["attachment"] = found
            item["matched"] = evidence.from_hits(rec.hits, "attachment")
            return item
        if unreadable:  # Gmail matched it, nothing we can read confirms it: staff check by hand
            item["unreadable"] = unreadable
            return item
        return None

    def _attachment_match(self, mid: str, text) -> tuple[dict | None, dict | None]:
        """The query may have matched inside an attachment: read those (only for unconfirmed messages).
        Returns (the attachment that matched, with its tab and row for a table; or the first that could
        not be read, with why and what to check)."""
        unreadable = None
        files = [(None, mime, name) for mime, name, _ in text.inline_files] + list(text.attachments)
        inline = {i: data for i, (_, _, data) in enumerate(text.inline_files)}
        for n, (att_id, mime, name) in enumerate(files):
            if not extract.readable(mime, name):
                continue
            size = text.attachment_sizes.get(att_id, 0) if att_id else 0
            if size > extract.formats.MAX_BYTES:
                res = FileMatch(unreadable=extract.TooLarge(
                    f"attachment larger than the {extract.formats.size_text(extract.formats.MAX_BYTES)} read "
                    f"automatically ({extract.formats.size_text(size)})").as_dict())
            else:
                if att_id is None:
                    data = inline[n]
                else:
                    try:
                        got = self.messages.attachments().get(
                            userId="me", messageId=mid, id=att_id).execute()
                    except HttpError as e:
                        if e.resp.status == 404:
                            return None, None  # the message went since listing
                        raise
                    data = b64url(got.get("data", ""))
                res = confirm_file(self.matcher, data, mime, name)
            label = name or mime
            if res.matched:  # its SHA-256 folds identical attachments in review (addon/review/keys.py)
                out = {"name": label, "mime_type": mime, "sha256": hashlib.sha256(data).hexdigest()}
                if res.rows:
                    out.update(sheet=res.rows[0][0], row=res.rows[0][1],
                               rows=[{"sheet": t, "row": r} for t, r in res.rows])
                return out, None
            if res.unreadable and unreadable is None:
                unreadable = {**res.unreadable, "attachment": label}
        return None, unreadable
