"""The Limited Use disclosure page: public, rendered from the scope registry (every scope the product can
ask for, why and in which step, Google's statement), the same as ``dsar scopes disclosure``, and linked
from the homepage card."""
from __future__ import annotations

import html
import json

import requests
from click.testing import CliRunner

from addon.cli import main
from addon.web.cards.responses import cards_in
from scopes import registry
from scopes.catalog import ADDON_BASE_SCOPES, LIMITED_USE_DISCLOSURE
from scopes.disclosure import disclosure


def _every_scope() -> set[str]:
    return {s for op in registry.OPERATIONS.values() for s in op.scopes} | set(ADDON_BASE_SCOPES)


def test_page_lists_every_scope_with_its_reason_and_step(addon):
    page = requests.get(addon.url + "/limited-use", timeout=10)  # no sign-in: a reviewer reads it as it is
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = html.unescape(page.text)
    assert LIMITED_USE_DISCLOSURE in text
    shown = {a for a in text.split('data-scope="')[1:]}
    assert {s.split('"', 1)[0] for s in shown} == _every_scope()
    reports = registry.operation("admin.reports.read")
    assert reports.justification.split(" Used only")[0] in text and "For the auditor, dpo, system only." in text
    assert "https://www.googleapis.com/auth/admin.reports.audit.readonly" in text
    data = requests.get(addon.url + "/limited-use", params={"format": "json"}, timeout=10).json()
    assert data == json.loads(json.dumps(disclosure()))
    for s in data["scopes"]:  # every scope says why: an operation and its step, or the add-on's base
        assert s["addon_base"] or (s["operations"] and s["steps"])


def test_cli_prints_the_same_disclosure():
    r = CliRunner().invoke(main, ["scopes", "disclosure"])
    assert r.exit_code == 0
    assert r.output.startswith("# Limited Use disclosure") and LIMITED_USE_DISCLOSURE in r.output
    for scope in _every_scope():
        assert f"### {scope}\n" in r.output
    j = CliRunner().invoke(main, ["scopes", "disclosure", "--json"])
    assert json.loads(j.output)["statement"] == LIMITED_USE_DISCLOSURE


def test_homepage_card_links_to_the_disclosure(addon):
    resp = addon.post("/addon/homepage")
    assert resp.status_code == 200
    [card] = cards_in(resp.json())
    links = [b["onClick"]["openLink"]["url"] for s in card["sections"] for w in s["widgets"]
             for b in w.get("buttonList", {}).get("buttons", []) if "openLink" in b.get("onClick", {})]
    assert any(u.endswith("/limited-use") for u in links), links
    target = next(u for u in links if u.endswith("/limited-use"))
    assert requests.get(addon.url + "/limited-use", timeout=10).status_code == 200 and target.startswith("http")
