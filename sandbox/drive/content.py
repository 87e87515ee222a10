"""Creating, changing and copying files through the API: where a new file goes (My Drive or a shared
drive, which parent), which Google-native kind an upload converts to, trashing a folder with its
contents, moving with addParents/removeParents."""
from __future__ import annotations

import copy
from typing import Any

from ..errors import ApiError
from ..routing import Call
from ..sheets.model import Spreadsheet
from . import extract
from .access import file_not_found, flag, store_of
from .query import QueryError, normalise_time
from .store import DOC, FOLDER, GOOGLE_PREFIX, SHEET, DriveFile, DriveStore, new_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WRITABLE = ("name", "description", "starred", "trashed", "properties", "appProperties", "mimeType",
             "modifiedTime", "createdTime", "parents", "originalFilename", "kind", "id", "viewedByMeTime",
             "writersCanShare", "copyRequiresWriterPermission", "contentHints", "folderColorRgb")


def _forbidden(message: str, reason: str) -> ApiError:
    return ApiError(403, message, reason)


def resolve_parent(call: Call, parent_id: str | None) -> tuple[str | None, str | None]:
    """(parent folder ID, shared drive ID) for a new file; the caller must be able to add to it."""
    store = store_of(call)
    if not parent_id or parent_id == "root":
        return None, None
    if parent_id in store.drives:
        d = store.drives[parent_id]
        if not flag(call, "supportsAllDrives", "supportsTeamDrives") or call.user not in d.members:
            raise file_not_found(parent_id, "parents")
        if d.members[call.user] not in ("organizer", "fileOrganizer", "writer"):
            raise _forbidden("The user does not have sufficient permissions for this file.", "insufficientFilePermissions")
        return parent_id, parent_id
    parent = store.get(parent_id, call.user)
    if parent is None or store.role(parent, call.user) is None or (
            parent.driveId and not flag(call, "supportsAllDrives", "supportsTeamDrives")):
        raise file_not_found(parent_id, "parents")
    if not parent.is_folder:
        raise ApiError(400, "The specified parent is not a folder.", "invalidParent", location="parents")
    if not store.can_write(parent, call.user):
        raise _forbidden("The user does not have sufficient permissions for this file.", "insufficientFilePermissions")
    return parent.id, parent.driveId


def _check_meta(meta: dict[str, Any]) -> None:
    for key in meta:
        if key not in _WRITABLE:
            raise _forbidden("The resource body includes fields which are not directly writable.", "fieldNotWritable")
    if "name" in meta and meta["name"] is not None and not isinstance(meta["name"], str):
        raise ApiError(400, "Invalid value for name.", "invalid", location="name")


def _times(meta: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, target in (("createdTime", "created"), ("modifiedTime", "modified")):
        if meta.get(key):
            try:
                out[target] = normalise_time(str(meta[key]))
            except QueryError:
                raise ApiError(400, f"Invalid value for {key}.", "invalid", location=key) from None
    return out


def convert(book_id: str, name: str, target: str, data: bytes | None, media_mime: str | None) -> dict[str, Any]:
    """Keyword arguments for DriveStore.add: a Google Doc/Sheet from the upload, or the bytes as is."""
    media_mime = (media_mime or "").split(";")[0].strip().lower()
    if target == SHEET:
        book = Spreadsheet.new(book_id, name)
        try:
            if data and media_mime in ("text/csv", "text/plain"):
                extract.csv_sheet(book, name, data)
            elif data and media_mime == XLSX:
                extract.xlsx_sheets(book, data)
        except Exception as e:  # noqa: BLE001 - a file the converter cannot read is the client's error
            raise ApiError(400, f"The uploaded file could not be converted: {e}", "badContent") from None
        return {"spreadsheet": book}
    if target == DOC:
        text = extract.decode_text(data or b"")
        if media_mime == "text/html":
            return {"text": extract.html_text(text), "html": text, "content": extract.html_text(text).encode("utf-8")}
        return {"text": text, "content": text.encode("utf-8")}
    if target.startswith(GOOGLE_PREFIX):
        return {}
    content = data if data is not None else b""
    try:
        text = extract.text_of(name, target, content) if content else None
    except Exception:  # noqa: BLE001 - unreadable content is stored, just not searchable
        text = None
    return {"content": content, "text": text}


def new_file_from_media(call: Call, meta: dict[str, Any], data: bytes | None, media_mime: str | None) -> DriveFile:
    _check_meta(meta)
    if "id" in meta or "kind" in meta:
        meta = {k: v for k, v in meta.items() if k not in ("id", "kind")}
    store = store_of(call)
    name = meta.get("name") or "Untitled"
    target = meta.get("mimeType") or (media_mime.split(";")[0].strip() if media_mime else None) or "application/octet-stream"
    parents = meta.get("parents") or []
    if not isinstance(parents, list) or len(parents) > 1:
        raise _forbidden("Increasing the number of parents is not allowed.", "cannotAddParent")
    parent, drive_id = resolve_parent(call, parents[0] if parents else None)
    kwargs = {} if target == FOLDER else convert(new_id(), name, target, data, media_mime)
    f = store.add(name=name, mimeType=target, owner=None if drive_id else call.user, parent=parent,
                  drive_id=drive_id, originalFilename=meta.get("originalFilename") or (name if data is not None else None),
                  description=meta.get("description"), starred=bool(meta.get("starred")),
                  properties=dict(meta.get("properties") or {}), appProperties=dict(meta.get("appProperties") or {}),
                  **_times(meta), **kwargs)
    f.lastModifyingUser = call.user
    return f


def apply_media(call: Call, f: DriveFile, meta: dict[str, Any], data: bytes | None, media_mime: str | None,
                add_parents: str, remove_parents: str) -> None:
    """files.update: metadata, parents and (for uploads) content."""
    store = store_of(call)
    _check_meta(meta)
    if "parents" in meta:
        raise _forbidden("The parents field is not directly writable in update requests. Use the addParents and "
                         "removeParents parameters instead.", "fieldNotWritable")
    if "trashed" in meta and bool(meta["trashed"]) != f.trashed:
        role = store.role(f, call.user)
        if not (call.user in f.owners or (f.driveId and role in ("organizer", "fileOrganizer"))):
            raise _forbidden("The user does not have sufficient permissions for this file.",
                             "insufficientFilePermissions")
        set_trashed(store, f, bool(meta["trashed"]), call.user)
    if meta.get("name") and meta["name"] != f.name:
        store.rename(f, meta["name"])
    if "description" in meta:
        f.description = meta["description"]
    if "starred" in meta:
        f.starred = bool(meta["starred"])
    for key in ("properties", "appProperties"):
        if isinstance(meta.get(key), dict):
            target = getattr(f, key)
            for k, v in meta[key].items():
                if v is None:
                    target.pop(k, None)
                else:
                    target[k] = str(v)
    _move(call, store, f, add_parents, remove_parents)
    if data is not None:
        _replace_content(f, data, media_mime)
    store.touch(f, call.user, content_changed=data is not None)
    if "modifiedTime" in meta:
        f.modifiedTime = _times(meta)["modified"]


def _replace_content(f: DriveFile, data: bytes, media_mime: str | None) -> None:
    kwargs = convert(f.id, f.name, f.mimeType, data, media_mime or f.mimeType)
    if "spreadsheet" in kwargs:
        book = kwargs["spreadsheet"]
        if f.spreadsheet is not None:
            book.version = f.spreadsheet.version + 1
        f.spreadsheet = book
    for key in ("content", "text", "html"):
        if key in kwargs or key == "html":
            setattr(f, key, kwargs.get(key))


def _move(call: Call, store: DriveStore, f: DriveFile, add: str, remove: str) -> None:
    adds = [p for p in add.split(",") if p]
    removes = [p for p in remove.split(",") if p]
    if not adds and not removes:
        return
    parents = [p for p in f.parents if p not in removes and not (p == store.root(call.user).id and "root" in removes)]
    for p in adds:
        parent, drive_id = resolve_parent(call, p)
        if drive_id != f.driveId:
            raise _forbidden("Moving items between My Drive and a shared drive is not supported here.",
                             "teamDrivesParentLimit")
        pid = parent or store.root(f.owners[0] if f.owners else call.user).id
        if pid == f.id:
            raise ApiError(400, "A folder cannot be its own parent.", "invalidParent")
        if pid not in parents:
            parents.append(pid)
    if len(parents) > 1:
        raise _forbidden("Increasing the number of parents is not allowed.", "cannotAddParent")
    if not parents:
        parents = [f.driveId] if f.driveId else [store.root(f.owners[0] if f.owners else call.user).id]
    f.parents = parents


def set_trashed(store: DriveStore, f: DriveFile, trashed: bool, user: str) -> None:
    """Trash (or restore) a file; a folder's contents go with it, marked as not explicitly trashed."""
    f.trashed, f.explicitlyTrashed = trashed, trashed
    f.trashingUser = user if trashed else None
    stack = [f] if f.is_folder else []
    while stack:
        folder = stack.pop()
        for child in store.children(folder.id):
            if trashed and not child.trashed:
                child.trashed, child.explicitlyTrashed, child.trashingUser = True, False, user
            elif not trashed and child.trashed and not child.explicitlyTrashed:
                child.trashed, child.trashingUser = False, None
            if child.is_folder:
                stack.append(child)


def copy_file(call: Call, src: DriveFile, meta: dict[str, Any]) -> DriveFile:
    store = store_of(call)
    parents = meta.get("parents") or []
    parent, drive_id = resolve_parent(call, parents[0] if parents else None)
    if not parents and src.parents and src.driveId is None:
        candidate = store.get(src.parents[0], call.user)
        if candidate is not None and candidate.id in store.files and store.can_write(candidate, call.user):
            parent = candidate.id
    name = meta.get("name") or f"Copy of {src.name}"
    book = None
    if src.spreadsheet is not None:
        book = copy.deepcopy(src.spreadsheet)
        book.id = new_id()
        book.properties["title"] = name
    f = store.add(name=name, mimeType=src.mimeType, owner=None if drive_id else call.user, parent=parent,
                  drive_id=drive_id, content=src.content, text=src.text, html=src.html, spreadsheet=book,
                  description=meta.get("description", src.description), originalFilename=src.originalFilename)
    f.lastModifyingUser = call.user
    return f
