"""The package's evidence: ``index.csv`` (one line per file, for people) and ``manifest.json`` (SHA-256 of
every file and the case ref, for checking), and the check itself: ``dsar export verify`` re-hashes every
file in the ZIP against the manifest and reports what was modified, is missing, or was added."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any, Iterable

import pyzipper

from ..errors import DsarError, InputError

FORMAT = "dsar-access-package/1"
MANIFEST = "manifest.json"
INDEX = "index.csv"
_BAD_ZIP = (zipfile.BadZipFile, pyzipper.BadZipFile)
INDEX_COLUMNS = ("path", "source", "account", "item_id", "sha256", "bytes", "description")


class PackageError(DsarError):
    """The package cannot be read (not a ZIP, wrong or missing password, no manifest)."""


def index_csv(entries: Iterable[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(INDEX_COLUMNS)
    for e in entries:
        w.writerow([_safe(str(e.get(c, ""))) for c in INDEX_COLUMNS])
    return buf.getvalue().encode("utf-8")


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def manifest_json(case: dict, files: list[dict], excluded: list[dict], extra: dict[str, Any] | None = None) -> bytes:
    data = {"format": FORMAT, **case, "files": sorted(files, key=lambda f: f["path"]), "excluded": excluded,
            **(extra or {})}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _open(path: Path, password: str | None) -> zipfile.ZipFile:
    try:
        zf = pyzipper.AESZipFile(path)
    except FileNotFoundError:
        raise InputError("ZIP", f"{path} does not exist") from None
    except (*_BAD_ZIP, OSError) as e:
        raise PackageError(f"{path}: not a ZIP file ({e})") from None
    if password:
        zf.setpassword(password.encode("utf-8"))
    return zf


def is_encrypted(path: Path) -> bool:
    with _open(Path(path), None) as zf:
        return any(i.flag_bits & 0x1 for i in zf.infolist())


def _hash_member(zf: zipfile.ZipFile, name: str) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    with zf.open(name) as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def read_manifest(path: Path, password: str | None = None) -> dict:
    with _open(Path(path), password) as zf:
        try:
            return json.loads(_read(zf, MANIFEST, path))
        except ValueError as e:
            raise PackageError(f"{path}: {MANIFEST} is not valid JSON ({e})") from None


def _read(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        return zf.read(name)
    except KeyError:
        raise PackageError(f"{path}: no {name} inside; this is not a dsar access package") from None
    except RuntimeError as e:  # pyzipper: encrypted member without (the right) password
        raise PackageError(f"{path}: the package is encrypted; give the password printed when it was made "
                           f"(--password) ({e})") from None


def verify_package(path: Path, password: str | None = None) -> tuple[dict, list[str]]:
    """(manifest, problems): one line per file that was modified, is missing, or is not in the manifest."""
    path = Path(path)
    with _open(path, password) as zf:
        try:
            manifest = json.loads(_read(zf, MANIFEST, path))
        except ValueError as e:
            raise PackageError(f"{path}: {MANIFEST} is not valid JSON ({e})") from None
        if manifest.get("format") != FORMAT:
            raise PackageError(f"{path}: {MANIFEST} is not a {FORMAT} manifest")
        names = {i.filename for i in zf.infolist() if not i.is_dir()}
        problems: list[str] = []
        listed = set()
        for entry in manifest.get("files", []):
            name = entry.get("path", "")
            listed.add(name)
            if name not in names:
                problems.append(f"missing: {name}")
                continue
            try:
                digest, size = _hash_member(zf, name)
            except RuntimeError as e:
                raise PackageError(f"{path}: cannot read {name}: wrong password? ({e})") from None
            except _BAD_ZIP as e:
                problems.append(f"modified: {name} (the ZIP entry is damaged: {e})")
                continue
            if digest != entry.get("sha256"):
                problems.append(f"modified: {name} (sha256 {digest} != manifest {entry.get('sha256')})")
            elif size != entry.get("bytes", size):
                problems.append(f"modified: {name} ({size} bytes != manifest {entry.get('bytes')})")
        for name in sorted(names - listed - {MANIFEST}):
            problems.append(f"not in the manifest: {name}")
    return manifest, problems
