"""Refresh tokens and service-account keys, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256,
from ``cryptography``) under a key that lives outside the data folder: ``DSAR_SECRET_KEY`` (one or more
comma-separated Fernet keys, newest first) or ``DSAR_SECRET_KEY_FILE``. MultiFernet lets old keys decrypt
while ``dsar keys rotate`` re-encrypts everything under the newest. There is no plain-text fallback."""
from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ..config import Settings
from ..errors import ConfigError, DsarError

STORE_NAME = "secrets.json"


class SecretKeyError(ConfigError):
    """The encryption key is missing, malformed or not the one the store was written with."""


def _load_keys(settings: Settings) -> list[bytes]:
    raw = os.environ.get("DSAR_SECRET_KEY")
    source = "DSAR_SECRET_KEY"
    if not raw:
        key_file = os.environ.get("DSAR_SECRET_KEY_FILE") or settings.extra.get("secret_key_file")
        if not key_file:
            raise SecretKeyError(
                "DSAR_SECRET_KEY: no key to encrypt secrets with. Create one with 'dsar keys new' and put it in "
                "DSAR_SECRET_KEY or in a file named by DSAR_SECRET_KEY_FILE (outside the data folder)"
            )
        path = Path(key_file).expanduser().resolve()
        if settings.home.resolve() in path.parents:
            raise SecretKeyError(f"DSAR_SECRET_KEY_FILE: {path} is inside the data folder; keep the key elsewhere")
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as e:
            raise SecretKeyError(f"DSAR_SECRET_KEY_FILE: cannot read {path} ({e.strerror})") from None
        source = f"DSAR_SECRET_KEY_FILE ({path})"
    keys = [k.strip().encode() for k in raw.replace("\n", ",").split(",") if k.strip()]
    for k in keys:
        try:
            Fernet(k)
        except ValueError:
            raise SecretKeyError(f"{source}: not a Fernet key (32 url-safe base64 bytes; 'dsar keys new' makes one)") from None
    if not keys:
        raise SecretKeyError(f"{source}: empty")
    return keys


def new_key() -> str:
    return Fernet.generate_key().decode()


class TokenStore:
    """name -> secret (a JSON-able dict), one encrypted entry each, in ``<home>/secrets.json`` (0600)."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.home / STORE_NAME
        self.settings = settings
        self.fernet = MultiFernet([Fernet(k) for k in _load_keys(settings)])

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError as e:
            raise DsarError(f"{self.path}: the secret store is damaged ({e}); it was left as it is") from None

    def _write(self, entries: dict[str, str]) -> None:
        from ..data_folder import open_home

        open_home(self.settings)  # never start a data folder where DSAR_HOME was mistyped
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entries, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)

    def get(self, name: str) -> dict | None:
        token = self._read().get(name)
        if token is None:
            return None
        try:
            return json.loads(self.fernet.decrypt(token.encode()))
        except InvalidToken:
            raise SecretKeyError(
                f"{self.path}: the configured DSAR_SECRET_KEY cannot decrypt the stored secrets (wrong key?). "
                "Nothing was changed; set the key they were written with (or add it after the new one)."
            ) from None

    def put(self, name: str, secret: dict) -> None:
        entries = self._read()
        for other in entries.values():  # refuse to mix keys: prove the key can read what is there
            try:
                self.fernet.decrypt(other.encode())
            except InvalidToken:
                raise SecretKeyError(
                    f"{self.path}: existing secrets were written with another key; refusing to add one under this key"
                ) from None
            break
        entries[name] = self.fernet.encrypt(json.dumps(secret).encode()).decode()
        self._write(entries)

    def delete(self, name: str) -> bool:
        entries = self._read()
        if entries.pop(name, None) is None:
            return False
        self._write(entries)
        return True

    def names(self) -> list[str]:
        return sorted(self._read())

    def rotate(self) -> int:
        """Re-encrypt every entry under the newest key; returns how many."""
        entries = self._read()
        try:
            rotated = {k: self.fernet.rotate(v.encode()).decode() for k, v in entries.items()}
        except InvalidToken:
            raise SecretKeyError(f"{self.path}: none of the configured keys decrypts every secret; nothing rotated") from None
        self._write(rotated)
        return len(rotated)
