"""The guard's refusals: undeclared operation, wrong API method, missing scope, no purpose, closed case."""
from __future__ import annotations

import pytest

from scopes.errors import GuardRefusal, ScopeError
from scopes.guard import Guard
from scopes.model import (
    DRIVE, DRIVE_READONLY, GMAIL_METADATA, GMAIL_MODIFY, GMAIL_READONLY, MAIL_FULL, SPREADSHEETS,
)
from scopes.registry import scopes_for_step

LIST = "gmail.users.messages.list"


@pytest.fixture
def guard() -> Guard:
    return Guard()


def test_allows_a_declared_call_with_its_scope_and_an_open_case(guard):
    d = guard.check("gmail.search", LIST, {GMAIL_READONLY}, "searching")
    assert d.allowed and d.scope == GMAIL_READONLY and d.operation == "gmail.search"
    assert "gmail.search" in d.reason


def test_refuses_an_undeclared_operation(guard):
    d = guard.check("gmail.send_reply", "gmail.users.messages.send", {MAIL_FULL}, "searching")
    assert not d.allowed and d.reason.startswith("undeclared operation")
    assert not guard.check(None, LIST, {GMAIL_READONLY}, "searching").allowed


def test_refuses_an_api_method_the_operation_does_not_declare(guard):
    d = guard.check("gmail.search", "gmail.users.messages.trash", {GMAIL_READONLY, GMAIL_MODIFY}, "searching")
    assert not d.allowed and d.reason.startswith("wrong API method")
    assert "gmail.users.messages.list" in d.reason


def test_refuses_without_a_declared_and_accepted_scope(guard):
    d = guard.check("gmail.search", LIST, {DRIVE_READONLY}, "searching")
    assert not d.allowed and d.reason.startswith("missing scope") and "gmail.readonly" in d.reason
    # gmail.metadata is accepted by Google for messages.list, but it is not what gmail.search declares
    # (and would refuse its q): a granted scope outside the declaration does not count.
    assert not guard.check("gmail.search", LIST, {GMAIL_METADATA}, "searching").allowed
    # A broader scope the user happens to hold does not widen a read operation either.
    assert not guard.check("gmail.search", LIST, {MAIL_FULL}, "searching").allowed
    assert not guard.check("gmail.search", LIST, set(), "searching").allowed


def test_refuses_without_a_case(guard):
    d = guard.check("gmail.search", LIST, {GMAIL_READONLY}, None)
    assert not d.allowed and d.reason.startswith("no purpose") and "needs an open case" in d.reason
    d = guard.check("gmail.search", LIST, {GMAIL_READONLY}, "searching", has_case=False)
    assert not d.allowed and "no purpose" in d.reason


@pytest.mark.parametrize("status", ["closed", "refused", "withdrawn", "responded", "verified"])
def test_refuses_search_in_a_status_that_does_not_allow_it(guard, status):
    d = guard.check("gmail.search", LIST, {GMAIL_READONLY}, status)
    assert not d.allowed and "no purpose" in d.reason and f"this case is {status}" in d.reason


def test_erasure_only_after_approval(guard):
    args = ("gmail.trash", "gmail.users.messages.trash", {GMAIL_MODIFY})
    assert not guard.check(*args, "erasure_planned").allowed
    assert not guard.check(*args, "review").allowed
    assert guard.check(*args, "approved").allowed


def test_erase_with_search_scopes_is_refused(guard):
    d = guard.check("drive.trash", "drive.files.update", set(scopes_for_step("search")), "approved")
    assert not d.allowed and "missing scope" in d.reason and "drive" in d.reason


def test_permanent_deletion_needs_the_deployment_to_enable_it():
    call = ("gmail.delete_permanently", "gmail.users.messages.batchDelete", {MAIL_FULL}, "approved")
    d = Guard().check(*call)
    assert not d.allowed and "permanent deletion is not enabled" in d.reason
    assert not Guard().check("drive.delete", "drive.files.delete", {DRIVE}, "approved").allowed
    assert Guard(permanent_delete=True).check(*call).allowed
    assert Guard(permanent_delete=True).check("drive.delete", "drive.files.delete", {DRIVE}, "approved").allowed
    # enabled, but the token lacks https://mail.google.com/ (gmail.modify cannot delete permanently)
    d = Guard(permanent_delete=True).check("gmail.delete_permanently", "gmail.users.messages.batchDelete",
                                           {GMAIL_MODIFY}, "approved")
    assert not d.allowed and "missing scope" in d.reason


def test_operations_without_a_case_run_in_any_state(guard):
    assert guard.check("auth.token", "oauth2.token", set(), None).allowed
    assert guard.check("tracker.write", "sheets.spreadsheets.values.batchUpdate", {SPREADSHEETS}, "closed").allowed
    d = guard.check("auth.userinfo", "oauth2.userinfo", set(), None)
    assert not d.allowed and "missing scope" in d.reason


def test_require_raises_a_clear_refusal(guard):
    with pytest.raises(GuardRefusal) as e:
        guard.require("gmail.search", LIST, {GMAIL_READONLY}, "closed")
    assert isinstance(e.value, ScopeError) and isinstance(e.value, PermissionError)
    assert e.value.decision.operation == "gmail.search" and "closed" in str(e.value)
    assert guard.require("gmail.search", LIST, {GMAIL_READONLY}, "searching").allowed
