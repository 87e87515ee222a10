"""The demo company's Calendar, Contacts, Chat and Forms: every planted item in expected.json's
``other_sources`` is served by the sandbox's APIs with its evidence, every decoy is there too, the product's own
matcher agrees with the ground truth item by item, and the old keys of expected.json are unchanged."""
from __future__ import annotations

import json

import pytest

from sandbox.server import SandboxServer
from tests.sandbox import sources_fixture as sf

SOURCES = ("calendar", "contacts", "chat", "forms")


@pytest.fixture(scope="module")
def world(demo_fixture):
    expected = json.loads((demo_fixture / "expected.json").read_text(encoding="utf-8"))
    with SandboxServer(demo_fixture, port=0) as server:
        yield server, expected, served_texts(server)


def served_texts(server) -> dict[tuple, str]:
    """Every item of the four sources, as text, read back through the APIs: key -> text."""
    out: dict[tuple, str] = {}
    for user in server.ws.users:
        events = sf.client(server, "calendar", "v3", user, ["calendar.readonly"]).events()
        for e in events.list(calendarId="primary", maxResults=2500).execute()["items"]:
            people = " ".join(f"{a.get('displayName', '')} {a['email']}" for a in e.get("attendees", []))
            out[("calendar", user, e["id"])] = " ".join([e.get("summary", ""), e.get("description", ""),
                                                         e.get("location", ""), people])
        pe = sf.client(server, "people", "v1", user, ["contacts.readonly", "contacts.other.readonly"])
        fields = "names,emailAddresses,phoneNumbers,organizations,biographies"
        conns = pe.people().connections().list(resourceName="people/me", personFields=fields, pageSize=1000).execute()
        others = pe.otherContacts().list(readMask="names,emailAddresses,phoneNumbers", pageSize=1000).execute()
        for kind, p in [("contact", p) for p in conns.get("connections", [])] + \
                       [("other_contact", p) for p in others.get("otherContacts", [])]:
            name = p["names"][0]["displayName"] if "names" in p else p["emailAddresses"][0]["value"]
            vals = [v.get("value", v.get("name", "")) for k in ("emailAddresses", "phoneNumbers", "organizations",
                                                                "biographies") for v in p.get(k, [])]
            out[("contacts", user, kind, name)] = " ".join([name if "names" in p else ""] + vals)
        ch = sf.client(server, "chat", "v1", user, ["chat.messages.readonly", "chat.spaces.readonly"]).spaces()
        for space in ch.list().execute().get("spaces", []):
            for m in ch.messages().list(parent=space["name"], pageSize=1000).execute().get("messages", []):
                out[("chat", user, space["name"], m["createTime"])] = m["text"]
        drive = sf.client(server, "drive", "v3", user, ["drive.metadata.readonly"])
        fo = sf.client(server, "forms", "v1", user, ["forms.responses.readonly"]).forms()
        for f in drive.files().list(q="mimeType = 'application/vnd.google-apps.form' and 'me' in owners").execute()["files"]:
            for r in fo.responses().list(formId=f["id"]).execute().get("responses", []):
                text = " ".join(a["value"] for ans in r["answers"].values() for a in ans["textAnswers"]["answers"])
                out[("forms", user, f["name"], r["responseId"])] = text + " " + r.get("respondentEmail", "")
    return out


def key_of(source: str, item: dict, texts: dict[tuple, str]) -> tuple:
    if source == "calendar":
        return ("calendar", item["account"], item["event_id"])
    if source == "contacts":
        return ("contacts", item["account"], item["kind"], item["display_name"])
    if source == "chat":
        return ("chat", item["account"], item["space"], item["create_time"])
    return ("forms", item["account"], item["form"], item["response_id"])


def test_every_subject_has_other_sources_and_the_old_keys_are_unchanged(world):
    _, expected, _ = world
    for s in expected["subjects"]:
        assert set(s["expected"]) == {"gmail", "drive", "sheets"}  # the existing sources' ground truth as it was
        assert set(s["other_sources"]["expected"]) == set(SOURCES)
    jane = next(s for s in expected["subjects"] if s["key"] == "jane")["other_sources"]
    assert all(jane["expected"][src] for src in SOURCES), "Jane is planted in every new source"
    assert {d["source"] for d in jane["decoys"]} == set(SOURCES)
    assert any("07700 900123" in i["evidence"] for i in jane["expected"]["chat"])


def test_planted_items_are_served_with_their_evidence(world):
    _, expected, texts = world
    for s in expected["subjects"]:
        for source, items in s["other_sources"]["expected"].items():
            for item in items:
                key = key_of(source, item, texts)
                assert key in texts, (s["key"], item)
                assert item["evidence"] in texts[key], (s["key"], item, texts[key])


def test_product_matcher_agrees_with_the_ground_truth(world):
    """addon.subjects.matching over every served event, contact, message and response finds exactly the planted
    items (so decoys really are decoys)."""
    matching = pytest.importorskip("addon.subjects.matching")
    identifiers = pytest.importorskip("addon.subjects.identifiers")
    _, expected, texts = world
    for s in expected["subjects"]:
        m = matching.Matcher(identifiers.Subject(tuple(s["names"]), tuple(s["emails"]), tuple(s["phones"]),
                                                 tuple(s["identifiers"])))
        want = {key_of(src, i, texts) for src, items in s["other_sources"]["expected"].items() for i in items}
        got = {k for k, text in texts.items() if m.match_text(text)}
        assert got == want, (s["key"], got ^ want)
