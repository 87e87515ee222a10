"""Drive's state: files (Google Docs, Sheets, folders and plain files), shared drives, permissions, each
user's My Drive root, and the text index search uses.

Field names follow the Drive v3 File resource (``mimeType``, ``createdTime`` ...) so code reading the
store and JSON from the API agree. Times are RFC 3339 strings in UTC with milliseconds, which sort and
compare as strings. A user can see a file they own, one shared with them, with their domain or with
anyone, and files in shared drives they are a member of.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..sheets.model import Spreadsheet, cell_text
from .query import format_time
from .textindex import TextIndex

FOLDER = "application/vnd.google-apps.folder"
DOC = "application/vnd.google-apps.document"
SHEET = "application/vnd.google-apps.spreadsheet"
GOOGLE_PREFIX = "application/vnd.google-apps."
#: roles from weakest to strongest
ROLES = ("reader", "commenter", "writer", "fileOrganizer", "organizer", "owner")
WRITE_ROLES = ("writer", "fileOrganizer", "organizer", "owner")


def new_id(length: int = 44) -> str:
    """A Drive-like file ID: ``1`` then URL-safe characters."""
    return "1" + secrets.token_urlsafe(length)[: length - 1]


def now() -> str:
    return format_time(dt.datetime.now(dt.timezone.utc))


def permission_id_for(email: str) -> str:
    """A stable numeric permission ID per address, as Drive gives each user one."""
    return str(int(hashlib.sha256(email.lower().encode()).hexdigest()[:16], 16) % 10**20).rjust(20, "0")


@dataclass
class Permission:
    id: str
    type: str  # user, group, domain, anyone
    role: str
    emailAddress: str | None = None
    domain: str | None = None
    allowFileDiscovery: bool | None = None
    displayName: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "drive#permission", "id": self.id, "type": self.type, "role": self.role}
        if self.emailAddress:
            out["emailAddress"] = self.emailAddress
        if self.domain:
            out["domain"] = self.domain
        if self.allowFileDiscovery is not None:
            out["allowFileDiscovery"] = self.allowFileDiscovery
        if self.displayName:
            out["displayName"] = self.displayName
        out["deleted"] = False
        out["pendingOwner"] = False
        return out


@dataclass
class DriveFile:
    id: str
    name: str
    mimeType: str
    parents: list[str]
    owners: list[str]
    createdTime: str
    modifiedTime: str
    driveId: str | None = None
    trashed: bool = False
    explicitlyTrashed: bool = False
    starred: bool = False
    description: str | None = None
    #: bytes of a plain file; for a Google Doc its text as UTF-8
    content: bytes | None = None
    #: text search sees besides the name (a Doc's text, text extracted from a PDF ...)
    text: str | None = None
    #: a Doc made from HTML keeps it for text/html export
    html: str | None = None
    #: the model behind a Google Sheet
    spreadsheet: Spreadsheet | None = None
    permissions: list[Permission] = field(default_factory=list)
    originalFilename: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    appProperties: dict[str, str] = field(default_factory=dict)
    lastModifyingUser: str | None = None
    trashingUser: str | None = None
    version: int = 1

    @property
    def is_google(self) -> bool:
        return self.mimeType.startswith(GOOGLE_PREFIX)

    @property
    def is_folder(self) -> bool:
        return self.mimeType == FOLDER

    @property
    def size(self) -> int | None:
        return None if self.is_google or self.content is None else len(self.content)

    def text_blocks(self) -> list[str]:
        """What full-text search reads besides the name: the text, or each spreadsheet cell."""
        if self.spreadsheet is not None:
            return [cell_text(cell) for s in self.spreadsheet.sheets for _, _, cell in s.iter_values()]
        return [self.text] if self.text else []


@dataclass
class SharedDrive:
    id: str
    name: str
    createdTime: str
    #: member email -> role (organizer, fileOrganizer, writer, commenter, reader)
    members: dict[str, str] = field(default_factory=dict)
    hidden: bool = False


class DriveStore:
    def __init__(self) -> None:
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, SharedDrive] = {}
        #: user email -> that user's My Drive root folder (not listed as a file, as in Drive)
        self.roots: dict[str, DriveFile] = {}
        self.index = TextIndex()
        self._indexed: dict[str, int] = {}  # file id -> spreadsheet version indexed
        self._dirty: set[str] = set()  # spreadsheets changed since indexed
        #: resumable upload sessions in progress (sandbox.drive.upload.Session by upload_id)
        self.uploads: dict[str, Any] = {}

    # --- creation ---------------------------------------------------------------------------------------
    def root(self, email: str) -> DriveFile:
        email = email.lower()
        r = self.roots.get(email)
        if r is None:
            stamp = now()
            r = DriveFile(new_id(28), "My Drive", FOLDER, [], [email], stamp, stamp)
            r.permissions.append(Permission(permission_id_for(email), "user", "owner", email))
            self.roots[email] = r
        return r

    def shared_drive(self, name: str, organizer: str) -> SharedDrive:
        for d in self.drives.values():
            if d.name == name:
                return d
        d = SharedDrive("0A" + new_id(18)[1:], name, now(), {organizer.lower(): "organizer"})
        self.drives[d.id] = d
        return d

    def add(self, *, name: str, mimeType: str, owner: str | None, parent: str | None = None,
            drive_id: str | None = None, content: bytes | None = None, text: str | None = None,
            html: str | None = None, spreadsheet: Spreadsheet | None = None, created: str | None = None,
            modified: str | None = None, file_id: str | None = None, **extra: Any) -> DriveFile:
        """Create a file in ``owner``'s My Drive (or in shared drive ``drive_id``), under ``parent``."""
        stamp = now()
        fid = file_id or (spreadsheet.id if spreadsheet is not None else new_id())
        if drive_id is not None:
            owners, parents = [], [parent or drive_id]
        else:
            assert owner is not None, "a My Drive file needs an owner"
            owner = owner.lower()
            owners, parents = [owner], [parent or self.root(owner).id]
        f = DriveFile(fid, name, mimeType, parents, owners, created or stamp, modified or created or stamp,
                      driveId=drive_id, content=content, text=text, html=html, spreadsheet=spreadsheet,
                      lastModifyingUser=owner, **extra)
        if owner and drive_id is None:
            f.permissions.append(Permission(permission_id_for(owner), "user", "owner", owner))
        self.files[fid] = f
        self.reindex(f)
        return f

    def reindex(self, f: DriveFile) -> None:
        if f.is_folder:
            self.index.put(f.id, f.name, [])
        else:
            self.index.put(f.id, f.name, f.text_blocks())
        self._indexed[f.id] = f.spreadsheet.version if f.spreadsheet is not None else 0

    def refresh_index(self) -> None:
        """Re-index spreadsheets whose cells changed (through :meth:`touch`) since they were last indexed."""
        while self._dirty:
            f = self.files.get(self._dirty.pop())
            if f is not None and f.spreadsheet is not None and f.spreadsheet.version != self._indexed.get(f.id):
                self.reindex(f)

    def touch(self, f: DriveFile, user: str | None = None, content_changed: bool = True) -> None:
        """Record a change: new modifiedTime and version; text is re-indexed (lazily for sheets)."""
        f.modifiedTime = now()
        f.version += 1
        if user:
            f.lastModifyingUser = user
        if f.spreadsheet is not None:
            f.spreadsheet.version += 1
            self._dirty.add(f.id)
        elif content_changed:
            self.reindex(f)

    def rename(self, f: DriveFile, name: str) -> None:
        f.name = name
        if f.spreadsheet is not None:
            f.spreadsheet.properties["title"] = name
        self.reindex(f)

    # --- lookup and access ---------------------------------------------------------------------------
    def get(self, file_id: str, user: str | None = None) -> DriveFile | None:
        if file_id == "root" and user:
            return self.root(user)
        f = self.files.get(file_id)
        if f is None:
            for r in self.roots.values():
                if r.id == file_id:
                    return r
        return f

    def role(self, f: DriveFile, user: str) -> str | None:
        """The strongest role ``user`` holds on ``f`` (through the file, its folders, or its shared drive)."""
        user = user.lower()
        best = -1
        seen: set[str] = set()
        cur: DriveFile | None = f
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            for p in cur.permissions:
                if _applies(p, user):
                    best = max(best, ROLES.index(p.role) if p.role in ROLES else 0)
            cur = self.files.get(cur.parents[0]) if cur.parents else None
        if f.driveId:
            d = self.drives.get(f.driveId)
            if d is not None and user in d.members:
                best = max(best, ROLES.index(d.members[user]))
        return ROLES[best] if best >= 0 else None

    def can_write(self, f: DriveFile, user: str) -> bool:
        return self.role(f, user) in WRITE_ROLES

    def listable(self, f: DriveFile, user: str) -> bool:
        """Whether files.list shows ``f`` to ``user``: owned, shared with them (directly or through a
        folder), with their domain or anyone and discoverable, or a member of its shared drive."""
        if f.driveId:
            return self.role(f, user) is not None
        if user in f.owners:
            return True
        role = self.role(f, user)
        if role is None:
            return False
        return any(_applies(p, user) and (p.type in ("user", "group") or p.allowFileDiscovery)
                   for p in self._chain_permissions(f))

    def _chain_permissions(self, f: DriveFile) -> Iterator[Permission]:
        seen: set[str] = set()
        cur: DriveFile | None = f
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            yield from cur.permissions
            cur = self.files.get(cur.parents[0]) if cur.parents else None

    def emails_with(self, f: DriveFile, roles: tuple[str, ...]) -> set[str]:
        """Addresses holding one of ``roles`` on ``f`` (for ``'x' in writers``/``readers``)."""
        out = {o for o in f.owners if "owner" in roles}
        for p in self._chain_permissions(f):
            if p.emailAddress and p.role in roles:
                out.add(p.emailAddress.lower())
        if f.driveId and f.driveId in self.drives:
            out |= {m for m, r in self.drives[f.driveId].members.items() if r in roles}
        return out

    def path(self, f: DriveFile) -> str:
        parts, seen = [f.name], {f.id}
        cur = self.files.get(f.parents[0]) if f.parents else None
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            parts.append(cur.name)
            cur = self.files.get(cur.parents[0]) if cur.parents else None
        return "/".join(reversed(parts))

    def children(self, folder_id: str) -> list[DriveFile]:
        return [f for f in self.files.values() if folder_id in f.parents]

    def delete(self, f: DriveFile) -> list[str]:
        """Delete a file for good (a folder with everything in it); returns the IDs removed."""
        gone = [f.id]
        if f.is_folder:
            for child in self.children(f.id):
                gone += self.delete(child)
        self.files.pop(f.id, None)
        self.index.remove(f.id)
        self._indexed.pop(f.id, None)
        return gone


def _applies(p: Permission, user: str) -> bool:
    if p.type == "anyone":
        return True
    if p.type == "domain":
        return bool(p.domain) and user.rsplit("@", 1)[-1] == (p.domain or "").lower()
    return (p.emailAddress or "").lower() == user
