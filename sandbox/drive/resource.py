"""The Drive v3 File, Permission and Drive resources as JSON, seen by one caller (``ownedByMe``,
``capabilities``). Without ``fields`` the API returns only a few fields per file; with ``fields=*`` all."""
from __future__ import annotations

import hashlib
from typing import Any, Callable

from .export import sheet_size
from .store import FOLDER, SHEET, DOC, DriveFile, DriveStore, SharedDrive, permission_id_for

DEFAULT_FILE_FIELDS = "kind,id,name,mimeType"
DEFAULT_LIST_FIELDS = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"
EXPORTS: dict[str, dict[str, str]] = {
    DOC: {"text/plain": "txt", "text/html": "html", "application/pdf": "pdf", "text/markdown": "md"},
    SHEET: {"text/csv": "csv", "text/tab-separated-values": "tsv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"},
}


def user_json(email: str, caller: str, names: Callable[[str], str]) -> dict[str, Any]:
    return {"kind": "drive#user", "displayName": names(email), "me": email == caller,
            "permissionId": permission_id_for(email), "emailAddress": email}


def file_json(store: DriveStore, f: DriveFile, caller: str, names: Callable[[str], str]) -> dict[str, Any]:
    """Every field this sandbox knows for ``f`` as ``caller`` sees it."""
    role = store.role(f, caller)
    can_write = role in ("writer", "fileOrganizer", "organizer", "owner")
    owner = caller in f.owners or role == "organizer"
    out: dict[str, Any] = {
        "kind": "drive#file", "id": f.id, "name": f.name, "mimeType": f.mimeType,
        "starred": f.starred, "trashed": f.trashed, "explicitlyTrashed": f.explicitlyTrashed,
        "parents": list(f.parents), "spaces": ["drive"], "version": str(f.version),
        "webViewLink": _view_link(f), "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{f.mimeType}",
        "hasThumbnail": False, "viewedByMe": True, "createdTime": f.createdTime, "modifiedTime": f.modifiedTime,
        "modifiedByMe": f.lastModifyingUser == caller, "shared": _shared(f),
        "ownedByMe": caller in f.owners, "writersCanShare": True,
        "capabilities": {
            "canEdit": can_write, "canComment": role is not None and role != "reader", "canCopy": True,
            "canDownload": True, "canShare": can_write, "canTrash": owner or can_write and bool(f.driveId),
            "canDelete": owner, "canRename": can_write, "canAddChildren": f.is_folder and can_write,
            "canListChildren": f.is_folder, "canReadRevisions": can_write, "canModifyContent": can_write,
        },
        "viewersCanCopyContent": True, "copyRequiresWriterPermission": False, "isAppAuthorized": False,
    }
    if f.owners:
        out["owners"] = [user_json(o, caller, names) for o in f.owners]
    if f.lastModifyingUser:
        out["lastModifyingUser"] = user_json(f.lastModifyingUser, caller, names)
    if f.driveId:
        out["driveId"] = f.driveId
        out["teamDriveId"] = f.driveId
    if f.description is not None:
        out["description"] = f.description
    if f.properties:
        out["properties"] = dict(f.properties)
    if f.appProperties:
        out["appProperties"] = dict(f.appProperties)
    if f.trashed and f.trashingUser:
        out["trashingUser"] = user_json(f.trashingUser, caller, names)
    if can_write:
        out["permissions"] = [p.to_json() for p in f.permissions]
        out["permissionIds"] = [p.id for p in f.permissions]
    if f.mimeType in EXPORTS:
        out["exportLinks"] = {m: f"https://docs.google.com/feeds/download/export?id={f.id}&exportFormat={ext}"
                              for m, ext in EXPORTS[f.mimeType].items()}
    if f.spreadsheet is not None:  # Drive gives a size for Workspace editor files too
        out["size"] = str(sheet_size(f.spreadsheet))
    if not f.is_google and f.content is not None:
        out["size"] = str(len(f.content))
        out["quotaBytesUsed"] = str(len(f.content))
        out["md5Checksum"] = hashlib.md5(f.content).hexdigest()
        out["sha1Checksum"] = hashlib.sha1(f.content).hexdigest()
        out["sha256Checksum"] = hashlib.sha256(f.content).hexdigest()
        out["headRevisionId"] = f"0B{f.id[1:12]}{f.version}"
        out["originalFilename"] = f.originalFilename or f.name
        if "." in f.name:
            out["fileExtension"] = f.name.rsplit(".", 1)[1]
            out["fullFileExtension"] = f.name.split(".", 1)[1]
        out["webContentLink"] = f"https://drive.google.com/uc?id={f.id}&export=download"
    else:
        out["quotaBytesUsed"] = "0"
    return out


def _shared(f: DriveFile) -> bool:
    return any(p.role != "owner" for p in f.permissions)


def _view_link(f: DriveFile) -> str:
    if f.mimeType == SHEET:
        return f"https://docs.google.com/spreadsheets/d/{f.id}/edit?usp=drivesdk"
    if f.mimeType == DOC:
        return f"https://docs.google.com/document/d/{f.id}/edit?usp=drivesdk"
    if f.mimeType == FOLDER:
        return f"https://drive.google.com/drive/folders/{f.id}"
    return f"https://drive.google.com/file/d/{f.id}/view?usp=drivesdk"


def drive_json(d: SharedDrive, caller: str) -> dict[str, Any]:
    role = d.members.get(caller)
    return {
        "kind": "drive#drive", "id": d.id, "name": d.name, "createdTime": d.createdTime, "hidden": d.hidden,
        "colorRgb": "#4986e7", "backgroundImageLink": "https://ssl.gstatic.com/team_drive_themes/default.jpg",
        "capabilities": {"canAddChildren": role in ("organizer", "fileOrganizer", "writer"),
                         "canManageMembers": role == "organizer", "canDeleteDrive": role == "organizer",
                         "canRename": role == "organizer", "canShare": role in ("organizer", "fileOrganizer")},
        "restrictions": {"adminManagedRestrictions": False, "copyRequiresWriterPermission": False,
                         "domainUsersOnly": False, "driveMembersOnly": False},
    }
