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
#: Admin SDK Reports: the token audit log (activities.list, applicationName=token) for reconciliation
REPORTS_AUDIT_READONLY = _AUTH + "admin.reports.audit.readonly"
OPENID = "openid"
USERINFO_EMAIL = _AUTH + "userinfo.email"
SCRIPT_LOCALE = _AUTH + "script.locale"
# Cloud: the runtime's own identity signing delegation JWTs (keyless organisation mode), never a user's
CLOUD_PLATFORM = _AUTH + "cloud-platform"
# Calendar, People (contacts), Chat, Forms: optional sources, asked for only when the organisation enables them
CALENDAR_CALENDARLIST_READONLY = _AUTH + "calendar.calendarlist.readonly"
CALENDAR_EVENTS_OWNED_READONLY = _AUTH + "calendar.events.owned.readonly"
CALENDAR_EVENTS_OWNED = _AUTH + "calendar.events.owned"
CONTACTS = _AUTH + "contacts"
CONTACTS_READONLY = _AUTH + "contacts.readonly"
CONTACTS_OTHER_READONLY = _AUTH + "contacts.other.readonly"
CHAT_SPACES_READONLY = _AUTH + "chat.spaces.readonly"
CHAT_MESSAGES_READONLY = _AUTH + "chat.messages.readonly"
CHAT_MESSAGES = _AUTH + "chat.messages"
FORMS_BODY_READONLY = _AUTH + "forms.body.readonly"
FORMS_RESPONSES_READONLY = _AUTH + "forms.responses.readonly"

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
    REPORTS_AUDIT_READONLY: SENSITIVE,
    DRIVE_FILE: NON_SENSITIVE,
    DRIVE_ADDONS_METADATA_READONLY: NON_SENSITIVE,
    GMAIL_ADDONS_EXECUTE: NON_SENSITIVE,
    SCRIPT_LOCALE: NON_SENSITIVE,
    USERINFO_EMAIL: NON_SENSITIVE,
    OPENID: NON_SENSITIVE,
    CLOUD_PLATFORM: SENSITIVE,
    # Calendar, Contacts, Chat and Forms scopes are on Google's sensitive list, none on the restricted one
    CALENDAR_CALENDARLIST_READONLY: SENSITIVE,
    CALENDAR_EVENTS_OWNED_READONLY: SENSITIVE,
    CALENDAR_EVENTS_OWNED: SENSITIVE,
    CONTACTS: SENSITIVE,
    CONTACTS_READONLY: SENSITIVE,
    CONTACTS_OTHER_READONLY: SENSITIVE,
    CHAT_SPACES_READONLY: SENSITIVE,
    CHAT_MESSAGES_READONLY: SENSITIVE,
    CHAT_MESSAGES: SENSITIVE,
    FORMS_BODY_READONLY: SENSITIVE,
    FORMS_RESPONSES_READONLY: SENSITIVE,
}

#: Workflow steps. Incremental authorization asks for one step's scopes at a time; "context" is the add-on
#: reading the item the user has open (per-message token), "auth"/"admin" support every other step.
STEPS = ("search", "export", "erase", "track", "admin", "auth", "context")
#: Issue 15 rights (addon/rights): correcting sheet cells (Art. 16), marking restricted items (Art. 18),
#: marketing-list changes and the suppression list (Art. 21). Each asks for its write scopes only then.
STEPS += ("rectify", "restrict", "suppress")
#: Issue 15 item 5: reading the designated privacy mailbox to propose requests (before any case exists).
STEPS += ("intake",)

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
#: Rights (issue 15): the wrong-value search and its verifying re-search run while a rectification is
#: planned, approved or done; a restriction searches again for new data while restricted.
SEARCH_STATUSES |= {"rectification_planned", "plan_approved", "rectification_partial", "rectified",
                    "restricted"}
#: Correcting cells only after the DPO approved the plan (and while a started run finishes).
RECTIFY_STATUSES = frozenset({"plan_approved", "rectification_partial", "rectified"})
#: Marking items from review on (re-runs after new data while restricted); lifting while restricted.
RESTRICT_STATUSES = frozenset({"review", "restricted"})
#: Marketing lists and the suppression list: an opt-out at once (Art. 21(3) is absolute), an objection
#: once the DPO upheld it.
SUPPRESS_STATUSES = frozenset({"received", "identity_check", "review", "suppressed", "objection_upheld"})


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
    #: "" for the core sources (Gmail, Drive, Sheets, the tracker); else the optional source it serves
    #: ("calendar", "contacts", "chat", "forms"), whose scopes are asked for only when that source is enabled
    source: str = ""
    #: Roles whose calls it serves (empty: any); "system" is the product's own scheduled job
    roles: frozenset[str] = frozenset()

    @property
    def short_scopes(self) -> tuple[str, ...]:
        """Scopes without the common URL prefix, for tables and messages."""
        return tuple(short(s) for s in self.scopes)


def short(scope: str) -> str:
    return scope.removeprefix(_AUTH)
