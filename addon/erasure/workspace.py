"""Erasure for Calendar, Contacts, Chat and Forms items: what the plan proposes for each, and the calls that
carry it out, each source under its own step-scoped grant (only its erase operation's scopes).

Plan actions (pure, :func:`plan_action`):

* Calendar: ``delete_event`` (cancel it: gone from that calendar, and for the attendees when the calendar
  owns the organiser's copy) when the event is about the subject (named in its title, description or
  location); ``remove_attendee`` when the subject is only on its guest list and the account organises it (the
  event stays for everyone else). An attendee's copy of someone else's event is deleted from their calendar.
* Contacts: ``delete_contact`` for a contact. "Other contacts" have no delete method in the People API, so
  they are ``redact_manually`` with a link to delete them by hand.
* Chat: ``delete_message`` acting as the message's sender, when the sender is an account of the
  organisation (the Chat API lets a user delete only their own messages; there is no admin delete of one
  message). A message from someone outside the organisation, or from an app, is ``redact_manually``.
* Forms: the Forms API has no way to delete a response: ``redact_manually``, "delete by hand in Forms",
  with the link to the form's responses.

Every change re-reads the item first and records the SHA-256 of its canonical JSON for the certificate.
A 404 is "already gone" (or ours, when an earlier crashed attempt sent the change).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from googleapiclient.errors import HttpError

from audit.canonical import canonical_json
from scopes import registry

from ..cases.store import item_key, now_iso
from ..search.forms import FORM_LINK

SOURCES = ("calendar", "contacts", "chat", "forms")
OTHER_CONTACTS_LINK = "https://contacts.google.com/other"
OUTCOME = {"delete_event": "deleted", "remove_attendee": "attendee_removed", "delete_contact": "deleted",
           "delete_message": "deleted"}
OPS = {"delete_event": ("calendar.delete_event",), "remove_attendee": ("calendar.remove_attendee",),
       "delete_contact": ("contacts.delete",), "delete_message": ("chat.delete_message",)}
_ABOUT = ("title", "description", "location")


def item_ref(entry: Mapping[str, Any]) -> str:
    """The Google id an entry is about, for the certificate."""
    src = entry["source"]
    if src == "calendar":
        return f"{entry['calendar_id']}/{entry['event_id']}"
    if src == "contacts":
        return entry["resource_name"]
    if src == "chat":
        return entry["message"]
    return f"{entry['form_id']}/{entry['response_id']}"


def plan_action(it: Mapping[str, Any]) -> dict:
    base = {"key": item_key(dict(it)), "source": it["source"], "account": it["account"]}
    src = it["source"]
    if src == "calendar":
        entry = {**base, "calendar_id": it["calendar_id"], "event_id": it["event_id"], "summary": it.get("summary", ""),
                 "start": it.get("start", ""), "organizer": it.get("organizer", "")}
        parts = {m.get("part") for m in it.get("matched") or []}
        guests = list(it.get("subject_attendees") or [])
        organizer = (it.get("organizer") or "").lower()
        if guests and not parts & set(_ABOUT):
            if organizer == it["account"].lower():
                return {**entry, "action": "remove_attendee", "attendees": guests,
                        "why": "the subject is only a guest of an event the account organises: they are removed "
                               "from it"}
            if organizer.rpartition("@")[2] == it["account"].lower().rpartition("@")[2]:
                # a colleague's invitation: only the organiser can change the guest list, and Google carries the
                # change to every copy; event ids are shared by the copies
                return {**entry, "account": organizer, "calendar_id": "primary", "found_on": it["account"],
                        "action": "remove_attendee", "attendees": guests,
                        "why": "the subject is only a guest of a colleague's event: removed by its organiser, "
                               "which updates every guest's copy"}
        why = ("an event about the subject, organised by this account: cancelled for every guest"
               if it.get("organizer", "").lower() == it["account"].lower()
               else "an event about the subject on this account's calendar: removed from this calendar")
        return {**entry, "action": "delete_event", "why": why}
    if src == "contacts":
        entry = {**base, "resource_name": it["resource_name"], "kind": it["kind"], "name": it.get("name", "")}
        if it["kind"] == "contact":
            return {**entry, "action": "delete_contact", "why": "a contact about the subject"}
        return {**entry, "action": "redact_manually", "link": OTHER_CONTACTS_LINK,
                "why": f"an 'Other contact' Gmail saved by itself: the People API cannot delete these; delete it by "
                       f"hand at {OTHER_CONTACTS_LINK} signed in as {it['account']}, then run 'dsar erase verify'"}
    if src == "chat":
        entry = {**base, "space": it["space"], "space_name": it.get("space_name", ""), "message": it["message"],
                 "found_by": it["account"], "create_time": it.get("create_time", "")}
        sender = (it.get("sender_email") or "").lower()
        if sender and it.get("sender_type", "HUMAN") == "HUMAN":
            return {**entry, "account": sender, "action": "delete_message",
                    "why": "a Chat message about the subject: deleted acting as its sender, the only user the Chat "
                           "API lets delete it"}
        return {**entry, "action": "redact_manually",
                "why": "a Chat message sent by someone outside the organisation (or an app): the Chat API deletes only "
                       "the caller's own messages; ask the sender to delete it, or a space manager to remove it in "
                       "Chat, then run 'dsar erase verify'"}
    link = FORM_LINK.format(form_id=it["form_id"])
    return {**base, "form_id": it["form_id"], "form_title": it.get("form_title", ""), "response_id": it["response_id"],
            "submitted": it.get("submitted", ""), "action": "redact_manually", "link": link,
            "why": f"a Forms response: the Forms API cannot delete responses; delete by hand in Forms ({link}, "
                   "Responses › Individual, find the response, Delete), then run 'dsar erase verify'"}


#: what a by-hand item is waiting for, per source (``dsar erase verify`` and the run's summary)
_AWAITING = {
    "contacts": ("Other contact", "awaiting deletion by hand (the 'Other contact' is still in Google Contacts: "
                                  f"{OTHER_CONTACTS_LINK})"),
    "chat": ("Chat message", "awaiting deletion by its sender or a space manager (the Chat message is still in "
                             "the space)"),
    "forms": ("Forms response", "awaiting deletion by hand in Forms (the response is still in the form{link})"),
    "calendar": ("event", "awaiting deletion by hand in Calendar (the event still mentions the subject)"),
}
DOC_AWAITING = ("Doc", "awaiting manual redaction (the Doc still mentions the subject)")


def awaiting_note(item: Mapping[str, Any]) -> str:
    """Why a ``redact_manually`` item is still there, in its source's words (a Doc is redacted, a Forms
    response or an Other contact is deleted by hand, a Chat message by its sender)."""
    what, note = _AWAITING.get(item.get("source", ""), DOC_AWAITING)
    link = f": {FORM_LINK.format(form_id=item['form_id'])}" if item.get("form_id") else ""
    return note.format(link=link) if "{link}" in note else note


def awaiting_summary(items: Sequence[Mapping[str, Any]]) -> str:
    """``1 Doc awaiting manual redaction, 1 Forms response awaiting deletion by hand``: counts per kind."""
    kinds = Counter(_AWAITING.get(i.get("source", ""), DOC_AWAITING)[0] for i in items)
    parts = []
    for what, n in kinds.items():
        verb = "awaiting manual redaction" if what == "Doc" else (
            "awaiting deletion by its sender" if what == "Chat message" else "awaiting deletion by hand")
        parts.append(f"{n} {what}{'s' if n != 1 else ''} {verb}")
    return ", ".join(parts)


def persistence_warnings(actions: Sequence[Mapping[str, Any]]) -> list[dict]:
    """What stays after these sources' actions, for the DPO to read before approving."""
    w: list[dict] = []
    srcs = {a["source"] for a in actions}
    manual = [a for a in actions if a["action"] == "redact_manually"]
    if manual:
        w.append({"code": "manual_deletion", "message": (
            f"{len(manual)} Calendar/Contacts/Chat/Forms item(s) cannot be deleted through Google's APIs: each says "
            "how to delete it by hand. They are NOT changed by the run; 'dsar erase verify' passes only once they "
            "are gone.")})
    if any(a["action"] == "delete_event" for a in actions):
        w.append({"code": "calendar_trash", "message": (
            "Deleted events go to the calendar's Trash for 30 days (the owner can restore them); copies on other "
            "people's calendars are removed only where the organiser's copy was deleted.")})
    if "chat" in srcs:
        w.append({"code": "chat_vault", "message": (
            "Chat messages kept by a Google Vault retention rule or hold stay in Vault after deletion; a Chat "
            "message sent by someone outside the organisation can only be deleted by its sender.")})
    if "forms" in srcs:
        w.append({"code": "forms_manual", "message": (
            "Forms responses cannot be deleted through the API: each is listed for deletion by hand. A response "
            "also copied to a linked spreadsheet is in that sheet too (the Sheets search finds it there).")})
    return w


# -- the calls ---------------------------------------------------------------------------------------
def _mark(job, key: str, **fields: Any) -> None:
    job.item(key).update(fields, at=now_iso())


def _sha(resource: dict) -> str:
    return hashlib.sha256(canonical_json(resource)).hexdigest()


def _status(e: Exception) -> int | None:
    return e.resp.status if isinstance(e, HttpError) else None


def _do(job, a: dict, read, change) -> None:
    """Re-read (hash), note as sent, change, record; a 404 at either step is settled as gone."""
    st = job.item(a["key"])
    if "outcome" in st:
        return
    try:
        if "sha256" not in st:
            _mark(job, a["key"], sha256=_sha(read()), hash_of="resource JSON (canonical)")
            job.save()
        st.setdefault("sent", job.attempt)
        job.save()
        change()
    except HttpError as e:
        if _status(e) not in (404, 410):
            raise
        ours = job.item(a["key"]).get("sent", job.attempt) < job.attempt
        _mark(job, a["key"], outcome=OUTCOME[a["action"]] if ours else "already_gone")
        job.save()
        return
    _mark(job, a["key"], outcome=OUTCOME[a["action"]])
    job.save()


def erase_item(svc: Any, job, a: dict) -> None:
    if a["action"] == "delete_event":
        ev = svc.events()
        _do(job, a, lambda: ev.get(calendarId=a["calendar_id"], eventId=a["event_id"]).execute(),
            lambda: ev.delete(calendarId=a["calendar_id"], eventId=a["event_id"], sendUpdates="none").execute())
    elif a["action"] == "remove_attendee":
        ev = svc.events()
        gone = {g.lower() for g in a.get("attendees", [])}

        def change() -> None:
            now = ev.get(calendarId=a["calendar_id"], eventId=a["event_id"]).execute()
            keep = [x for x in now.get("attendees") or [] if (x.get("email") or "").lower() not in gone]
            ev.patch(calendarId=a["calendar_id"], eventId=a["event_id"], body={"attendees": keep},
                     sendUpdates="none").execute()

        _do(job, a, lambda: ev.get(calendarId=a["calendar_id"], eventId=a["event_id"]).execute(), change)
    elif a["action"] == "delete_contact":
        people = svc.people()
        from ..search.contacts import PERSON_FIELDS

        _do(job, a, lambda: people.get(resourceName=a["resource_name"], personFields=PERSON_FIELDS).execute(),
            lambda: people.deleteContact(resourceName=a["resource_name"]).execute())
    elif a["action"] == "delete_message":
        msgs = svc.spaces().messages()
        _do(job, a, lambda: msgs.get(name=a["message"]).execute(), lambda: msgs.delete(name=a["message"]).execute())


_API = {"calendar": "calendar", "contacts": "people", "chat": "chat"}


def run_source_erasers(services: Any, job, actions: Iterable[dict]) -> list[str]:
    """Carry out the Calendar, Contacts and Chat actions (Forms has none), one client per account and action
    kind, holding only that action's erase scopes. Returns the failures, worded without subject data."""
    failures: list[str] = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for a in actions:
        if a["source"] in _API and a["action"] in OPS:
            groups.setdefault((a["account"], a["action"]), []).append(a)
    for (account, action), acts in sorted(groups.items()):
        source = acts[0]["source"]
        try:
            svc = services.clients.api(_API[source], account, registry.scopes_for_operations(OPS[action]))
            for a in acts:
                erase_item(svc, job, a)
            job.hook("saved", {"source": source, "items": len(acts)})
        except HttpError as e:
            failures.append(f"{source} of {account}: HTTP {_status(e)}")
            job.save()
        except Exception as e:  # the seam's refusals and transport errors: reported, the run resumable
            from audit.errors import TransportError

            if not isinstance(e, TransportError):
                raise
            failures.append(f"{source} of {account}: {e}")
            job.save()
    return failures
