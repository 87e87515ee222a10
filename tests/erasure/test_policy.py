"""The erasure policy file: parsing, clear errors naming the entry, and which items a rule covers."""
from __future__ import annotations

import pytest

from addon.erasure.errors import PolicyError
from addon.erasure.exemptions import Policy, load_policy, parse_policy

GOOD = """
permanent_delete = false
google_docs = "trash"

[[exempt]]
gmail_label = "Legal hold"
reason = "legal_claims"
detail = "ACAS"

[[exempt]]
drive_folder = "/Finance/Invoices/"
reason = "legal_obligation"
account = "Accounts@Acme.test"

[[exempt]]
spreadsheet = "Billing 2025"
reason = "legal_obligation"

[[sheets]]
spreadsheet = "sheet-id-1"
handling = "redact_cells"

[[vault]]
kind = "hold"
corpus = "mail"
name = "ACAS matter"
"""


def test_parse_and_roundtrip_through_the_plan_form():
    p = parse_policy(GOOD, "policy.toml")
    assert p.google_docs == "trash" and not p.permanent_delete
    assert [e.kind for e in p.exemptions] == ["gmail_label", "drive_folder", "spreadsheet"]
    assert p.exemptions[1].account == "accounts@acme.test"
    again = Policy.from_json(p.to_json())
    assert again.to_json() == p.to_json()


def test_label_rule_covers_the_label_and_its_sublabels_case_insensitively():
    p = parse_policy(GOOD)
    names = {"Label_7": "legal HOLD/ACAS", "Label_8": "Legal holdings"}
    assert p.exemption_for({"source": "gmail", "account": "a@x", "labels": ["INBOX", "Label_7"]}, names).reason == "legal_claims"
    assert p.exemption_for({"source": "gmail", "account": "a@x", "labels": ["Label_8"]}, names) is None
    assert p.exemption_for({"source": "gmail", "account": "a@x", "labels": ["Label_7"]}, {}) is None  # ids are not names


def test_folder_rule_covers_files_under_it_in_that_account_only():
    p = parse_policy(GOOD)
    inside = {"source": "drive", "account": "accounts@acme.test", "file_id": "f", "path": "Finance/Invoices/2025/a.pdf"}
    assert p.exemption_for(inside).kind == "drive_folder"
    assert p.exemption_for({**inside, "account": "other@acme.test"}) is None
    assert p.exemption_for({**inside, "path": "Finance/Invoices-old/a.pdf"}) is None
    assert p.exemption_for({**inside, "path": "Finance/Invoices"}) is None  # the folder itself is not "under" it


def test_spreadsheet_rule_and_sheet_handling_by_id_or_name():
    p = parse_policy(GOOD)
    row = {"source": "sheets", "account": "a@x", "file_id": "sheet-id-1", "name": "Customers", "path": "Customers",
           "sheet": "S", "row": 2}
    assert p.sheet_handling(row) == "redact_cells"
    assert p.sheet_handling({**row, "file_id": "other"}) == "delete_rows"
    assert p.exemption_for({**row, "name": "Billing 2025"}).reason == "legal_obligation"


@pytest.mark.parametrize("text, needle", [
    ("google_docs = 'shred'", "google_docs"),
    ("permanent_delete = 'yes'", "permanent_delete"),
    ("[[exempt]]\ngmail_label = 'x'\nreason = 'because'", "exempt[0].reason"),
    ("[[exempt]]\ngmail_label = 'x'\ndrive_folder = 'y'\nreason = 'legal_claims'", "exactly one"),
    ("[[exempt]]\nspreadsheet = 'x'\nreason = 'other'", "exempt[0].detail"),
    ("[[exempt]]\ndrive_folder = '/'\nreason = 'legal_claims'", "whole Drive"),
    ("[[sheets]]\nspreadsheet = 'x'\nhandling = 'burn'", "sheets[0].handling"),
    ("[[vault]]\nkind = 'retention'\ncorpus = 'mail'\nname = 'r'", "vault[0].days"),
    ("colour = 'red'", "unknown setting"),
    ("this is not toml", "not valid TOML"),
])
def test_bad_policies_name_the_entry(text, needle):
    with pytest.raises(PolicyError) as e:
        parse_policy(text, "org.toml")
    assert needle in str(e.value) and "org.toml" in str(e.value)


def test_load_policy_from_the_environment(tmp_path, monkeypatch):
    from addon.config import Settings

    f = tmp_path / "p.toml"
    f.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("DSAR_ERASURE_POLICY", str(f))
    assert len(load_policy(Settings(home=tmp_path)).exemptions) == 3
    monkeypatch.setenv("DSAR_ERASURE_POLICY", str(tmp_path / "missing.toml"))
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy(Settings(home=tmp_path))
    monkeypatch.delenv("DSAR_ERASURE_POLICY")
    assert load_policy(Settings(home=tmp_path)) == Policy()
