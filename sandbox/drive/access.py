"""What every Drive handler shares: finding a file the caller may see (Drive answers 404, not 403, for
a file you cannot see), Drive-shaped errors, boolean query parameters, partial responses."""
from __future__ import annotations

from typing import Any, Callable

from ..errors import ApiError
from ..routing import Call
from . import fields as fieldmask
from .store import DriveFile, DriveStore


def flag(call: Call, *names: str) -> bool:
    """A boolean parameter (gspread sends ``True``); the first of ``names`` that is present wins."""
    for n in names:
        v = call.args.get(n)
        if v is not None:
            return v.strip().lower() == "true"
    return False


def invalid(param: str, message: str = "Invalid Value", code: int = 400) -> ApiError:
    return ApiError(code, message, "invalid", location=param)


def file_not_found(file_id: str, location: str = "fileId") -> ApiError:
    return ApiError(404, f"File not found: {file_id}.", "notFound", location=location)


def store_of(call: Call) -> DriveStore:
    if call.ws.drive is None:
        call.ws.drive = DriveStore()
    return call.ws.drive


def names(call: Call) -> Callable[[str], str]:
    def name(email: str) -> str:
        u = call.ws.users.get(email)
        return u.name if u else email
    return name


def visible_file(call: Call, file_id: str, *, write: bool = False, any_drive: bool = False) -> DriveFile:
    """The file, if the caller may see it (and write it when ``write``); shared-drive files only with
    ``supportsAllDrives``, as Drive answers 404 for them otherwise (``any_drive``: a method without that
    parameter, such as files.export, which reaches shared-drive files regardless)."""
    store = store_of(call)
    f = store.get(file_id, call.user)
    if f is None or store.role(f, call.user) is None:
        raise file_not_found(file_id)
    if f.driveId and not any_drive and not flag(call, "supportsAllDrives", "supportsTeamDrives"):
        raise file_not_found(file_id)
    if write and not store.can_write(f, call.user):
        raise ApiError(403, "The user does not have sufficient permissions for this file.",
                       "insufficientFilePermissions")
    return f


def masked(obj: dict[str, Any], fields_text: str | None, default: str) -> dict[str, Any]:
    mask = fieldmask.parse(fields_text if fields_text is not None else default)
    return fieldmask.apply(obj, mask)
