"""The add-on's endpoints over real HTTP, with events shaped as Google sends them (research/addon.md §1.2)
and signed by the sandbox's key: entry points, the case form, a search started from the sidebar, the
Drive and Gmail context, and granular consent."""
from __future__ import annotations

import datetime as dt
import html
import json
import statistics
import time

import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc

from scopes import registry
from scopes.catalog import ADDON_BASE_SCOPES
from scopes.model import DRIVE_READONLY, GMAIL_CURRENT_MESSAGE_READONLY, SPREADSHEETS_READONLY

from addon.cli.case_cmd import open_case
from addon.web.cards.schema import card_problems
from addon.web.cards.responses import cards_in

from .conftest import AUDITOR, DPO, STAFF, id_token, make_event, wait_for



def _card(resp) -> dict:
    assert resp.status_code == 200, resp.text
    body = resp.json()
    cards = cards_in(body)
    assert len(cards) == 1, body
    assert card_problems(cards[0]) == []
    return cards[0]


def _texts(card: dict) -> str:
    return json.dumps(card)


def _widget_after(card: dict, name: str) -> dict | None:
    """The widget right after the input called ``name`` (where the form puts that field's error)."""
    widgets = [w for s in card["sections"] for w in s["widgets"]]
    for i, w in enumerate(widgets):
        inner = next(iter(w.values()))
        if isinstance(inner, dict) and inner.get("name") == name:
            return widgets[i + 1] if i + 1 < len(widgets) else None
    raise AssertionError(f"no input {name!r} on the card")


def _open(addon, name: str = "Jane Doe", emails=("jane.doe@example.com",), phones=("+447700900123",),
          identifiers=("CUST-004512",)):
    return open_case(addon.services, "access", [name], list(emails), list(phones), list(identifiers), dt.date.today(), STAFF)


def test_homepage_in_gmail_and_drive(addon):
    _open(addon)
    for host in ("GMAIL", "DRIVE", "SHEETS"):
        card = _card(addon.post("/addon/homepage", host_app=host))
        assert "DSAR-" in _texts(card) and "Jane Doe" in _texts(card)
        buttons = [b["text"] for s in card["sections"] for w in s["widgets"] for b in w.get("buttonList", {}).get("buttons", [])]
        assert buttons[:2] == ["New request", "All cases"]


def test_auditor_is_sent_to_the_audit_view(addon):
    card = _card(addon.post("/addon/homepage", as_user=AUDITOR))
    assert card["header"]["title"] == "Auditors use the audit view"
    assert "Jane" not in _texts(card)


def test_auditor_cannot_open_or_search_cases(addon):
    case = _open(addon)
    for path, kw in (("/addon/case/open", {"form": {"name": "Jane Doe"}}),
                     ("/addon/search/start", {"params": {"ref": case.ref}}), ("/addon/cases", {})):
        card = _card(addon.post(path, as_user=AUDITOR, **kw))
        assert card["header"]["title"] == "Not allowed" and "needs the staff or dpo role" in _texts(card)
    assert len(addon.services.store.list()) == 1 and addon.web.runner.latest("addon-search", case.ref) is None


def test_case_form_bad_email_shows_error_under_the_field(addon):
    form = {"type": "access", "name": "Jane Doe", "emails": "jane.doe@example", "phones": "07700 900123"}
    resp = addon.post("/addon/case/open", form=form)
    body = resp.json()
    assert "updateCard" in body["renderActions"]["action"]["navigations"][0]
    card = _card(resp)
    err = _widget_after(card, "emails")
    assert err is not None and "textParagraph" in err and "jane.doe@example" in err["textParagraph"]["text"]
    assert _widget_after(card, "name").get("textInput") is None or "error" not in json.dumps(_widget_after(card, "name"))
    values = {w["textInput"]["name"]: w["textInput"].get("value") for s in card["sections"] for w in s["widgets"]
              if "textInput" in w}
    assert values["name"] == "Jane Doe" and values["emails"] == "jane.doe@example"  # nothing typed is lost
    assert addon.services.store.list() == []  # and nothing was saved


def test_case_form_bad_phone_and_missing_name(addon):
    card = _card(addon.post("/addon/case/open", form={"name": "Jane Doe", "phones": "call me maybe"}))
    assert "textParagraph" in _widget_after(card, "phones")
    card = _card(addon.post("/addon/case/open", form={"emails": "a@example.com"}))
    assert "full name" in _widget_after(card, "name")["textParagraph"]["text"]


def test_open_case_from_the_form(addon):
    received = dt.date.today() - dt.timedelta(days=3)
    ms = str(int(dt.datetime.combine(received, dt.time(), tzinfo=dt.timezone.utc).timestamp() * 1000))
    form = {"type": "erasure", "name": "Jane Doe", "aliases": "Jane Smith\nDoe, Jane",
            "emails": "jane.doe@example.com, jd@example.org", "phones": "07700 900123",
            "received": {"dateInput": {"msSinceEpoch": ms}}}
    resp = addon.post("/addon/case/open", form=form)
    card = _card(resp)
    body = resp.json()["renderActions"]["action"]
    assert body["notification"]["text"].startswith("Opened DSAR-")
    [case] = addon.services.store.list()
    assert case.type == "erasure" and case.received == received and case.created_by == STAFF
    assert case.subject.names == ("Jane Doe", "Jane Smith", "Doe, Jane")
    assert case.subject.emails == ("jane.doe@example.com", "jd@example.org")
    assert case.subject.phones == ("+447700900123",)
    assert card["header"]["title"] == case.ref and case.due.strftime("%d %b %Y") in _texts(card)


def test_gmail_sender_prefills_the_form(addon):
    card = _card(addon.post("/addon/case/form", params={"name": "Jane Doe", "email": "jane.doe@example.com"}))
    values = {w["textInput"]["name"]: w["textInput"].get("value") for s in card["sections"] for w in s["widgets"]
              if "textInput" in w}
    assert values["name"] == "Jane Doe" and values["emails"] == "jane.doe@example.com"


def test_case_list_with_due_dates(addon):
    a = _open(addon)
    b = open_case(addon.services, "access", ["John Roe"], [], [], [], dt.date.today() - dt.timedelta(days=40), DPO)
    card = _card(addon.post("/addon/cases"))
    text = _texts(card)
    assert a.ref in text and b.ref in text and "OVERDUE" in text
    assert text.index(b.ref) < text.index(a.ref)  # soonest (here: overdue) first


def test_start_search_returns_at_once_and_job_shows_results(addon):
    case = _open(addon)
    url = addon.url + "/addon/search/start"
    headers = {"Authorization": "Bearer " + id_token(addon.sandbox, url)}  # minted first, as Google sends them
    event = make_event(user_token=addon.user_token(), params={"ref": case.ref})
    t0 = time.perf_counter()
    resp = requests.post(url, json=event, headers=headers, timeout=10)
    elapsed = time.perf_counter() - t0
    card = _card(resp)
    assert elapsed < 1.0, f"start search took {elapsed:.2f}s"
    print(f"\nstart search answered in {elapsed * 1000:.0f} ms")
    assert card["name"] == "job"
    job_id = next(p["value"] for s in card["sections"] for w in s["widgets"]
                  for b in w.get("buttonList", {}).get("buttons", [])
                  for p in b["onClick"].get("action", {}).get("parameters", []) if p["key"] == "job")

    def finished():
        c = _card(addon.post("/addon/job", params={"job": job_id}))
        status = c["sections"][0]["widgets"][0]["decoratedText"]["text"]
        return c if status in ("Finished", "Stopped with an error") else None

    done = wait_for(finished, timeout=90, every=0.5)
    assert "Finished" in _texts(done), _texts(done)
    results = _card(addon.post("/addon/results", params={"ref": case.ref}))
    items = addon.services.store.results(case.ref)
    assert items and f"<b>{len(items)}</b> items" in _texts(results)
    assert addon.services.store.get(case.ref).status == "review"


def test_second_start_reuses_the_running_search(addon):
    case = _open(addon)
    first = addon.web.runner
    ids = set()
    for _ in range(2):
        card = _card(addon.post("/addon/search/start", params={"ref": case.ref}))
        ids |= {p["value"] for s in card["sections"] for w in s["widgets"]
                for b in w.get("buttonList", {}).get("buttons", [])
                for p in b["onClick"].get("action", {}).get("parameters", []) if p["key"] == "job"}
    assert len(ids) == 1
    first.wait(ids.pop(), timeout=90)


def test_drive_items_selected(addon):
    case = _open(addon)
    addon.services.store.transition(case.ref, "searching", STAFF, "staff")
    items = [{"id": "f1", "title": "Jane Doe - call notes", "mimeType": "application/vnd.google-apps.document",
              "addonHasFileScopePermission": False}]
    card = _card(addon.post("/addon/drive", host_app="DRIVE", drive=items))
    text = _texts(card)
    assert "Jane Doe - call notes" in text and case.ref in text and "Check these files" in text


def test_drive_check_asks_for_drive_scopes_first(addon):
    case = _open(addon)
    addon.services.store.transition(case.ref, "searching", STAFF, "staff")
    resp = addon.post("/addon/drive/check", host_app="DRIVE", scopes=list(ADDON_BASE_SCOPES),
                      params={"files": "[]"}, form={"case": case.ref})
    assert resp.json() == {"requesting_google_scopes": {"scopes": sorted({DRIVE_READONLY, SPREADSHEETS_READONLY})}}


def _drive_files(addon, token: str) -> dict[str, dict]:
    """The staff member's own files by path-less name, listed with the real Drive client."""
    doc = json.loads(get_static_doc("drive", "v3"))
    doc["rootUrl"] = addon.sandbox.url + "/"
    drive = build_from_document(doc, credentials=Credentials(token=token))
    files = drive.files().list(q=f"'{STAFF}' in owners and trashed = false", pageSize=1000,
                               fields="files(id, name, mimeType)").execute()["files"]
    return {f["name"]: f for f in files if not f["mimeType"].endswith(".folder")}


def test_drive_check_reads_the_users_own_files(addon, demo_fixture):
    case = _open(addon)
    addon.services.store.transition(case.ref, "searching", STAFF, "staff")
    scopes = list(ADDON_BASE_SCOPES) + list(registry.scopes_for_operations(["drive.read", "drive.export", "sheets.read"]))
    token = addon.oauth_token(STAFF, scopes)
    own = _drive_files(addon, token)
    jane = json.loads((demo_fixture / "expected.json").read_text())["subjects"][0]
    assert jane["names"] == ["Jane Doe"]
    planted = {e["path"].rsplit("/", 1)[-1] for kind in ("drive", "sheets") for e in jane["expected"][kind]
               if e["account"] == STAFF}
    matching = sorted(planted & set(own))[:3]
    other = next(n for n, f in sorted(own.items()) if n not in planted and f["mimeType"].endswith("document"))
    assert matching, "the demo fixture plants Jane's data in this user's Drive"
    chosen = matching + [other]
    resp = addon.post("/addon/drive/check", host_app="DRIVE", scopes=scopes, oauth_token=token,
                      params={"files": json.dumps([own[n]["id"] for n in chosen])}, form={"case": case.ref})
    card = _card(resp)
    verdicts = {w["decoratedText"]["text"]: w["decoratedText"]["topLabel"] for w in card["sections"][0]["widgets"]}
    assert all(verdicts[html.escape(n, quote=False)] == "MATCH" for n in matching), verdicts
    assert verdicts[html.escape(other, quote=False)] == "no match"
    calls = [r for r in addon.services.trail.records(case=case.ref) if r["api_method"].startswith(("drive.", "sheets."))]
    assert calls and all(r["actor"] == STAFF and r["outcome"] == "ok" for r in calls)
    assert {r["operation"] for r in calls} <= {"drive.read", "drive.export", "sheets.read"}


def test_gmail_contextual_asks_for_the_current_message_scope(addon):
    scopes = [s for s in ADDON_BASE_SCOPES if s != GMAIL_CURRENT_MESSAGE_READONLY]
    resp = addon.post("/addon/gmail", scopes=scopes, gmail={"messageId": "msg-f:1", "accessToken": "t"})
    assert resp.json() == {"requesting_google_scopes": {"scopes": [GMAIL_CURRENT_MESSAGE_READONLY]}}


def test_gmail_contextual_reads_the_sender(addon):
    mailbox = addon.sandbox.ws.mailboxes[STAFF]
    msg_id = next(iter(mailbox.messages))
    token = addon.oauth_token(STAFF, ADDON_BASE_SCOPES)
    gmail = {"messageId": "msg-f:" + str(int(msg_id, 16)), "threadId": "thread-f:1", "accessToken": "per-message"}
    card = _card(addon.post("/addon/gmail", scopes=list(ADDON_BASE_SCOPES), oauth_token=token, gmail=gmail))
    assert card["name"] == "gmail" and "@" in card["sections"][0]["widgets"][0]["decoratedText"]["text"]
    [call] = [r for r in addon.services.trail.records() if r["api_method"] == "gmail.users.messages.get"]
    assert call["operation"] == "gmail.current_message" and call["actor"] == STAFF and call["outcome"] == "ok"
    assert call["scopes"] == sorted(ADDON_BASE_SCOPES) and call["case"] is None


def test_gmail_message_google_cannot_find(addon):
    token = addon.oauth_token(STAFF, ADDON_BASE_SCOPES)
    card = _card(addon.post("/addon/gmail", scopes=list(ADDON_BASE_SCOPES), oauth_token=token,
                            gmail={"messageId": "msg-f:99999999999", "accessToken": "t"}))
    assert card["header"]["title"] == "Google refused" and "404" in _texts(card)


def test_token_without_the_scope_the_event_claims(addon):
    """Google says the scope is granted but the token lacks it: its 403 insufficientPermissions is answered
    with a consent request, not an error."""
    token = addon.oauth_token(STAFF, [s for s in ADDON_BASE_SCOPES if s != GMAIL_CURRENT_MESSAGE_READONLY])
    mailbox = addon.sandbox.ws.mailboxes[STAFF]
    gmail = {"messageId": next(iter(mailbox.messages)), "accessToken": "t"}
    resp = addon.post("/addon/gmail", scopes=list(ADDON_BASE_SCOPES), oauth_token=token, gmail=gmail)
    assert resp.json() == {"requesting_google_scopes": {"scopes": [GMAIL_CURRENT_MESSAGE_READONLY]}}


def test_card_latency(addon, capsys):
    """Sidebar cards must come back quickly. Tokens are minted first (Google sends them with the request),
    so the figures are the add-on's own: verify, parse, read the store, build the card, over real HTTP."""
    for i in range(5):
        _open(addon, name=f"Person {i}")
    ref = addon.services.store.list()[0].ref
    user = addon.user_token()
    figures = {}
    for path, params in (("/addon/homepage", None), ("/addon/cases", None), ("/addon/case/show", {"ref": ref}),
                         ("/addon/case/form", None)):
        headers = {"Authorization": "Bearer " + id_token(addon.sandbox, addon.url + path)}
        event = make_event(user_token=user, params=params)
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            resp = requests.post(addon.url + path, json=event, headers=headers, timeout=10)
            times.append((time.perf_counter() - t0) * 1000)
            _card(resp)
        figures[path] = (statistics.median(times), max(times))
        assert statistics.median(times) < 250
    with capsys.disabled():
        print("\ncard latency (ms, median / max of 20):", {p: f"{m:.1f}/{x:.1f}" for p, (m, x) in figures.items()})
