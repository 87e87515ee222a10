"""The access package's Calendar, Contacts, Chat and Forms parts: each item re-read from Google (so the
package holds what Google holds now) and written in the form people and programs open:

* Calendar events as iCalendar (``calendar/<account>/<event>.ics``, RFC 5545, written by ``icalendar``);
* contacts as vCard 3.0 (``contacts/<account>/<name>.vcf``, RFC 2426), "Other contacts" included;
* Chat messages as Google's JSON plus a readable HTML page per space (``chat/<space>/messages.json`` and
  ``messages.html``), as Takeout lays Chat out;
* Forms responses as CSV rows, one file per form (``forms/<form title>.csv``), question titles as the
  header, cells neutralised so no answer runs as a formula.

The renderers are pure (Google resource dicts in, bytes out); :func:`export_workspace` does the fetching.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any, Callable, Iterable

from googleapiclient.errors import HttpError
from icalendar import Calendar, Event, vCalAddress, vText

from scopes.registry import scopes_for_operations

from .sources import Staged, Stager, _csv_text, safe_name

PRODID = "-//dsar//Workspace DSAR access package//EN"


# -- pure renderers ---------------------------------------------------------------------------------
def _when(value: dict | None) -> dt.date | dt.datetime | None:
    if not value:
        return None
    if value.get("date"):
        return dt.date.fromisoformat(value["date"])
    if value.get("dateTime"):
        return dt.datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    return None


def event_ics(events: Iterable[dict]) -> bytes:
    """A VCALENDAR holding each Calendar v3 event resource as a VEVENT."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    for ev in events:
        e = Event()
        e.add("uid", ev.get("iCalUID") or f"{ev['id']}@google.com")
        for key, prop in (("summary", "summary"), ("description", "description"), ("location", "location")):
            if ev.get(key):
                e.add(prop, ev[key])
        for key, prop in (("start", "dtstart"), ("end", "dtend")):
            when = _when(ev.get(key))
            if when is not None:
                e.add(prop, when)
        e.add("dtstamp", dt.datetime.now(dt.timezone.utc))
        e.add("status", (ev.get("status") or "confirmed").upper())
        org = ev.get("organizer") or {}
        if org.get("email"):
            addr = vCalAddress("mailto:" + org["email"])
            if org.get("displayName"):
                addr.params["cn"] = vText(org["displayName"])
            e["organizer"] = addr
        for a in ev.get("attendees") or []:
            if not a.get("email"):
                continue
            addr = vCalAddress("mailto:" + a["email"])
            if a.get("displayName"):
                addr.params["cn"] = vText(a["displayName"])
            addr.params["partstat"] = vText({"accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE"}
                                            .get(a.get("responseStatus", ""), "NEEDS-ACTION"))
            e.add("attendee", addr, encode=0)
        for line in ev.get("recurrence") or []:  # RRULE/EXDATE lines exactly as Google keeps them
            name, _, value = line.partition(":")
            if name.upper().startswith("RRULE"):
                e.add("rrule", _rrule(value))
        cal.add_component(e)
    return cal.to_ical()


def _rrule(value: str) -> dict:
    out: dict[str, Any] = {}
    for part in value.split(";"):
        k, _, v = part.partition("=")
        if k:
            out[k.lower()] = v.split(",") if "," in v else v
    return out


def _vc(text: str) -> str:
    """vCard 3.0 text value escaping (RFC 2426 §4): backslash, newline, comma, semicolon."""
    return (text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n").replace(",", "\\,")
            .replace(";", "\\;"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded with CRLF + space, never inside a UTF-8 sequence."""
    out: list[bytes] = []
    cur = b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(cur) + len(b) > (75 if not out else 74):
            out.append(cur)
            cur = b""
        cur += b
    out.append(cur)
    return "\r\n ".join(x.decode("utf-8") for x in out)


def person_vcf(person: dict) -> bytes:
    """A People API Person resource as one vCard 3.0."""
    names = (person.get("names") or [{}])[0]
    emails = [e.get("value", "") for e in person.get("emailAddresses") or [] if e.get("value")]
    fn = names.get("displayName") or (emails[0] if emails else person.get("resourceName", ""))
    lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + _vc(fn),
             "N:" + ";".join(_vc(names.get(k, "")) for k in ("familyName", "givenName", "middleName",
                                                             "honorificPrefix", "honorificSuffix"))]
    lines += [f"EMAIL;TYPE=INTERNET:{_vc(e)}" for e in emails]
    lines += [f"TEL:{_vc(p.get('value', ''))}" for p in person.get("phoneNumbers") or [] if p.get("value")]
    for o in person.get("organizations") or []:
        if o.get("name"):
            lines.append("ORG:" + _vc(o["name"]))
        if o.get("title"):
            lines.append("TITLE:" + _vc(o["title"]))
    for a in person.get("addresses") or []:
        if a.get("formattedValue"):
            lines.append("LABEL:" + _vc(a["formattedValue"]))
    notes = [b.get("value", "") for b in person.get("biographies") or [] if b.get("value")]
    notes += [f"{u.get('key', '')}: {u.get('value', '')}" for u in person.get("userDefined") or []]
    if notes:
        lines.append("NOTE:" + _vc("\n".join(notes)))
    lines += ["X-GOOGLE-RESOURCE:" + _vc(person.get("resourceName", "")), "END:VCARD"]
    return ("\r\n".join(_fold(x) for x in lines) + "\r\n").encode("utf-8")


def chat_html(space_name: str, messages: list[dict], senders: dict[str, str]) -> bytes:
    """A plain, escaped page of one space's messages (oldest first), for a person to read."""
    rows = []
    for m in sorted(messages, key=lambda m: m.get("createTime", "")):
        who = senders.get((m.get("sender") or {}).get("name", ""), "") or (m.get("sender") or {}).get("name", "")
        files = ", ".join(a.get("contentName", "") for a in m.get("attachment") or [])
        rows.append(f"<tr><td>{html.escape(m.get('createTime', ''))}</td><td>{html.escape(who)}</td>"
                    f"<td>{html.escape(m.get('text', '')).replace(chr(10), '<br>')}"
                    + (f"<br><em>attachments: {html.escape(files)}</em>" if files else "") + "</td></tr>")
    title = html.escape(space_name or "Google Chat")
    page = (f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{title}</title>"
            "<style>body{font-family:sans-serif}td{vertical-align:top;padding:4px 8px;border-bottom:1px solid #ddd}"
            "</style>"
            f"<h1>{title}</h1><p>Messages in this Google Chat space that are about you.</p>"
            "<table><tr><th>Sent (UTC)</th><th>From</th><th>Message</th></tr>" + "".join(rows) + "</table></html>")
    return page.encode("utf-8")


def forms_csv(title: str, questions: dict[str, str], responses: list[dict]) -> bytes:
    """One row per response: its id, time, respondent, then the answer to each question (in form order)."""
    qids = list(questions)
    header = ["Form", "Response ID", "Submitted", "Respondent email"] + [questions[q] for q in qids]
    rows = [header]
    for r in responses:
        answers = r.get("answers") or {}
        cells = [title, r.get("responseId", ""), r.get("lastSubmittedTime") or r.get("createTime", ""),
                 r.get("respondentEmail", "")]
        for q in qids:
            a = answers.get(q) or {}
            vals = [x.get("value", "") for x in (a.get("textAnswers") or {}).get("answers") or []]
            vals += [x.get("fileName", "") for x in (a.get("fileUploadAnswers") or {}).get("answers") or []]
            cells.append("; ".join(vals))
        rows.append(cells)
    return _csv_text(rows).encode("utf-8")


# -- fetching ---------------------------------------------------------------------------------------
def _gone(e: HttpError) -> bool:
    return int(getattr(e.resp, "status", 0) or 0) in (404, 410)


def export_workspace(services: Any, items: list[dict], stager: Stager, add: Callable[[Staged], None],
                     excluded: list[dict], rows: dict[str, list[dict]]) -> None:
    """Every Calendar, Contacts, Chat and Forms item of the case into the package."""
    by: dict[str, list[dict]] = {}
    for it in items:
        if it["source"] in ("calendar", "contacts", "chat", "forms") and not it.get("unreadable"):
            by.setdefault(it["source"], []).append(it)
    for r in ("events", "contacts", "chat", "forms"):
        rows.setdefault(r, [])
    clients = services.clients
    if by.get("calendar"):
        scopes = scopes_for_operations(["calendar.package"])
        for it in by["calendar"]:
            svc = clients.api("calendar", it["account"], scopes)
            try:
                ev = svc.events().get(calendarId=it["calendar_id"], eventId=it["event_id"]).execute()
            except HttpError as e:
                if not _gone(e):
                    raise
                excluded.append(_left_out(it, f"an event in {it['account']}'s calendar", "deleted since the search"))
                continue
            s = stager.from_bytes(event_ics([ev]), f"calendar/{safe_name(it['account'])}/"
                                  f"{safe_name(ev.get('summary') or it['event_id'])}.ics", source="calendar",
                                  account=it["account"], item_id=it["event_id"],
                                  detail={"description": f"calendar event: {ev.get('summary', '')}"[:200]})
            rows["events"].append({"path": s.arcname, "account": it["account"], "summary": ev.get("summary", ""),
                                   "start": it.get("start", "")})
            add(s)
    if by.get("contacts"):
        scopes = scopes_for_operations(["contacts.package"])
        others: dict[str, dict[str, dict]] = {}
        for it in by["contacts"]:
            svc = clients.api("people", it["account"], scopes)
            person = _person(svc, it, others)
            if person is None:
                excluded.append(_left_out(it, f"a contact in {it['account']}'s contacts", "deleted since the search"))
                continue
            s = stager.from_bytes(person_vcf(person), f"contacts/{safe_name(it['account'])}/"
                                  f"{safe_name(it.get('name') or it['resource_name'])}.vcf", source="contacts",
                                  account=it["account"], item_id=it["resource_name"],
                                  detail={"description": f"contact ({it['kind'].replace('_', ' ')}): {it.get('name', '')}"})
            rows["contacts"].append({"path": s.arcname, "account": it["account"], "name": it.get("name", ""),
                                     "kind": it["kind"]})
            add(s)
    if by.get("chat"):
        _export_chat(clients, by["chat"], stager, add, excluded, rows)
    if by.get("forms"):
        _export_forms(clients, by["forms"], stager, add, excluded, rows)


def _left_out(it: dict, what: str, reason: str) -> dict:
    from ..cases.store import item_key

    return {"source": it["source"], "account": it["account"], "item_id": item_key(it), "what": what,
            "reason": f"no longer there ({reason})"}


def _person(svc: Any, it: dict, others: dict[str, dict[str, dict]]) -> dict | None:
    """A contact by people.get; an "other contact" (which has no get) from a listing of them, read once."""
    from ..search.contacts import OTHER_FIELDS, PERSON_FIELDS

    if it["kind"] == "contact":
        try:
            return svc.people().get(resourceName=it["resource_name"], personFields=PERSON_FIELDS).execute()
        except HttpError as e:
            if _gone(e):
                return None
            raise
    if it["account"] not in others:
        found, token = {}, None
        while True:
            resp = svc.otherContacts().list(pageSize=1000, readMask=OTHER_FIELDS, pageToken=token).execute()
            found.update({p["resourceName"]: p for p in resp.get("otherContacts", [])})
            token = resp.get("nextPageToken")
            if not token:
                break
        others[it["account"]] = found
    return others[it["account"]].get(it["resource_name"])


def _export_chat(clients, items, stager, add, excluded, rows) -> None:
    scopes = scopes_for_operations(["chat.package"])
    spaces: dict[str, list[tuple[dict, dict]]] = {}
    for it in items:
        svc = clients.api("chat", it["account"], scopes)
        try:
            msg = svc.spaces().messages().get(name=it["message"]).execute()
        except HttpError as e:
            if not (_gone(e) or int(getattr(e.resp, "status", 0) or 0) == 403):
                raise
            excluded.append(_left_out(it, f"a Chat message in {it.get('space_name') or it['space']}",
                                      "deleted since the search, or the member left the space"))
            continue
        spaces.setdefault(it["space"], []).append((it, msg))
    for space, found in sorted(spaces.items()):
        first = found[0][0]
        label = first.get("space_name") or first.get("space_type") or space
        folder = f"chat/{safe_name(label)} ({safe_name(space.removeprefix('spaces/'))})"
        msgs = [m for _, m in found]
        senders = {it["sender"]: it.get("sender_email", "") for it, _ in found}
        data = json.dumps({"space": {"name": space, "displayName": first.get("space_name", ""),
                                     "spaceType": first.get("space_type", "")}, "messages": msgs},
                          indent=2, ensure_ascii=False).encode("utf-8")
        meta = {"source": "chat", "account": first["account"], "item_id": space}
        for blob, name, what in ((data, "messages.json", "as Google returns them"),
                                 (chat_html(label, msgs, senders), "messages.html", "readable page")):
            s = stager.from_bytes(blob, f"{folder}/{name}", **meta,
                                  detail={"description": f"Chat messages in {label} ({what}): {len(msgs)}"})
            add(s)
        rows["chat"].append({"path": folder, "space": label, "messages": len(msgs)})


def _export_forms(clients, items, stager, add, excluded, rows) -> None:
    from ..search.forms import question_titles

    scopes = scopes_for_operations(["forms.package"])
    by_form: dict[str, list[dict]] = {}
    for it in items:
        by_form.setdefault(it["form_id"], []).append(it)
    for fid, its in sorted(by_form.items()):
        svc = clients.api("forms", its[0]["account"], scopes)
        try:
            form = svc.forms().get(formId=fid).execute()
        except HttpError as e:
            if not _gone(e):
                raise
            excluded += [_left_out(it, f"a response to the form {it.get('form_title', '')}", "the form was deleted")
                         for it in its]
            continue
        responses = []
        for it in its:
            try:
                responses.append(svc.forms().responses().get(formId=fid, responseId=it["response_id"]).execute())
            except HttpError as e:
                if not _gone(e):
                    raise
                excluded.append(_left_out(it, f"a response to the form {it.get('form_title', '')}", "deleted since the search"))
        if not responses:
            continue
        title = (form.get("info") or {}).get("title") or its[0].get("form_title", "") or fid
        s = stager.from_bytes(forms_csv(title, question_titles(form), responses), f"forms/{safe_name(title)}.csv",
                              source="forms", account=its[0]["account"], item_id=fid,
                              detail={"description": f"form responses: {title} ({len(responses)})"})
        rows["forms"].append({"path": s.arcname, "form": title, "responses": len(responses)})
        add(s)
