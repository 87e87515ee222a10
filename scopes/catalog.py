"""Every operation the product performs on Google user data: the API methods it may call, the minimal
scopes it asks for, and the Limited Use justification shown to reviewers and in ``dsar scopes list``.

Order matters where one API method serves several operations in a step: the first one is the default
(``messages.get`` without ``format`` is Gmail's ``full`` format, hence ``gmail.read_full`` first).
"""
from __future__ import annotations

from .model import (
    ANY_STATUS, CLOUD_PLATFORM, DIRECTORY_USER_READONLY, DRIVE, DRIVE_ADDONS_METADATA_READONLY, DRIVE_FILE, DRIVE_READONLY,
    ERASE_STATUSES, EXPORT_STATUSES, GMAIL_ADDONS_EXECUTE, GMAIL_CURRENT_MESSAGE_READONLY, GMAIL_MODIFY,
    GMAIL_READONLY, MAIL_FULL, OPENID, SCRIPT_LOCALE, SEARCH_STATUSES, SPREADSHEETS, SPREADSHEETS_READONLY,
    USERINFO_EMAIL, Operation, sensitivity_of,
)
from .model import RECTIFY_STATUSES, RESTRICT_STATUSES, SUPPRESS_STATUSES
from .model import REPORTS_AUDIT_READONLY
from .model import (
    CALENDAR_CALENDARLIST_READONLY, CALENDAR_EVENTS_OWNED, CALENDAR_EVENTS_OWNED_READONLY, CHAT_MESSAGES,
    CHAT_MESSAGES_READONLY, CHAT_SPACES_READONLY, CONTACTS, CONTACTS_OTHER_READONLY, CONTACTS_READONLY,
    FORMS_BODY_READONLY, FORMS_RESPONSES_READONLY,
)

#: Scopes the add-on itself needs in every host, before any DSAR step: the staff member's identity (the
#: userIdToken is only sent with userinfo.email), running as a Gmail add-on, the open message (the "search
#: this sender" entry point, non-restricted per-message token), the selected Drive items, and the
#: user's locale and time zone (``useLocaleFromApp``) so deadlines show in their zone. (research/addon.md §1-4)
ADDON_BASE_SCOPES: tuple[str, ...] = (
    USERINFO_EMAIL,
    GMAIL_ADDONS_EXECUTE,
    GMAIL_CURRENT_MESSAGE_READONLY,
    DRIVE_ADDONS_METADATA_READONLY,
    SCRIPT_LOCALE,
)

#: OAuth protocol endpoints (no discovery document describes them): the scopes a bearer token needs.
#: The token, revocation and key endpoints take none; userinfo takes an identity scope.
AUTH_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "oauth2.token": (),
    "oauth2.tokeninfo": (),
    "oauth2.revoke": (),
    "oauth2.certs": (),
    "oauth2.metadata": (),  # the runtime's metadata server (Cloud Run, GCE): its own identity and token
    "oauth2.userinfo": (OPENID, USERINFO_EMAIL, "https://www.googleapis.com/auth/userinfo.profile", "email", "profile"),
}

#: Appended to every justification: the Limited Use commitments (research/addon.md §6) in one sentence.
LIMITED_USE = (" Used only for this request's user-facing DSAR workflow; never sold, used for ads or model training,"
               " or transferred.")
#: The disclosure Google expects in the app and its privacy policy.
LIMITED_USE_DISCLOSURE = (
    "DSAR's use and transfer to any other app of information received from Google APIs will adhere to the "
    "Google API Services User Data Policy (https://developers.google.com/terms/api-services-user-data-policy), "
    "including the Limited Use requirements."
)

_G = "gmail.users."
_SV = "sheets.spreadsheets."


def _op(name: str, api_methods: tuple[str, ...], scopes: tuple[str, ...], step: str, justification: str, *,
        statuses: frozenset[str] = SEARCH_STATUSES, needs_case: bool = True, permanent: bool = False,
        source: str = "", roles: frozenset[str] = frozenset()) -> Operation:
    return Operation(name, api_methods, scopes, justification + LIMITED_USE, sensitivity_of(scopes),
                     statuses if needs_case else ANY_STATUS, needs_case, step, permanent, source, roles)


_CAL = "calendar."
_PPL = "people."
_CHAT = "chat.spaces."
_FORMS = "forms.forms."


OPERATIONS: tuple[Operation, ...] = (
    # -- context: the message the staff member has open ------------------------------------------------
    _op("gmail.current_message", (_G + "messages.get",), (GMAIL_CURRENT_MESSAGE_READONLY,), "context",
        "Reads the sender and recipients of the one message the staff member has open, when they choose "
        "'search this sender', to prefill a new request.", needs_case=False),
    # -- search: find the subject's data and confirm each match locally --------------------------------
    _op("gmail.search", (_G + "messages.list",), (GMAIL_READONLY,), "search",
        "Runs Gmail searches built from the case's subject identifiers to find candidate messages about "
        "the data subject (UK GDPR Art. 15/17). gmail.readonly, because the q parameter is refused under "
        "gmail.metadata."),
    _op("gmail.read_full", (_G + "messages.get", _G + "messages.attachments.get"), (GMAIL_READONLY,), "search",
        "Reads a candidate message and its attachments to confirm locally that it is about the subject "
        "before it is listed for the staff member's review."),
    _op("gmail.read_metadata", (_G + "messages.get",), (GMAIL_READONLY,), "search",
        "Reads a candidate message's headers (format=metadata) to confirm a sender/recipient match and show "
        "the hit; kept under gmail.readonly because gmail.metadata cannot be combined with it."),
    _op("gmail.labels", (_G + "labels.list", _G + "labels.get"), (GMAIL_READONLY,), "search",
        "Reads label names so that label: and in: search terms and the report name the folders a message "
        "is in; needs no scope beyond the search's own."),
    _op("gmail.profile", (_G + "getProfile",), (GMAIL_READONLY,), "search",
        "Reads the mailbox's address and message count to confirm the mailbox in scope and show search "
        "progress; holds no subject data.", needs_case=False),
    _op("drive.search", ("drive.files.list",), (DRIVE_READONLY,), "search",
        "Runs Drive searches (name and full-text) built from the case's subject identifiers to find "
        "candidate files across the user's whole Drive, which drive.file cannot see."),
    _op("drive.read", ("drive.files.get",), (DRIVE_READONLY,), "search",
        "Reads a candidate file's metadata and content (alt=media) to confirm locally that it mentions "
        "the subject and to give its folder path in the results."),
    _op("drive.export", ("drive.files.export",), (DRIVE_READONLY,), "search",
        "Exports a candidate Google Doc, Sheet or Slides file as text, the only way to read its content, "
        "to confirm the match locally."),
    _op("drive.permissions_check", ("drive.permissions.list",), (DRIVE_READONLY,), "search",
        "Lists who a matching file is shared with and who owns it, so the report and erasure plan say "
        "who controls each copy of the subject's data."),
    _op("drives.list", ("drive.drives.list",), (DRIVE_READONLY,), "search",
        "Lists the shared drives the staff member can search so none is missed in the subject's search."),
    _op("sheets.read", (_SV + "get", _SV + "values.get", _SV + "values.batchGet"), (SPREADSHEETS_READONLY,),
        "search",
        "Reads the tabs and cell values of a candidate spreadsheet to find the rows that are about the subject."),
    # -- export: the subject access package -------------------------------------------------------------
    _op("gmail.export_raw", (_G + "messages.get", _G + "messages.attachments.get"), (GMAIL_READONLY,), "export",
        "Copies each confirmed message in raw form (.eml) into the subject's access package (Art. 15(3)).",
        statuses=EXPORT_STATUSES),
    _op("drive.package", ("drive.files.get", "drive.files.export"), (DRIVE_READONLY,), "export",
        "Copies each confirmed file (native or exported form) into the subject's access package.",
        statuses=EXPORT_STATUSES),
    _op("sheets.package", (_SV + "get", _SV + "values.get", _SV + "values.batchGet"), (SPREADSHEETS_READONLY,),
        "export", "Copies the confirmed rows of a spreadsheet as CSV into the subject's access package.",
        statuses=EXPORT_STATUSES),
    # -- erase: only after the DPO approved the plan ----------------------------------------------------
    _op("gmail.trash", (_G + "messages.trash", _G + "messages.untrash", _G + "messages.batchModify",
                        _G + "messages.get"), (GMAIL_MODIFY,), "erase",
        "Moves the approved messages to Trash (Art. 17), after re-reading each to confirm it is the one "
        "approved; untrash undoes a mistaken item.", statuses=ERASE_STATUSES),
    _op("gmail.delete_permanently", (_G + "messages.delete", _G + "messages.batchDelete"), (MAIL_FULL,), "erase",
        "Permanently deletes approved messages where the organisation configured permanent erasure; Gmail "
        "accepts only https://mail.google.com/ for this.", statuses=ERASE_STATUSES, permanent=True),
    _op("drive.trash", ("drive.files.update", "drive.files.get", "drive.files.export"), (DRIVE,), "erase",
        "Moves the approved files to Drive's trash (files.update trashed=true), after confirming each is "
        "still the approved file and recording the SHA-256 of its content (Docs exported) for the erasure "
        "certificate.", statuses=ERASE_STATUSES),
    _op("drive.delete", ("drive.files.delete",), (DRIVE,), "erase",
        "Permanently deletes approved files where the organisation configured permanent erasure.",
        statuses=ERASE_STATUSES, permanent=True),
    _op("sheets.delete_rows", (_SV + "batchUpdate", _SV + "get", _SV + "values.get", _SV + "values.batchGet"),
        (SPREADSHEETS,), "erase",
        "Deletes the approved rows (deleteDimension) after re-reading them, because people sort and the "
        "row numbers may have moved.", statuses=ERASE_STATUSES),
    _op("sheets.redact_cells", (_SV + "values.batchUpdate", _SV + "values.update", _SV + "get",
                                _SV + "values.get"), (SPREADSHEETS,), "erase",
        "Blanks the approved cells where a row must stay (other people's data, exemptions), after "
        "re-reading them.", statuses=ERASE_STATUSES),
    # -- optional sources (addon/search/coverage.py): Calendar, Contacts, Chat, Forms. Each operation names its
    # source; its scopes are asked for only when the organisation enables that source (DSAR_SOURCES).
    _op("calendar.list_calendars", (_CAL + "calendarList.list",), (CALENDAR_CALENDARLIST_READONLY,), "search",
        "Lists the calendars the user owns (minAccessRole=owner) so every one is searched for the subject; "
        "calendarlist.readonly sees only the list, not any event.", source="calendar"),
    _op("calendar.search", (_CAL + "events.list",), (CALENDAR_EVENTS_OWNED_READONLY,), "search",
        "Runs Calendar free-text searches (q) built from the subject's identifiers over the calendars the user "
        "owns, to find events naming the subject (callbacks, attendees, descriptions). events.owned.readonly, "
        "narrower than calendar.events.readonly and calendar.readonly: events on calendars the user owns only.",
        source="calendar"),
    _op("contacts.search", (_PPL + "people.connections.list", _PPL + "people.searchContacts"),
        (CONTACTS_READONLY,), "search",
        "Reads the user's own contacts to find entries about the subject (name, email, phone, notes) and "
        "confirms each match locally.", source="contacts"),
    _op("contacts.other_search", (_PPL + "otherContacts.search", _PPL + "otherContacts.list"),
        (CONTACTS_OTHER_READONLY,), "search",
        "Searches the 'Other contacts' Gmail saves by itself for the subject's name, email or phone; this is "
        "the only scope Google accepts for them.", source="contacts"),
    _op("chat.list_spaces", (_CHAT + "list",), (CHAT_SPACES_READONLY,), "search",
        "Lists the Chat spaces, group chats and direct messages the user is a member of, so each is searched "
        "for messages about the subject; sees names and types only.", source="chat"),
    _op("chat.search", (_CHAT + "messages.list",), (CHAT_MESSAGES_READONLY,), "search",
        "Reads the messages of each space the user is in (the Chat API has no full-text search) to find "
        "messages about the subject, confirmed locally; paced under Google's per-space read quota.",
        source="chat"),
    _op("forms.read_form", (_FORMS + "get",), (FORMS_BODY_READONLY,), "search",
        "Reads a form's questions (forms.body.readonly, narrower than drive.readonly) so that answers about "
        "the subject can be matched and shown with their question.", source="forms"),
    _op("forms.search", (_FORMS + "responses.list",), (FORMS_RESPONSES_READONLY,), "search",
        "Reads the responses to each of the organisation's forms (found through Drive by their mime type) to "
        "find those submitted by or about the subject.", source="forms"),
    _op("calendar.package", (_CAL + "events.get",), (CALENDAR_EVENTS_OWNED_READONLY,), "export",
        "Copies each confirmed event as iCalendar (.ics) into the subject's access package.",
        statuses=EXPORT_STATUSES, source="calendar"),
    _op("contacts.package", (_PPL + "people.get", _PPL + "otherContacts.list"), (CONTACTS_READONLY, CONTACTS_OTHER_READONLY),
        "export", "Copies each confirmed contact (own or 'other', which has no get method and is re-read from the "
        "list) as a vCard (.vcf) into the subject's access package.",
        statuses=EXPORT_STATUSES, source="contacts"),
    _op("chat.package", (_CHAT + "messages.get",), (CHAT_MESSAGES_READONLY,), "export",
        "Copies each confirmed Chat message (JSON and a readable HTML page) into the subject's access package.",
        statuses=EXPORT_STATUSES, source="chat"),
    _op("forms.package", (_FORMS + "get", _FORMS + "responses.get"), (FORMS_BODY_READONLY, FORMS_RESPONSES_READONLY),
        "export", "Copies each confirmed form response, with its questions, as CSV rows into the subject's access "
        "package.", statuses=EXPORT_STATUSES, source="forms"),
    _op("calendar.delete_event", (_CAL + "events.get", _CAL + "events.delete"), (CALENDAR_EVENTS_OWNED,), "erase",
        "Deletes (cancels) an approved event about the subject on a calendar the user owns, after re-reading it; "
        "events.owned is the narrowest scope that can delete.", statuses=ERASE_STATUSES, source="calendar"),
    _op("calendar.remove_attendee", (_CAL + "events.get", _CAL + "events.patch"), (CALENDAR_EVENTS_OWNED,), "erase",
        "Removes the subject from an approved event's attendees where the event itself must stay, after "
        "re-reading it.", statuses=ERASE_STATUSES, source="calendar"),
    _op("contacts.delete", (_PPL + "people.get", _PPL + "people.deleteContact"), (CONTACTS,), "erase",
        "Deletes an approved contact about the subject from the user's contacts after re-reading it; Google "
        "accepts only the contacts scope for this ('Other contacts' have no delete method).", statuses=ERASE_STATUSES, source="contacts"),
    _op("chat.delete_message", (_CHAT + "messages.get", _CHAT + "messages.delete"), (CHAT_MESSAGES,), "erase",
        "Deletes an approved Chat message about the subject, acting as its sender (the Chat API lets a user "
        "delete only their own messages), after re-reading it.", statuses=ERASE_STATUSES, source="chat"),
    # -- rectify: Art. 16, only after the DPO approved the plan's SHA-256 ---------------------------------
    _op("sheets.rectify_cells", (_SV + "values.batchUpdate", _SV + "get", _SV + "values.batchGet"), (SPREADSHEETS,),
        "rectify",
        "Writes the approved corrections (RAW, never a formula) into the sheet cells that hold the subject's "
        "wrong value (Art. 16), after re-reading each row to find it by content, because people sort.",
        statuses=RECTIFY_STATUSES),
    # -- restrict: Art. 18 marks staff can see, and lifting exactly those marks ---------------------------
    _op("gmail.restrict_label", (_G + "labels.list", _G + "labels.get", _G + "labels.create", _G + "labels.delete",
                                 _G + "messages.batchModify"), (GMAIL_MODIFY,), "restrict",
        "Creates the 'DSAR restricted/REF' label and adds it to (or, on lifting, removes it from) the subject's "
        "messages so staff see that processing is restricted (Art. 18); changes no other label.",
        statuses=RESTRICT_STATUSES),
    _op("drive.restrict_mark", ("drive.files.get", "drive.files.update"), (DRIVE,), "restrict",
        "Sets an appProperty and a visible description prefix on the subject's files marking them restricted "
        "(Art. 18), and removes exactly those on lifting; no content is read or changed.",
        statuses=RESTRICT_STATUSES),
    _op("sheets.restrict_note", (_SV + "batchUpdate", _SV + "get", _SV + "values.batchGet"), (SPREADSHEETS,),
        "restrict",
        "Adds a 'DSAR restricted' note to the subject's rows (and removes it on lifting), found again by "
        "content; no cell value is changed.", statuses=RESTRICT_STATUSES),
    # -- suppress: Art. 21 marketing opt-out and upheld objections ---------------------------------------
    _op("suppression.check", (_SV + "values.get",), (SPREADSHEETS_READONLY,), "suppress",
        "Reads the tracker's suppression tab, which holds only keyed hashes, to answer whether a person asked "
        "not to be contacted (Art. 21(3)); the identifier asked about is never sent.", needs_case=False),
    _op("sheets.marketing_optout", (_SV + "batchUpdate", _SV + "values.batchUpdate", _SV + "get",
                                    _SV + "values.batchGet"), (SPREADSHEETS,), "suppress",
        "Removes or flags the subject's rows in the spreadsheets the organisation declares as marketing lists "
        "(Art. 21(3) opt-out, or an objection the DPO upheld), found by content.", statuses=SUPPRESS_STATUSES),
    _op("suppression.write", (_SV + "get", _SV + "batchUpdate", _SV + "values.get", _SV + "values.append"),
        (SPREADSHEETS,), "suppress",
        "Adds keyed hashes (HMAC-SHA256) of the subject's email addresses and phone numbers, never the "
        "identifiers, to the tracker's suppression tab so they are not contacted again.",
        statuses=SUPPRESS_STATUSES),
    # -- intake: the designated privacy mailbox (issue 15 item 5) ---------------------------------------
    _op("intake.read_mailbox", (_G + "messages.list", _G + "messages.get"), (GMAIL_READONLY,), "intake",
        "Lists the designated privacy mailbox's inbox and reads each new message once (sender, date, subject, "
        "text) to propose a request for a person to confirm; gmail.readonly, because the request's words are "
        "in the body, which gmail.metadata cannot read. Only message ids are kept before confirmation.",
        needs_case=False),
    # -- track: the DPO's tracker sheet ------------------------------------------------------------------
    _op("tracker.read", (_SV + "get", _SV + "values.get", _SV + "values.batchGet", "drive.files.get",
                         "drive.files.list", "drive.permissions.list"), (SPREADSHEETS_READONLY, DRIVE_FILE), "track",
        "Reads the tracker sheet to find a case's row by its reference and checks the sheet is not shared "
        "outside the organisation before personal data is written to it.", needs_case=False),
    _op("tracker.write", ("drive.files.create", "drive.permissions.create", _SV + "batchUpdate",
                          _SV + "values.update", _SV + "values.batchUpdate", _SV + "values.append",
                          _SV + "values.clear"), (SPREADSHEETS, DRIVE_FILE), "track",
        "Creates the tracker, shares it with the DPO and keeps each case's row (status, deadlines, counts) "
        "up to date.", needs_case=False),
    # -- admin: organisation mode (domain-wide delegation) -----------------------------------------------
    _op("directory.list_users", ("directory.users.list", "directory.users.get"), (DIRECTORY_USER_READONLY,),
        "admin",
        "Lists the organisation's active users to know which mailboxes and Drives a request must cover, and "
        "(in an export) their names and addresses, so other people's data is redacted from the subject's copy.",
        needs_case=False),
    _op("admin.reports.read", ("reports.activities.list",), (REPORTS_AUDIT_READONLY,), "admin",
        "Reads Google's own token audit log (Admin SDK Reports, applicationName=token) for the product's OAuth "
        "clients only, to reconcile it with the product's audit trail: every call Google saw must be on the "
        "trail. For the DPO or an auditor (and the scheduled check); it reads no mail, file or subject data.",
        needs_case=False, roles=frozenset({"dpo", "auditor", "system"})),
    _op("admin.sign_delegation", ("iamcredentials.projects.serviceAccounts.signBlob",), (CLOUD_PLATFORM,), "admin",
        "Keyless organisation mode: has Google sign the service account's domain-wide delegation assertion, "
        "so no private key is kept. Called with the runtime's own identity; it carries no user data.",
        needs_case=False),
    # -- auth: tokens and identity -----------------------------------------------------------------------
    _op("auth.token", ("oauth2.token", "oauth2.tokeninfo", "oauth2.metadata"), (), "auth",
        "Obtains and refreshes access tokens (code, refresh, JWT bearer, the runtime's metadata server) and "
        "checks what they grant.", needs_case=False),
    _op("auth.revoke", ("oauth2.revoke",), (), "auth", "Revokes a staff member's token when they sign out.",
        needs_case=False),
    _op("auth.certs", ("oauth2.certs",), (), "auth",
        "Fetches Google's public keys to verify the ID tokens on add-on requests.", needs_case=False),
    _op("auth.userinfo", ("oauth2.userinfo",), (OPENID, USERINFO_EMAIL), "auth",
        "Reads the signed-in staff member's email address to name them as the actor in the audit trail.",
        needs_case=False),
)
