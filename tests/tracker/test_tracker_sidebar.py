"""Issue 12 item 2, the sidebar: a case a staff member opens from the add-on (the /addon/case/open endpoint,
over real HTTP, with an event signed as Google signs it) reaches the DPO's tracker sheet."""
from __future__ import annotations

import requests

from addon.config import Settings
from addon.services import Services
from addon.tracker import init_tracker, load_config, sync_all
from addon.tracker.schema import COLUMNS
from addon.web.app import create_app
from addon.web.security import SANDBOX_ADDON_CLIENT_ID
from tests.web.conftest import LiveServer, id_token, make_event

STAFF = "staff@example.test"


def _web(env, monkeypatch) -> tuple[Services, str]:
    monkeypatch.setenv("DSAR_SECRET_KEY", "Q1JHbnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1Q=")
    for var in ("DSAR_DPO", "DSAR_AUDITORS", "DSAR_ADDON_SERVICE_ACCOUNT", "DSAR_OAUTH_CLIENT_ID",
                "DSAR_ADDON_BASE_URL", "DSAR_ACTOR"):
        monkeypatch.delenv(var, raising=False)
    init_tracker(env.services(), env.dpo)  # the DPO's sheet, in the DPO's Drive, shared with nobody else
    services = Services(Settings(home=env.home, sandbox_url=env.server.url, domain=env.domain, admin=env.admin,
                                 extra={"dpo": env.dpo}))  # as 'dsar serve' runs: no DSAR_ACTOR
    return services, load_config(env.home).spreadsheet_id


def _open_from_sidebar(env, services, name: str) -> str:
    """POST the case form as the add-on does; the notification text shown to the staff member."""
    live = LiveServer(create_app(services))
    try:
        url = live.url + "/addon/case/open"
        event = make_event(user_token=id_token(env.server, SANDBOX_ADDON_CLIENT_ID, STAFF),
                           form={"type": "access", "name": name, "emails": "jane.doe@example.com"})
        resp = requests.post(url, json=event, headers={"Authorization": "Bearer " + id_token(env.server, url)},
                             timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()["renderActions"]["action"]["notification"]["text"]
    finally:
        live.app.extensions["dsar"].runner.shutdown(wait=True)
        live.stop()


def _rows(env, sid: str) -> dict[str, dict]:
    values = env.google("sheets").spreadsheets().values().get(
        spreadsheetId=sid, range="Tracker", valueRenderOption="UNFORMATTED_VALUE").execute()["values"]
    return {r[0]: dict(zip(COLUMNS, r)) for r in values[1:] if r}


def test_a_case_opened_from_the_sidebar_by_staff_reaches_the_dpos_tracker(env, monkeypatch):
    services, sid = _web(env, monkeypatch)
    notify = _open_from_sidebar(env, services, "Jane Doe")
    assert notify.startswith("Opened DSAR-") and "pending" not in notify
    [case] = services.store.list()
    assert case.created_by == STAFF
    rows = _rows(env, sid)
    assert case.ref in rows and rows[case.ref]["Assignee"] == STAFF and rows[case.ref]["Subject"] == "Jane Doe"


def test_the_sidebar_says_when_the_row_is_pending(env, monkeypatch):
    services, sid = _web(env, monkeypatch)
    requests.put(env.server.url + "/_sandbox/faults", json={"spec": "500@sheets.spreadsheets.values.append=1"},
                 timeout=10).raise_for_status()
    notify = _open_from_sidebar(env, services, "Jane Doe")
    requests.put(env.server.url + "/_sandbox/faults", json={"spec": ""}, timeout=10).raise_for_status()
    assert "tracker row is pending" in notify
    [case] = services.store.list()
    assert case.ref not in _rows(env, sid)
    assert sync_all(services, env.dpo).pending_cleared == [case.ref] and case.ref in _rows(env, sid)
