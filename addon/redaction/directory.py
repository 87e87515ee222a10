"""The one read redaction makes of its own: the organisation's directory (Admin Directory ``users.list``),
for the names and addresses of everyone who works there. Through the seam, under the caller's purpose (the
export's), with the Directory's read-only scope, as the search's ``accounts_in_scope`` does."""
from __future__ import annotations

from googleapiclient.errors import HttpError

from scopes import registry

from ..errors import ConfigError, GoogleError
from .model import Person
from .people import directory_people

FIELDS = "nextPageToken,users(primaryEmail,aliases,name(fullName,givenName,familyName),suspended)"


class DirectoryError(GoogleError):
    """The directory could not be read, so other people's names would be missed: the export stops."""


def read_directory(services) -> list[Person]:
    """Everyone in the directory (suspended users too: a leaver is still a third party). Call it inside
    ``audit.context.acting(purpose)``."""
    admin = services.settings.admin or services.settings.actor
    if not admin:
        raise ConfigError("DSAR_ADMIN: set it to a Workspace admin address so the Directory can be read for "
                          "the names of other people to redact")
    svc = services.clients.directory(admin, registry.scopes_for_operations(["directory.list_users"]))
    users, token = [], None
    try:
        while True:
            resp = svc.users().list(customer="my_customer", maxResults=500, orderBy="email", pageToken=token,
                                    fields=FIELDS).execute()
            users += resp.get("users", [])
            token = resp.get("nextPageToken")
            if not token:
                break
    except HttpError as e:
        status = getattr(e.resp, "status", "?")
        raise DirectoryError(f"directory: the organisation's users could not be listed ({status}), so other "
                             f"people's names cannot be found for redaction; check DSAR_ADMIN ({admin}) is a "
                             "Workspace admin, then run the export again") from e
    return directory_people(users)
