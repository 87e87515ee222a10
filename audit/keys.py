"""Keys: the trail's Ed25519 signing key and the master key (files in the data folder, mode 0600), and
the per-case data keys that seal subject identifiers so that destroying one key erases one case.

Per-case key: 32 random bytes, used directly for AES-256-GCM; the look-up MAC key is derived from it
with HKDF-SHA256 (info ``dsar-lookup/1``), so shredding the case key also kills linkability. Case keys
are stored wrapped: AES-256-GCM under the master key, AAD ``dsar-case-key/1\\n<case>``, with the master
key's id beside them. Several master keys may be configured, newest first (one per line in the file,
comma-separated in the variable): the newest wraps, any unwraps, which is what makes rotation crash-safe.

Sealed value token: base64(12-byte nonce || ciphertext || 16-byte tag), AAD
``dsar-seal/1\\n<case>\\n<context>\\n<name>``; the trail uses the record's seq as context.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .checkpoints import Signer, Verifier
from .errors import AuditInputError, CaseKeyError, CaseKeyShredded, KeyFileError
from .store import CaseKeyRow, Store, WriteTx

MASTER_FILE = "master.key"
SIGNING_FILE = "audit-signing.key"
MASTER_ENV = "DSAR_MASTER_KEY"
CURRENT_KEK = "master_kek"  # meta key: the id of the master key every case key is wrapped under since the last rotation


# -- key files ------------------------------------------------------------------------------------
def read_secret(path: Path) -> str:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: key file not found") from None
    if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{path}: key file is readable by others (mode {stat.S_IMODE(st.st_mode):o}); "
                           f"run: chmod 600 {path}")
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"{path}: cannot read the key file ({e})") from None


def write_secret(path: Path, text: str, *, replace: bool = False) -> bool:
    """Create ``path`` (mode 0600) atomically; False if it already exists. Never overwrites (a lost key
    means lost data) unless ``replace``, which only key rotation asks for. Written to a temporary file and
    hard-linked (or renamed) into place, so a concurrent reader never sees a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        if not replace:
            os.link(tmp, path)
            return True
        os.replace(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    dirfd = os.open(path.parent, os.O_RDONLY)  # the rename itself must survive a crash
    try:
        os.fsync(dirfd)
    finally:
        os.close(dirfd)
    return True


def decode_master(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        if len(text) == 64:
            raw = bytes.fromhex(text)
        else:
            std = text.replace("-", "+").replace("_", "/")
            raw = base64.b64decode(std + "=" * (-len(std) % 4), validate=True)
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 32:
        raise KeyFileError(f"{where}: the master key must be 32 bytes, base64 or 64 hex digits")
    return raw


def encode_master(key: bytes) -> str:
    return base64.b64encode(key).decode()


def new_master_key() -> str:
    return encode_master(secrets.token_bytes(32))


def load_master_keys(home: Path, create: bool = True) -> list[bytes]:
    """The key-encryption keys, newest first: ``DSAR_MASTER_KEY`` if set, else ``<home>/master.key``
    (created if missing)."""
    env = os.environ.get(MASTER_ENV)
    if env:
        parts = env.split(",")
        return [decode_master(k, MASTER_ENV if len(parts) == 1 else f"{MASTER_ENV} (key {i + 1})")
                for i, k in enumerate(parts)]
    path = home / MASTER_FILE
    if not path.exists() and create:
        write_secret(path, new_master_key())
    lines = [line for line in read_secret(path).splitlines() if line.strip()]
    if not lines:
        raise KeyFileError(f"{path}: the key file is empty")
    return [decode_master(k, str(path) if len(lines) == 1 else f"{path} (line {i + 1})") for i, k in enumerate(lines)]


def kek_id_of(master_key: bytes) -> str:
    return hashlib.sha256(b"dsar-kek/1" + master_key).hexdigest()[:16]


def load_signer(home: Path, origin: str, create: bool = True) -> Signer:
    """The trail's checkpoint signing key from ``<home>/audit-signing.key`` (created for ``origin`` if missing)."""
    path = home / SIGNING_FILE
    if not path.exists() and create:
        write_secret(path, Signer.generate(origin).private_text())
    try:
        return Signer.parse(read_secret(path))
    except KeyFileError:
        raise
    except Exception as e:
        raise KeyFileError(f"{path}: {e}") from None


def load_verifier(home: Path) -> Verifier:
    return load_signer(home, "-", create=False).verifier


# -- per-case keys --------------------------------------------------------------------------------
def _aad_key(case: str) -> bytes:
    return b"dsar-case-key/1\n" + case.encode()


def _aad_seal(case: str, context: str, name: str) -> bytes:
    return f"dsar-seal/1\n{case}\n{context}\n{name}".encode()


def normalise_lookup(value: str) -> str:
    """What a look-up MAC covers: NFC, trimmed, case-folded (so ``Jane@X.org`` finds ``jane@x.org``)."""
    return unicodedata.normalize("NFC", value).strip().casefold()


class CaseKeys:
    """Seal, unseal and MAC under per-case keys kept (wrapped) in the audit store."""

    def __init__(self, store: Store, master_keys: bytes | list[bytes], reload=None) -> None:
        """``reload()`` gives the master keys again: after another process rotated them, this one picks the
        new key up instead of failing (or, worse, wrapping a new case key under the retired one)."""
        self.store = store
        self._reload = reload
        self._cache: dict[str, tuple[bytes, bytes, bytes]] = {}  # case -> (wrapped, key, mac key)
        self.use(master_keys if isinstance(master_keys, list) else [master_keys])

    def use(self, master_keys: list[bytes]) -> None:
        """Wrap under the first of ``master_keys`` from now on; unwrap under any."""
        self._keks = {kek_id_of(k): AESGCM(k) for k in master_keys}
        self.kek_id = kek_id_of(master_keys[0])
        self._kek = self._keks[self.kek_id]

    def _follow_rotation(self, current: str | None) -> None:
        """Never wrap a new case key under a master key another process has retired by rotation."""
        if current and current != self.kek_id and self._reload is not None:
            self.use(self._reload())
        if current and current != self.kek_id:
            raise KeyFileError(f"the master key was rotated to {current}, which is not the newest configured here "
                               f"({self.kek_id}); check {MASTER_ENV} / {MASTER_FILE}")

    def _known(self, kek_id: str) -> bool:
        if kek_id not in self._keks and self._reload is not None:
            self.use(self._reload())
        return kek_id in self._keks

    # -- lifecycle ------------------------------------------------------------------------------
    def create(self, case: str) -> None:
        """Make sure ``case`` has a key (idempotent); refuses a case whose key was shredded."""
        if self.store.get_case_key(case) is not None:
            return
        with self.store.writer() as tx:
            self.key_in(tx, case, create=True)

    def exists(self, case: str) -> bool:
        return self.store.get_case_key(case) is not None

    def key_in(self, tx: WriteTx, case: str, create: bool) -> tuple[bytes, bytes]:
        """(data key, MAC key) for ``case`` inside a write transaction, creating it if allowed."""
        row = tx.get_case_key(case)
        if row is None:
            self._refuse_if_shredded(tx.shred_mark(case), case)
            if not create:
                raise CaseKeyError(f"case {case}: no key in this audit store")
            self._follow_rotation(tx.meta(CURRENT_KEK))
            wrapped = self._wrap(case, secrets.token_bytes(32))
            row = CaseKeyRow(case, wrapped, self.kek_id)
            tx.put_case_key(row)
        return self._unwrap(row)

    def forget(self, case: str) -> None:
        self._cache.pop(case, None)

    # -- sealing --------------------------------------------------------------------------------
    def seal(self, case: str, name: str, plaintext: str, context: str = "") -> str:
        key, _ = self._key(case)
        return seal_with(key, case, name, plaintext, context)

    def unseal(self, case: str, name: str, token: str, context: str = "") -> str:
        key, _ = self._key(case)
        try:
            raw = base64.b64decode(token, validate=True)
            return AESGCM(key).decrypt(raw[:12], raw[12:], _aad_seal(case, context, name)).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise AuditInputError(f"sealed value {name!r} of case {case}: does not decrypt "
                                  "(altered, or sealed for another record/field)") from None

    def lookup_mac(self, case: str, value: str) -> str:
        _, mac_key = self._key(case)
        return mac_with(mac_key, value)

    # -- internals ------------------------------------------------------------------------------
    def _key(self, case: str) -> tuple[bytes, bytes]:
        row = self.store.get_case_key(case)
        if row is None:
            self._cache.pop(case, None)
            self._refuse_if_shredded(self.store.shred_mark(case), case)
            raise CaseKeyError(f"case {case}: no key in this audit store")
        return self._unwrap(row)

    @staticmethod
    def _refuse_if_shredded(mark, case: str) -> None:
        if mark is not None:
            raise CaseKeyShredded(f"case key shredded: {case} (by {mark.actor} at {mark.time}, record {mark.seq}); "
                                  "its sealed values can no longer be read")

    def _wrap(self, case: str, key: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._kek.encrypt(nonce, key, _aad_key(case))

    def _unwrap(self, row: CaseKeyRow) -> tuple[bytes, bytes]:
        hit = self._cache.get(row.case)
        if hit and hit[0] == row.wrapped:
            return hit[1], hit[2]
        try:
            if not self._known(row.kek_id):
                raise InvalidTag
            key = self._keks[row.kek_id].decrypt(row.wrapped[:12], row.wrapped[12:], _aad_key(row.case))
        except InvalidTag:
            raise KeyFileError(f"case {row.case}: its key was wrapped with another master key "
                               f"(kek {row.kek_id}, this one is {self.kek_id}); check {MASTER_ENV} / {MASTER_FILE}") from None
        mac_key = HKDF(hashes.SHA256(), 32, salt=None, info=b"dsar-lookup/1").derive(key)
        self._cache[row.case] = (row.wrapped, key, mac_key)
        return key, mac_key

    def rewrap_all(self, tx: WriteTx) -> list[bytes]:
        """Wrap every case key under the newest master key, in ``tx``; returns the old wrapped blobs."""
        old = []
        for row in tx.case_keys():
            if row.kek_id == self.kek_id:
                continue
            key, _ = self._unwrap(row)
            tx.replace_case_key(CaseKeyRow(row.case, self._wrap(row.case, key), self.kek_id))
            old.append(row.wrapped)
            self._cache.pop(row.case, None)
        tx.set_meta(CURRENT_KEK, self.kek_id)
        return old


def seal_with(key: bytes, case: str, name: str, plaintext: str, context: str) -> str:
    nonce = secrets.token_bytes(12)
    ct = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _aad_seal(case, context, name))
    return base64.b64encode(nonce + ct).decode()


def mac_with(mac_key: bytes, value: str) -> str:
    return hmac.new(mac_key, normalise_lookup(value).encode("utf-8"), hashlib.sha256).hexdigest()
