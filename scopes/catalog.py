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
        statuses: frozenset[str] = SEARCH_STATUSES, needs_case: bool = True, permanent: bool = False) -> Operation:
    return Operation(name, api_methods, scopes, justification + LIMITED_USE, sensitivity_of(scopes),
                     statuses if needs_case else ANY_STATUS, needs_case, step, permanent)


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
        "Lists the organisation's active users to know which mailboxes and Drives a request must cover.",
        needs_case=False),
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
