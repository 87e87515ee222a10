"""The registry against Google's discovery documents, and the consistency check catching real mistakes."""
from __future__ import annotations

from dataclasses import replace

import pytest

from addon.cases.lifecycle import STATUSES
from scopes import discovery, registry
from scopes.errors import RegistryInconsistent, UnknownOperation, UnknownStep
from scopes.model import (
    DRIVE, DRIVE_FILE, DRIVE_READONLY, GMAIL_METADATA, GMAIL_MODIFY, GMAIL_READONLY, MAIL_FULL, SCOPE_CLASS,
    SPREADSHEETS, SPREADSHEETS_READONLY,
)

REQUIRED = (
    "gmail.search", "gmail.read_metadata", "gmail.read_full", "gmail.export_raw", "gmail.labels", "gmail.profile",
    "gmail.trash", "gmail.delete_permanently", "drive.search", "drive.read", "drive.export", "drive.trash",
    "drive.delete", "drive.permissions_check", "drives.list", "sheets.read", "sheets.delete_rows",
    "sheets.redact_cells", "tracker.write", "tracker.read", "directory.list_users", "auth.token", "auth.revoke",
    "auth.certs", "auth.userinfo",
)


def test_registry_is_consistent_with_discovery_documents():
    assert registry.consistency_problems() == []
    registry.check_consistency()


def test_every_required_operation_is_declared():
    missing = [n for n in REQUIRED if n not in registry.OPERATIONS]
    assert missing == []


def test_every_discovery_method_named_exists_and_accepts_a_declared_scope():
    known = discovery.methods()
    for op in registry.OPERATIONS.values():
        for m in op.api_methods:
            if m.startswith("oauth2."):
                continue
            assert m in known, f"{op.name}: {m}"
            assert set(op.scopes) & set(known[m].scopes), f"{op.name}: no declared scope is accepted for {m}"


def test_minimal_scopes_per_design():
    op = registry.operation
    assert op("gmail.search").scopes == (GMAIL_READONLY,)
    assert op("gmail.read_metadata").scopes == (GMAIL_READONLY,)  # never gmail.metadata next to readonly
    assert op("gmail.trash").scopes == (GMAIL_MODIFY,)
    assert op("gmail.delete_permanently").scopes == (MAIL_FULL,)
    assert op("drive.search").scopes == (DRIVE_READONLY,)
    assert op("drive.trash").scopes == (DRIVE,) and op("drive.delete").scopes == (DRIVE,)
    assert op("sheets.read").scopes == (SPREADSHEETS_READONLY,)
    assert op("sheets.delete_rows").scopes == (SPREADSHEETS,)
    assert set(op("tracker.write").scopes) == {SPREADSHEETS, DRIVE_FILE}
    assert GMAIL_METADATA not in registry.all_declared_scopes()


def test_sensitivity_follows_googles_classification():
    op = registry.operation
    assert op("gmail.search").sensitivity == "restricted"
    assert op("gmail.delete_permanently").sensitivity == "restricted"
    assert op("drive.trash").sensitivity == "restricted"
    assert op("sheets.read").sensitivity == "sensitive"
    assert op("sheets.redact_cells").sensitivity == "sensitive"
    assert op("auth.token").sensitivity == "non-sensitive"
    assert SCOPE_CLASS[DRIVE_FILE] == "non-sensitive"


def test_statuses_are_the_case_lifecycle():
    for op in registry.OPERATIONS.values():
        assert op.allowed_statuses <= set(STATUSES)
    assert "approved" in registry.operation("gmail.trash").allowed_statuses
    assert not registry.operation("gmail.trash").allowed_statuses & {"searching", "review", "closed"}
    assert "closed" not in registry.operation("gmail.search").allowed_statuses


def test_operations_for_api_method_and_unknowns():
    names = [o.name for o in registry.operations_for_api_method("gmail.users.messages.get")]
    assert {"gmail.read_full", "gmail.read_metadata", "gmail.export_raw", "gmail.trash"} <= set(names)
    assert names.index("gmail.read_full") < names.index("gmail.read_metadata")  # Gmail's default format is full
    assert registry.operations_for_api_method("gmail.users.messages.send") == []
    with pytest.raises(UnknownOperation, match="gmail.send"):
        registry.operation("gmail.send")
    with pytest.raises(UnknownStep, match="step"):
        registry.scopes_for_step("destroy")


def test_resolve_picks_the_operation_from_step_and_format():
    r = registry.resolve_operation
    assert r("search", "gmail.users.messages.get", {"format": "metadata"}) == "gmail.read_metadata"
    assert r("search", "gmail.users.messages.get", {}) == "gmail.read_full"
    assert r("export", "gmail.users.messages.get", {"format": "raw"}) == "gmail.export_raw"
    assert r("erase", "drive.files.delete", {}) == "drive.delete"
    assert r("search", "directory.users.list", {}) == "directory.list_users"  # supporting op from any step
    assert r("search", "gmail.users.messages.delete", {}) is None


# -- the check catches registry mistakes -----------------------------------------------------------------

def _bad(**changes):
    return replace(registry.operation("gmail.search"), **changes)


@pytest.mark.parametrize("changes, expected", [
    ({"api_methods": ("gmail.users.messages.lst",)}, "not in Google's discovery documents"),
    ({"api_methods": ("gmail.users.messages.delete",), "step": "erase",
      "scopes": (GMAIL_MODIFY,), "sensitivity": "restricted"}, "accepts none of its scopes"),
    ({"scopes": (GMAIL_READONLY, DRIVE_READONLY)}, "none of its API methods accepts"),
    ({"sensitivity": "sensitive"}, "marked sensitive but its scopes are restricted"),
    ({"scopes": (GMAIL_MODIFY,)}, "asks for write scope gmail.modify but only reads"),
    ({"api_methods": ("gmail.users.messages.trash",), "scopes": (GMAIL_MODIFY,)}, "is a POST method"),
    ({"scopes": (GMAIL_METADATA, GMAIL_READONLY)}, "combines gmail.metadata"),
    ({"allowed_statuses": frozenset({"open"})}, "'open' is not a case status"),
    ({"step": "purge"}, "step 'purge' is not one of"),
    ({"justification": "because"}, "justification is missing or too short"),
    ({"scopes": ("https://www.googleapis.com/auth/gmail.everything",)}, "has no sensitivity class"),
    ({"name": "gmail.trash", "step": "erase", "api_methods": ("gmail.users.messages.delete",),
      "scopes": (MAIL_FULL,)}, "not marked permanent"),
    ({"scopes": ()}, "requests no scope but"),
])
def test_consistency_check_catches(changes, expected):
    ops = [*(o for o in registry.OPERATIONS.values() if o.name != changes.get("name", "gmail.search")), _bad(**changes)]
    problems = registry.consistency_problems(ops)
    assert any(expected in p for p in problems), problems
    with pytest.raises(RegistryInconsistent):
        registry.check_consistency(ops)


def test_duplicate_names_are_caught():
    ops = [*registry.OPERATIONS.values(), registry.operation("drive.read")]
    assert "drive.read: declared twice" in registry.consistency_problems(ops)
