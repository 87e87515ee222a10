"""Chat v1 in the sandbox through google-api-python-client: spaces and messages from Takeout's Google Chat
folders, paging and createTime filters, members, who may delete a message, scopes and per-space quota."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from googleapiclient.errors import HttpError

from sandbox.oauth.identity import subject_id
from sandbox.server import SandboxServer
from tests.sandbox import sources_fixture as sf

READ = ["chat.messages.readonly", "chat.spaces.readonly", "chat.memberships.readonly"]
SPACE = "spaces/AAAAcallfloor"


@pytest.fixture
def server(tmp_path, sandbox_factory) -> SandboxServer:
    return sandbox_factory(sf.write(tmp_path))


def chat(server, who=sf.BEN, scopes=READ):
    return sf.client(server, "chat", "v1", who, scopes).spaces()


def test_spaces_listed_for_members_only_once_and_broken_file_reported(server):
    got = chat(server).list().execute()["spaces"]
    assert [(s["name"], s["spaceType"], s["displayName"]) for s in got] == [(SPACE, "SPACE", "Call floor")]
    assert got[0]["membershipCount"] == {"joinedDirectHumanUserCount": 2}
    # the DM's messages.json is damaged: reported, and a DM with no messages is not listed (as Google)
    assert [Path(p).parent.name for p, _ in server.ws.load_problems if "Google Chat" in p] == ["DM xyz123"]
    assert chat(server, sf.ROOT).list().execute() == {}
    assert chat(server).list(filter='spaceType = "DIRECT_MESSAGE"').execute() == {}
    with pytest.raises(HttpError) as err:
        chat(server).list(filter="name = x").execute()
    assert err.value.resp.status == 400


def test_messages_page_in_creation_order_without_duplicates(server):
    msgs = chat(server).messages()
    req, seen = msgs.list(parent=SPACE, pageSize=2), []
    while req is not None:
        page = req.execute()
        seen += page["messages"]
        req = msgs.list_next(req, page)
    assert [m["text"] for m in seen] == ["the caller on line 3, 07700 900123, is angry", "I'll call her back",
                                         "line 2 is 07700 900124, a different caller"]  # both exports, once
    first = seen[0]
    assert first["name"].startswith(SPACE + "/messages/") and first["createTime"] == "2025-06-03T10:15:02.000000Z"
    assert first["sender"] == {"name": f"users/{subject_id(sf.ANA)}", "type": "HUMAN"}  # user auth: no email
    assert first["thread"]["name"] == SPACE + "/threads/t1"
    newest = msgs.list(parent=SPACE, orderBy="createTime desc", pageSize=1).execute()["messages"][0]
    assert newest["text"].startswith("line 2")


def test_create_time_filter(server):
    msgs = chat(server).messages()
    got = msgs.list(parent=SPACE, filter='createTime > "2025-06-03T10:16:00Z" AND createTime < "2025-06-04T00:00:00+00:00"').execute()
    assert [m["text"] for m in got["messages"]] == ["I'll call her back"]
    assert msgs.list(parent=SPACE, filter='create_time > "2026-01-01T00:00:00Z"').execute() == {}
    for bad in ('createTime > 2025-06-03', 'createTime > "2025-06-03T10:16:00"', "text = x"):
        with pytest.raises(HttpError) as err:
            msgs.list(parent=SPACE, filter=bad).execute()
        assert err.value.resp.status == 400, bad


def test_non_member_and_unknown_space(server):
    with pytest.raises(HttpError) as err:
        chat(server, sf.ROOT).messages().list(parent=SPACE).execute()
    assert err.value.resp.status == 403
    with pytest.raises(HttpError) as err:
        chat(server).messages().list(parent="spaces/nope").execute()
    assert err.value.resp.status == 404


def test_members_are_the_directory_ids(server):
    got = chat(server).members().list(parent=SPACE).execute()["memberships"]
    assert {m["member"]["name"]: m["role"] for m in got} == {f"users/{subject_id(sf.ANA)}": "ROLE_MANAGER",
                                                             f"users/{subject_id(sf.BEN)}": "ROLE_MEMBER"}
    assert all(m["state"] == "JOINED" and m["name"].startswith(SPACE + "/members/") for m in got)


def test_only_the_sender_may_delete(server):
    anas = chat(server).messages().list(parent=SPACE).execute()["messages"][0]["name"]
    with pytest.raises(HttpError) as err:  # Ben is a member, but not the sender
        chat(server, sf.BEN, ["chat.messages"]).messages().delete(name=anas).execute()
    assert err.value.resp.status == 403 and "sender" in str(err.value)
    with pytest.raises(HttpError) as err:  # a space manager (Ana is one) gets no more than that: her own only
        bens = chat(server).messages().list(parent=SPACE).execute()["messages"][1]["name"]
        chat(server, sf.ANA, ["chat.messages"]).messages().delete(name=bens).execute()
    assert err.value.resp.status == 403
    with pytest.raises(HttpError) as err:  # read-only scope
        chat(server, sf.ANA).messages().delete(name=anas).execute()
    assert err.value.resp.status == 403 and "insufficient authentication scopes" in str(err.value)
    with pytest.raises(HttpError) as err:  # app authentication deletes only the app's own messages
        chat(server, sf.ROOT, ["chat.bot"]).messages().delete(name=anas).execute()
    assert err.value.resp.status == 403
    assert chat(server, sf.ANA, ["chat.messages"]).messages().delete(name=anas).execute() == {}
    msgs = chat(server).messages()
    assert [m["text"] for m in msgs.list(parent=SPACE).execute()["messages"]][0] == "I'll call her back"
    gone = msgs.list(parent=SPACE, showDeleted=True).execute()["messages"][0]
    assert gone["name"] == anas and gone["deletionMetadata"] == {"deletionType": "CREATOR"} and "text" not in gone
    with pytest.raises(HttpError) as err:
        chat(server, sf.ANA, ["chat.messages"]).messages().delete(name=anas).execute()
    assert err.value.resp.status == 404


def test_per_space_read_quota(server):
    msgs, anas = chat(server).messages(), chat(server, sf.ANA).messages().list(parent=SPACE, pageSize=1)
    t0, served = time.monotonic(), 0
    with pytest.raises(HttpError) as err:  # 900 reads per minute per space, shared by every caller
        for _ in range(3000):
            msgs.list(parent=SPACE, pageSize=1).execute()
            served += 1
    assert 900 <= served <= 900 + 15 * (time.monotonic() - t0) + 1
    assert err.value.resp.status == 429 and "per space" in str(err.value)
    with pytest.raises(HttpError):
        anas.execute()  # another member: the same space's bucket
    assert chat(server).list().execute()["spaces"]  # spaces.list is not a per-space read
