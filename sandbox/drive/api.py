"""Drive v3 files endpoints: list (q, corpora, paging, fields), get (alt=media), export, create and
update (metadata, multipart and resumable uploads), copy, delete, emptyTrash."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, request

from scopes.discovery import methods

from ..errors import ApiError
from ..routing import Call, api_route, authenticate, error_response, json_response, sandbox
from scopes.quotas import EXPORT_TOO_LARGE

from . import export as exporting
from . import listing, query, upload
from .access import flag, invalid, masked, names, store_of, visible_file
from .content import apply_media, copy_file, new_file_from_media
from .resource import DEFAULT_FILE_FIELDS, DEFAULT_LIST_FIELDS, file_json
from .search import Matcher
from .store import DriveFile

bp = Blueprint("drive", __name__)


def _file_out(call: Call, f: DriveFile) -> dict[str, Any]:
    return masked(file_json(store_of(call), f, call.user, names(call)), call.args.get("fields"), DEFAULT_FILE_FIELDS)


@api_route(bp, "drive.files.list")
def files_list(call: Call) -> dict[str, Any]:
    store = store_of(call)
    try:
        node = query.parse(call.args.get("q", ""))
    except query.QueryError:
        raise invalid("q") from None
    all_drives = flag(call, "includeItemsFromAllDrives", "includeTeamDriveItems")
    supports = flag(call, "supportsAllDrives", "supportsTeamDrives")
    drive_id = call.args.get("driveId") or call.args.get("teamDriveId")
    corpora = call.args.get("corpora") or call.args.get("corpus") or ("drive" if drive_id else "user")
    if corpora not in ("user", "domain", "drive", "allDrives"):
        raise invalid("corpora")
    if corpora == "drive" and not drive_id:
        raise invalid("driveId", "The driveId parameter must be specified when corpora is drive.")
    if corpora in ("drive", "allDrives") and not (all_drives and supports):
        raise ApiError(403, "The includeItemsFromAllDrives and supportsAllDrives parameters must be set to true "
                       "when corpora is 'drive' or 'allDrives'.", "teamDriveItemsRequired")
    if drive_id and (drive_id not in store.drives or call.user not in store.drives[drive_id].members):
        raise ApiError(404, f"Shared drive not found: {drive_id}", "notFound", location="driveId")
    spaces = {s.strip() for s in call.args.get("spaces", "drive").split(",")}
    if not spaces <= {"drive", "appDataFolder", "photos"}:
        raise invalid("spaces")
    try:
        size = int(call.args.get("pageSize", 100))
    except ValueError:
        raise invalid("pageSize") from None
    if size < 1:
        raise invalid("pageSize")
    size = min(size, 1000)
    try:
        order = listing.parse_order(call.args.get("orderBy"))
    except listing.ListError as e:
        raise invalid(e.param) from None
    match = Matcher(store, call.user, node)
    shared_ok = all_drives and supports
    files = []
    if "drive" in spaces:
        ids = match.candidates()
        pool = store.files.values() if ids is None else [store.files[i] for i in ids if i in store.files]
        for f in pool:
            if f.driveId:
                if not shared_ok or (corpora == "drive" and f.driveId != drive_id):
                    continue
            elif corpora == "drive":
                continue
            if match(f) and store.listable(f, call.user):
                files.append(f)
    binding = listing.binding_of(call.user, call.args.get("q", ""), corpora, drive_id, call.args.get("orderBy"), shared_ok)
    try:
        chunk, token = listing.page(files, order, size, call.args.get("pageToken") or None, binding)
    except listing.ListError as e:
        raise invalid(e.param) from None
    out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                           "files": [file_json(store, f, call.user, names(call)) for f in chunk]}
    if token:
        out["nextPageToken"] = token
    return masked(out, call.args.get("fields"), DEFAULT_LIST_FIELDS)


@api_route(bp, "drive.files.get")
def files_get(call: Call, fileId: str) -> Any:
    f = visible_file(call, fileId)
    if call.args.get("alt") == "media":
        if f.is_google or f.content is None:
            raise ApiError(403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                           "fileNotDownloadable", location="alt")
        return _media_response(f.content, f.mimeType)
    return _file_out(call, f)


def _media_response(data: bytes, mime: str) -> Response:
    """The bytes, honouring a ``Range`` header as MediaIoBaseDownload sends it."""
    rng = request.headers.get("Range", "")
    if rng.startswith("bytes=") and data:
        first, _, last = rng[6:].partition("-")
        try:
            start = int(first) if first else max(0, len(data) - int(last))
            end = min(int(last), len(data) - 1) if first and last else len(data) - 1
        except ValueError:
            start, end = 0, len(data) - 1
        if start >= len(data):
            resp = Response(status=416)
            resp.headers["Content-Range"] = f"bytes */{len(data)}"
            return resp
        resp = Response(data[start:end + 1], status=206, mimetype=mime)
        resp.headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        return resp
    return Response(data, status=200, mimetype=mime)


@api_route(bp, "drive.files.export")
def files_export(call: Call, fileId: str) -> Response:
    f = visible_file(call, fileId, any_drive=True)  # files.export has no supportsAllDrives parameter
    mime = call.args.get("mimeType")
    if not mime:
        raise ApiError(400, "Required parameter: mimeType", "required", location="mimeType")
    if not f.is_google or f.is_folder:
        raise ApiError(403, "Export only supports Docs Editors files.", "fileNotExportable")
    try:
        data, ctype = exporting.export(f, mime)
    except exporting.TooLarge:
        raise ApiError(403, EXPORT_TOO_LARGE, "exportSizeLimitExceeded") from None
    except exporting.ExportError:
        raise ApiError(400, "The requested conversion is not supported.", "badRequest", location="convertTo") from None
    return Response(data, status=200, content_type=ctype)


def _read_upload(call: Call) -> tuple[upload.Media | None, str]:
    """(media, uploadType) of a create/update request; media is None for a metadata-only call."""
    kind = call.args.get("uploadType", "")
    if not request.path.startswith("/upload/"):
        return upload.Media(upload.parse_json(request.get_data()), None, None), ""
    body = request.get_data()
    if kind == "multipart":
        return upload.multipart(request.headers.get("Content-Type", ""), body), kind
    if kind == "media":
        return upload.Media({}, body, request.headers.get("Content-Type")), kind
    if kind == "resumable":
        return upload.Media(upload.parse_json(body), None, request.headers.get("X-Upload-Content-Type")), kind
    raise ApiError(400, "Invalid uploadType: " + kind if kind else "Media upload requires an uploadType.",
                   "invalid", location="uploadType")


def _start_session(call: Call, media: upload.Media, file_id: str | None) -> Response:
    session = upload.new_session(call.user, media.metadata, media.mime, request.headers.get("X-Upload-Content-Length"),
                                 call.args.to_dict(flat=True), file_id)
    store_of(call).uploads[session.id] = session
    path = "/upload/drive/v3/files" + (f"/{file_id}" if file_id else "")
    resp = Response(status=200)
    resp.headers["Location"] = f"{request.host_url.rstrip('/')}{path}?uploadType=resumable&upload_id={session.id}"
    resp.headers["X-GUploader-UploadID"] = session.id
    return resp


@api_route(bp, "drive.files.create", extra_rules=("/upload/drive/v3/files",))
def files_create(call: Call) -> Any:
    media, kind = _read_upload(call)
    assert media is not None
    if kind == "resumable":
        return _start_session(call, media, None)
    f = new_file_from_media(call, media.metadata, media.data, media.mime)
    return _file_out(call, f)


@api_route(bp, "drive.files.update", extra_rules=("/upload/drive/v3/files/<fileId>",))
def files_update(call: Call, fileId: str) -> Any:
    media, kind = _read_upload(call)
    assert media is not None
    f = visible_file(call, fileId, write=True)
    if kind == "resumable":
        return _start_session(call, media, f.id)
    apply_media(call, f, media.metadata, media.data, media.mime,
                call.args.get("addParents", ""), call.args.get("removeParents", ""))
    return _file_out(call, f)


@bp.route("/upload/drive/v3/files", methods=["PUT"])
@bp.route("/upload/drive/v3/files/<fileId>", methods=["PUT"])
def resumable_put(fileId: str | None = None) -> Response:
    """The session URI: chunks until complete, then the file as files.create/update would return it."""
    ctx = sandbox()
    g.sandbox_method = "drive.files.update" if fileId else "drive.files.create"
    try:
        uploads = ctx.ws.drive.uploads if ctx.ws.drive is not None else {}
        session = uploads.get(request.args.get("upload_id", ""))
        if session is None:
            raise ApiError(404, "No such upload session.", "notFound", location="upload_id")
        g.sandbox_user = session.user
        grant = authenticate(ctx.ws) if request.headers.get("Authorization") else None
        if grant is not None and grant.email != session.user:
            raise ApiError(403, "The upload session belongs to another user.", "forbidden")
        done = upload.accept_chunk(session, request.headers.get("Content-Range"), request.get_data())
        if not done:
            resp = Response(status=308)
            if session.data:
                resp.headers["Range"] = f"bytes=0-{len(session.data) - 1}"
            return resp
        uploads.pop(session.id, None)
        with ctx.ws.lock:
            call = Call(methods()[g.sandbox_method], _grant_for(ctx, session.user, grant), ctx.ws)
            data = bytes(session.data)
            if session.file_id:
                f = visible_file(call, session.file_id, write=True)
                apply_media(call, f, session.metadata, data, session.mime,
                            session.args.get("addParents", ""), session.args.get("removeParents", ""))
            else:
                f = new_file_from_media(call, session.metadata, data, session.mime)
            out = masked(file_json(store_of(call), f, call.user, names(call)), session.args.get("fields"),
                         DEFAULT_FILE_FIELDS)
        return json_response(out)
    except ApiError as e:
        return error_response(e, "classic")


def _grant_for(ctx: Any, email: str, grant: Any) -> Any:
    if grant is not None:
        return grant
    from ..state import Grant

    return Grant(email, frozenset(), "upload-session", 0)


@api_route(bp, "drive.files.copy")
def files_copy(call: Call, fileId: str) -> Any:
    src = visible_file(call, fileId)
    if src.is_folder:
        raise ApiError(403, "This file cannot be copied by the user.", "cannotCopyFile")
    f = copy_file(call, src, call.json())
    return _file_out(call, f)


@api_route(bp, "drive.files.delete")
def files_delete(call: Call, fileId: str) -> None:
    store = store_of(call)
    f = visible_file(call, fileId)
    role = store.role(f, call.user)
    if not (call.user in f.owners or (f.driveId and role == "organizer")):
        raise ApiError(403, "The user does not have sufficient permissions for this file.",
                       "insufficientFilePermissions")
    store.delete(f)
    return None


@api_route(bp, "drive.files.emptyTrash")
def files_empty_trash(call: Call) -> None:
    store = store_of(call)
    drive_id = call.args.get("driveId")
    for f in list(store.files.values()):
        if f.id in store.files and f.trashed and f.explicitlyTrashed and (
                (drive_id and f.driveId == drive_id and store.role(f, call.user) == "organizer")
                or (not drive_id and call.user in f.owners)):
            store.delete(f)
    return None


from . import sharing  # noqa: E402,F401  (registers permissions, drives, about, comments on bp)
