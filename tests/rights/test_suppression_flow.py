"""The marketing opt-out (Art. 21(3)) end to end in the sandbox: Jane's rows leave one marketing list and
are flagged in another (as marketing.toml says), her email and phone answer "do not contact" from the CLI
(exit 1) however they are written, others "no record" (exit 0), the tracker's Suppression tab holds only
keyed hashes, and applying again changes nothing."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.rights import suppression_list as sl
from addon.rights.suppress import apply, check, plan
from addon.tracker import init_tracker
from scopes.model import SPREADSHEETS

from .conftest import open_case, usable_emails

AISHA = "aisha.khan@northwind-calls.test"


def _sheet(world, title: str, rows: list[list[str]]) -> str:
    sheets = world.api("sheets", AISHA, [SPREADSHEETS])
    book = sheets.spreadsheets().create(body={"properties": {"title": title}, "sheets": [
        {"properties": {"title": "Subscribers"}}]}).execute()
    sheets.spreadsheets().values().update(spreadsheetId=book["spreadsheetId"], range="'Subscribers'!A1",
                                          valueInputOption="RAW", body={"values": rows}).execute()
    return book["spreadsheetId"]


def _values(world, fid: str, tab: str = "Subscribers", who: str = AISHA) -> list[list[str]]:
    got = world.api("sheets", who, [SPREADSHEETS]).spreadsheets().values().get(spreadsheetId=fid, range=f"'{tab}'").execute()
    return got.get("values", [])


def test_marketing_optout_end_to_end(world):
    services = world.services()
    cfg, _, _ = init_tracker(services, world.dpo)
    news = _sheet(world, "Newsletter", [["Email", "Name"], ["sam.hill@example.com", "Sam Hill"],
                                        ["jane.doe@example.com", "Jane Doe"], ["ann.lee@example.com", "Ann Lee"]])
    offers = _sheet(world, "Offers", [["Name", "Mobile", "Marketing"], ["Jane Doe", "07700 900123", "yes"],
                                      ["Ann Lee", "07700 900555", "yes"]])
    (world.home / "marketing.toml").write_text(
        f'[[list]]\nname = "Newsletter"\nspreadsheet = "{news}"\ntab = "Subscribers"\nowner = "{AISHA}"\n'
        f'action = "remove"\n\n[[list]]\nname = "Offers"\nspreadsheet = "{offers}"\ntab = "Subscribers"\n'
        f'owner = "{AISHA}"\naction = "flag"\nflag_column = "Marketing"\nflag_value = "NO - opted out"\n',
        encoding="utf-8")
    ref = open_case(world, "jane", "marketing_optout", search=False)
    assert check(services, "jane.doe@example.com", world.staff)["status"] == "no_record"

    shown = plan(services, ref, world.staff)
    assert [(ml["name"], ml["rows"]) for ml in shown["lists"]] == [("Newsletter", [3]), ("Offers", [2])]
    got = apply(services, ref, world.staff)
    assert got["hashes_added"] == 2 and services.store.get(ref).status == "suppressed"
    assert [r[0] for r in _values(world, news)] == ["Email", "sam.hill@example.com", "ann.lee@example.com"]
    assert _values(world, offers) == [["Name", "Mobile", "Marketing"], ["Jane Doe", "07700 900123", "NO - opted out"],
                                      ["Ann Lee", "07700 900555", "yes"]]

    tab = _values(world, cfg.spreadsheet_id, sl.TAB, world.dpo)
    assert tab[0] == sl.HEADER and len(tab) == 3
    assert not sl.has_plaintext(tab[1:]) and all(len(r[0]) == 64 for r in tab[1:])
    flat = " ".join(" ".join(r) for r in tab).lower()
    assert "jane" not in flat and "7700" not in flat and "900123" not in flat

    again = apply(services, ref, world.staff)  # idempotent
    assert again["hashes_added"] == 0 and all(ml["rows"] == 0 for ml in again["lists"])
    assert len(_values(world, cfg.spreadsheet_id, sl.TAB, world.dpo)) == 3

    env = {"DSAR_HOME": str(world.home), "DSAR_SANDBOX_URL": world.server.url, "DSAR_ACTOR": world.staff,
           "DSAR_DPO": world.dpo, "DSAR_ADMIN": world.admin}
    cli = CliRunner()
    for who, code, words in (("Jane.Doe@Example.com", 1, "do not contact"), ("+44 7700 900123", 1, "do not contact"),
                             ("07700900123", 1, "do not contact"), ("ann.lee@example.com", 0, "no record"),
                             ("07700 900555", 0, "no record")):
        r = cli.invoke(main, ["suppression", "check", who], env=env)
        assert r.exit_code == code and words in r.output, (who, r.output)
    r = cli.invoke(main, ["suppression", "check", "nonsense"], env=env)
    assert r.exit_code == 3 and "EMAIL|PHONE" in r.output and "Traceback" not in r.output


def test_objection_suppresses_only_once_upheld(world):
    from addon.cases.objection import decide
    from addon.rights.errors import RightsError

    services = world.services()
    cfg, _, _ = init_tracker(services, world.dpo)
    ref = open_case(world, "siobhan", "objection", {"processing": "Calling her with renewal offers"})
    with pytest.raises(RightsError, match="upholds the objection first"):
        apply(services, ref, world.staff)
    case = decide(services.store, services.store.get(ref), world.dpo, "dpo", True,
                  "no compelling grounds outweigh her objection")
    got = apply(services, ref, world.staff)
    s = world.subject("siobhan")
    assert got["hashes_added"] == len(s["phones"]) + len(usable_emails(s["emails"])) and got["lists"] == []
    assert services.store.get(ref).status == case.status == "objection_upheld"
    assert check(services, s["phones"][0], world.staff)["status"] == "do_not_contact"
