"""Organisation mode's credentials: a service account with domain-wide delegation impersonating each
user in scope. Either its JSON key is imported once into the encrypted token store (the file Google gives
you is plain text and should then be deleted), or there is no key at all: keyless mode, where the
runtime's own identity (Cloud Run / GCE metadata server) asks IAM Credentials ``signBlob`` to sign each
delegation assertion as the service account. Both paths send every request through the audited seam."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from google.auth import compute_engine, iam
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from scopes.model import CLOUD_PLATFORM

from ..config import Settings
from ..errors import ConfigError, InputError
from .tokenstore import STORE_NAME, TokenStore

KEY_NAME = "service-account"
TOKEN_URI = "https://oauth2.googleapis.com/token"
#: google-auth's experimental access-boundary lookups send requests on a session of their own, which
#: would bypass the audit seam; organisation mode refuses to run with them switched on.
_RAB_ENV = "GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED"
_KEY_FIELDS = ("type", "client_email", "private_key", "private_key_id", "token_uri")


def check_key_info(info: Any, where: str) -> dict:
    """The key file's fields, or an error naming the file and what is wrong with it."""
    if not isinstance(info, dict):
        raise InputError(where, "is not a JSON object")
    if info.get("type") != "service_account":
        raise InputError(where, f"is not a service-account key (type is {info.get('type')!r})")
    missing = [f for f in _KEY_FIELDS if not info.get(f)]
    if missing:
        raise InputError(where, f"lacks {', '.join(missing)}")
    if "BEGIN PRIVATE KEY" not in str(info["private_key"]):
        raise InputError(where, "private_key is not a PEM private key")
    return info


def read_key_file(path: str | os.PathLike, setting: str = "DSAR_SERVICE_ACCOUNT_FILE") -> dict:
    where = f"{setting} ({path})"
    try:
        with open(path, encoding="utf-8") as fh:
            return check_key_info(json.load(fh), where)
    except FileNotFoundError:
        raise ConfigError(f"{where}: the file does not exist") from None
    except OSError as e:
        raise ConfigError(f"{where}: cannot read it ({e.strerror})") from None
    except ValueError as e:
        if isinstance(e, InputError):
            raise
        raise ConfigError(f"{where}: is not a JSON key file ({e})") from None


def import_key(settings: Settings, path: str | os.PathLike, delete_original: bool = False) -> dict:
    """Encrypt the key file into the token store; the plain file is deleted only once that is on disk."""
    info = read_key_file(path, "key file")
    service_account.Credentials.from_service_account_info(info)  # a key google-auth cannot load is refused now
    TokenStore(settings).put(KEY_NAME, info)
    if delete_original:
        Path(path).unlink()
    return {"client_email": info["client_email"], "private_key_id": info["private_key_id"],
            "deleted_original": delete_original}


def has_stored_key(settings: Settings) -> bool:
    """Whether the token store holds a key, without needing the secret key to say so."""
    path = settings.home / STORE_NAME
    try:
        return KEY_NAME in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def has_own_credentials(settings: Settings) -> bool:
    """Organisation mode: the product acts through a service account (key file, imported key or keyless)."""
    return bool(settings.service_account_file or settings.signer_service_account or has_stored_key(settings))


def acts_as_service_account(settings: Settings) -> bool:
    """Searches and token failures go through a service account: the product's own, or the sandbox's."""
    return bool(settings.sandbox_url) or has_own_credentials(settings)


def stored_key(settings: Settings) -> dict | None:
    return TokenStore(settings).get(KEY_NAME) if has_stored_key(settings) else None


def refuse_unaudited_lookups() -> None:
    if os.environ.get(_RAB_ENV, "").strip().lower() in ("1", "y", "yes", "t", "true", "on"):
        raise ConfigError(f"{_RAB_ENV} is on: google-auth would then send access-boundary lookups outside the "
                          "audited transport. Unset it.")


def keyless_credentials(seam: Any, sa_email: str) -> service_account.Credentials:
    """Delegation credentials signed by IAM as ``sa_email``, authorised by the runtime's own identity.

    The universe domain is given so google-auth does not look it up on a session of its own."""
    refuse_unaudited_lookups()
    runtime = compute_engine.Credentials(scopes=[CLOUD_PLATFORM], universe_domain="googleapis.com")
    request = Request(session=seam.plain_session(sa_email, credentials=runtime))
    return service_account.Credentials(iam.Signer(request, runtime, sa_email), sa_email, TOKEN_URI)
