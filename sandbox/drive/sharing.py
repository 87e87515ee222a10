"""Drive v3 permissions, shared drives, about and comments endpoints (registered on the Drive blueprint)."""
from __future__ import annotations

from typing import Any

from ..errors import ApiError
from ..routing import Call, api_route
from .access import flag, masked, names, store_of, visible_file
from .api import bp
from .resource import drive_json, user_json
from .store import ROLES, DriveFile, Permission, permission_id_for

PERMISSION_FIELDS = "kind,id,type,role"
TYPES = ("user", "group", "domain", "anyone")


def _file_permissions(call: Call, f: DriveFile) -> list[dict[str, Any]]:
    out = [p.to_json() for p in f.permissions]
    if f.driveId:
        d = store_of(call).drives.get(f.driveId)
        for email, role in (d.members.items() if d else []):
            out.append({"kind": "drive#permission", "id": permission_id_for(email), "type": "user", "role": role,
                        "emailAddress": email, "deleted": False, "pendingOwner": False,
                        "permissionDetails": [{"permissionType": "member", "role": role, "inherited": True,
                                               "inheritedFrom": f.driveId}]})
    return out


@api_route(bp, "drive.permissions.list")
def permissions_list(call: Call, fileId: str) -> dict[str, Any]:
    f = visible_file(call, fileId)
    out = {"kind": "drive#permissionList", "permissions": _file_permissions(call, f)}
    return masked(out, call.args.get("fields"), f"kind,nextPageToken,permissions({PERMISSION_FIELDS})")


def _find(f: DriveFile, permission_id: str) -> Permission:
    for p in f.permissions:
        if p.id == permission_id:
            return p
    raise ApiError(404, f"Permission not found: {permission_id}.", "notFound", location="permissionId")


@api_route(bp, "drive.permissions.get")
def permissions_get(call: Call, fileId: str, permissionId: str) -> dict[str, Any]:
    f = visible_file(call, fileId)
    return masked(_find(f, permissionId).to_json(), call.args.get("fields"), PERMISSION_FIELDS)


def _can_share(call: Call, f: DriveFile) -> None:
    role = store_of(call).role(f, call.user)
    if role not in ("owner", "organizer", "fileOrganizer", "writer"):
        raise ApiError(403, "The user does not have sufficient permissions for this file.",
                       "insufficientFilePermissions")


@api_route(bp, "drive.permissions.create")
def permissions_create(call: Call, fileId: str) -> dict[str, Any]:
    f = visible_file(call, fileId)
    _can_share(call, f)
    body = call.json()
    kind, role = body.get("type"), body.get("role")
    if kind not in TYPES:
        raise ApiError(400, "The permission type field is required and must be user, group, domain or anyone.",
                       "invalid", location="permission.type")
    if role not in ROLES:
        raise ApiError(400, "The permission role field is required.", "invalid", location="permission.role")
    email = (body.get("emailAddress") or "").lower() or None
    domain = body.get("domain")
    if kind in ("user", "group") and not email:
        raise ApiError(400, "The permission emailAddress field is required for the user and group types.",
                       "invalid", location="permission.emailAddress")
    if kind == "domain" and not domain:
        raise ApiError(400, "The permission domain field is required for the domain type.", "invalid",
                       location="permission.domain")
    if role == "owner":
        if not flag(call, "transferOwnership") or kind != "user":
            raise ApiError(403, "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
                           "forbidden", location="transferOwnership")
        if call.user not in f.owners:
            raise ApiError(403, "Only the owner can transfer ownership.", "insufficientFilePermissions")
        return _transfer(call, f, email or "")
    pid = permission_id_for(email) if email else ("anyoneWithLink" if kind == "anyone" else
                                                   permission_id_for("domain:" + (domain or "")) + "k")
    for p in f.permissions:
        if p.id == pid:
            p.role = role
            perm = p
            break
    else:
        perm = Permission(pid, kind, role, email, domain,
                          body.get("allowFileDiscovery") if kind in ("domain", "anyone") else None,
                          names(call)(email) if email else None)
        if kind in ("domain", "anyone") and perm.allowFileDiscovery is None:
            perm.allowFileDiscovery = False
        f.permissions.append(perm)
    store_of(call).touch(f, call.user, content_changed=False)
    return masked(perm.to_json(), call.args.get("fields"), PERMISSION_FIELDS)


def _transfer(call: Call, f: DriveFile, email: str) -> dict[str, Any]:
    old = f.owners[0]
    f.owners = [email]
    for p in f.permissions:
        if p.role == "owner":
            p.role = "writer"
    f.permissions = [p for p in f.permissions if p.emailAddress != email]
    perm = Permission(permission_id_for(email), "user", "owner", email, displayName=names(call)(email))
    f.permissions.append(perm)
    if old == email:
        perm.role = "owner"
    return masked(perm.to_json(), call.args.get("fields"), PERMISSION_FIELDS)


@api_route(bp, "drive.permissions.update")
def permissions_update(call: Call, fileId: str, permissionId: str) -> dict[str, Any]:
    f = visible_file(call, fileId)
    _can_share(call, f)
    p = _find(f, permissionId)
    role = call.json().get("role")
    if role not in ROLES or role == "owner" or p.role == "owner":
        raise ApiError(403, "The permission role cannot be changed this way.", "invalidSharingRequest")
    p.role = role
    return masked(p.to_json(), call.args.get("fields"), PERMISSION_FIELDS)


@api_route(bp, "drive.permissions.delete")
def permissions_delete(call: Call, fileId: str, permissionId: str) -> None:
    f = visible_file(call, fileId)
    p = _find(f, permissionId)
    if p.role == "owner":
        raise ApiError(403, "The owner of a file cannot be removed.", "cannotRemoveOwner")
    if p.emailAddress != call.user:
        _can_share(call, f)
    f.permissions.remove(p)
    store_of(call).touch(f, call.user, content_changed=False)
    return None


@api_route(bp, "drive.drives.list")
def drives_list(call: Call) -> dict[str, Any]:
    store = store_of(call)
    drives = [drive_json(d, call.user) for d in store.drives.values() if call.user in d.members]
    return masked({"kind": "drive#driveList", "drives": drives}, call.args.get("fields"),
                  "kind,nextPageToken,drives(kind,id,name)")


@api_route(bp, "drive.drives.get")
def drives_get(call: Call, driveId: str) -> dict[str, Any]:
    d = store_of(call).drives.get(driveId)
    if d is None or call.user not in d.members:
        raise ApiError(404, f"Shared drive not found: {driveId}", "notFound", location="driveId")
    return masked(drive_json(d, call.user), call.args.get("fields"), "kind,id,name")


@api_route(bp, "drive.about.get")
def about_get(call: Call) -> dict[str, Any]:
    if not call.args.get("fields"):
        raise ApiError(400, "The 'fields' parameter is required for this method.", "required", location="fields")
    store = store_of(call)
    used = sum(f.size or 0 for f in store.files.values() if call.user in f.owners)
    about = {
        "kind": "drive#about", "user": user_json(call.user, call.user, names(call)),
        "storageQuota": {"limit": str(30 * 2**30), "usage": str(used), "usageInDrive": str(used),
                         "usageInDriveTrash": "0"},
        "maxUploadSize": str(5 * 2**40), "appInstalled": False, "canCreateDrives": True,
        "importFormats": {"text/plain": ["application/vnd.google-apps.document"],
                          "text/html": ["application/vnd.google-apps.document"],
                          "text/csv": ["application/vnd.google-apps.spreadsheet"],
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                              ["application/vnd.google-apps.spreadsheet"]},
        "exportFormats": {"application/vnd.google-apps.document": ["text/plain", "text/html", "text/markdown",
                                                                   "application/pdf"],
                          "application/vnd.google-apps.spreadsheet": [
                              "text/csv", "text/tab-separated-values",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]},
        "rootFolderId": store.root(call.user).id,
    }
    return masked(about, call.args.get("fields"), "*")


@api_route(bp, "drive.comments.list")
def comments_list(call: Call, fileId: str) -> dict[str, Any]:
    """The sandbox keeps no comments: every file has none."""
    visible_file(call, fileId)
    return masked({"kind": "drive#commentList", "comments": []}, call.args.get("fields"), "*")
