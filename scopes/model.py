"""The vocabulary of the scope registry: operations, workflow steps, case statuses and Google's
classification of each OAuth scope (research/addon.md §5.1). Data only; queries live in :mod:`registry`."""
from __future__ import annotations

from dataclasses import dataclass

from dsar_base.vocabulary import STATUSES

_AUTH = "https://www.googleapis.com/auth/"

# Gmail
MAIL_FULL = "https://mail.google.com/"
GMAIL_READONLY = _AUTH + "gmail.readonly"
GMAIL_MODIFY = _AUTH + "gmail.modify"
GMAIL_METADATA = _AUTH + "gmail.metadata"
GMAIL_ADDONS_EXECUTE = _AUTH + "gmail.addons.execute"
GMAIL_CURRENT_MESSAGE_READONLY = _AUTH + "gmail.addons.current.message.readonly"
# Drive
DRIVE = _AUTH + "drive"
DRIVE_READONLY = _AUTH + "drive.readonly"
DRIVE_FILE = _AUTH + "drive.file"
DRIVE_METADATA_READONLY = _AUTH + "drive.metadata.readonly"
DRIVE_ADDONS_METADATA_READONLY = _AUTH + "drive.addons.metadata.readonly"
# Sheets
SPREADSHEETS = _AUTH + "spreadsheets"
SPREADSHEETS_READONLY = _AUTH + "spreadsheets.readonly"
# Admin SDK, identity, add-on runtime
DIRECTORY_USER_READONLY = _AUTH + "admin.directory.user.readonly"
OPENID = "openid"
USERINFO_EMAIL = _AUTH + "userinfo.email"
SCRIPT_LOCALE = _AUTH + "script.locale"
# Cloud: the runtime's own identity signing delegation JWTs (keyless organisation mode), never a user's
CLOUD_PLATFORM = _AUTH + "cloud-platform"

RESTRICTED, SENSITIVE, NON_SENSITIVE = "restricted", "sensitive", "non-sensitive"
SENSITIVITIES = (RESTRICTED, SENSITIVE, NON_SENSITIVE)  # most to least demanding

#: Google's classification of every scope the product may request. Restricted: Google's "Restricted
#: Scopes" list (support.google.com/cloud/answer/13464325). Sensitive: the Sheets scopes table and the Gmail
#: scopes table (current.message.* are Sensitive). Non-sensitive: identity scopes, drive.file ("Recommended,
#: Non-sensitive"), the add-on runtime scopes. admin.directory.* are shown as sensitive on the consent screen.
SCOPE_CLASS: dict[str, str] = {
    MAIL_FULL: RESTRICTED,
    GMAIL_READONLY: RESTRICTED,
    GMAIL_MODIFY: RESTRICTED,
    GMAIL_METADATA: RESTRICTED,
    DRIVE: RESTRICTED,
    DRIVE_READONLY: RESTRICTED,
    DRIVE_METADATA_READONLY: RESTRICTED,
    SPREADSHEETS: SENSITIVE,
    SPREADSHEETS_READONLY: SENSITIVE,
    GMAIL_CURRENT_MESSAGE_READONLY: SENSITIVE,
    DIRECTORY_USER_READONLY: SENSITIVE,
    DRIVE_FILE: NON_SENSITIVE,
    DRIVE_ADDONS_METADATA_READONLY: NON_SENSITIVE,
    GMAIL_ADDONS_EXECUTE: NON_SENSITIVE,
    SCRIPT_LOCALE: NON_SENSITIVE,
    USERINFO_EMAIL: NON_SENSITIVE,
    OPENID: NON_SENSITIVE,
    CLOUD_PLATFORM: SENSITIVE,
}

#: Workflow steps. Incremental authorization asks for one step's scopes at a time; "context" is the add-on
#: reading the item the user has open (per-message token), "auth"/"admin" support every other step.
STEPS = ("search", "export", "erase", "track", "admin", "auth", "context")

#: Case statuses (dsar_base.vocabulary is the source, shared with the lifecycle; by reference, not by copy).
CASE_STATUSES: tuple[str, ...] = STATUSES
ANY_STATUS = frozenset(STATUSES)
#: A search may run from the moment a request is received until it is answered: while the case is
#: searched or reviewed, while erasure is planned and approved (re-checking the plan) and after erasure
#: (the verification re-search). Not once answered, verified or ended.
SEARCH_STATUSES = frozenset({"received", "identity_check", "searching", "review", "erasure_planned", "approved",
                             "erasure_partial", "erased"})
#: Building the subject's package happens in review; "responded" allows re-issuing a corrected package.
EXPORT_STATUSES = frozenset({"review", "responded"})
#: Destructive calls only after the DPO's approval (and while a started erasure finishes).
ERASE_STATUSES = frozenset({"approved", "erasure_partial", "erased"})


def sensitivity_of(scopes: tuple[str, ...] | frozenset[str] | list[str]) -> str:
    """The most demanding class among ``scopes`` (non-sensitive for none)."""
    classes = {SCOPE_CLASS[s] for s in scopes}
    return next((c for c in SENSITIVITIES if c in classes), NON_SENSITIVE)


@dataclass(frozen=True)
class Operation:
    """One thing the product does with Google user data, and exactly what it may call to do it.

    ``scopes`` are requested together for the operation; a call to one of its ``api_methods`` is allowed
    when a granted scope is among them *and* among the scopes Google accepts for that method.
    ``permanent`` marks irreversible operations whose extra scopes are asked for only when configured.
    """

    name: str
    api_methods: tuple[str, ...]
    scopes: tuple[str, ...]
    justification: str
    sensitivity: str
    allowed_statuses: frozenset[str]
    needs_case: bool
    step: str
    permanent: bool = False

    @property
    def short_scopes(self) -> tuple[str, ...]:
        """Scopes without the common URL prefix, for tables and messages."""
        return tuple(short(s) for s in self.scopes)


def short(scope: str) -> str:
    return scope.removeprefix(_AUTH)
