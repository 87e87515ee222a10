"""Signed checkpoints in the signed-note format (golang.org/x/mod/sumdb/note, C2SP signed-note and
tlog-checkpoint), so standard tooling and a few lines of code anywhere can check them.

A checkpoint note::

    <origin>\\n<tree size>\\n<base64 root hash>\\n
    \\n
    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>\\n

The signature covers the text up to and including its last newline (not the blank line). Key id =
first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). Keys are written as in note.go:
verifier ``<name>+<hex8 id>+<base64(0x01 || public key)>``, signer ``PRIVATE+KEY+<name>+<hex8>+<base64(0x01 || seed)>``.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import CheckpointError

ALG_ED25519 = 0x01
DASH = "\u2014"


def _key_id(name: str, pub: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + pub).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError(f"key name {name!r}: must be non-empty, without spaces or '+'")


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> "Verifier":
        """Parse ``<name>+<hex8>+<base64(0x01||pub)>`` (as printed by ``dsar audit pubkey``)."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("public key: expected <name>+<hex8>+<base64>, as printed by 'dsar audit pubkey'")
        name, hex_id, b64 = parts
        try:
            raw = base64.b64decode(b64, validate=True)
            key_id = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError):
            raise CheckpointError("public key: the key id or key is not valid hex/base64") from None
        if len(raw) != 33 or raw[0] != ALG_ED25519 or len(key_id) != 4:
            raise CheckpointError("public key: not an Ed25519 note verifier key")
        if _key_id(name, raw[1:]) != key_id:
            raise CheckpointError("public key: the key id does not match the name and key")
        return cls(name, key_id, raw[1:])

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()}"

    def verify(self, text: bytes, sig: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(sig, text)
            return True
        except InvalidSignature:
            return False


class Signer:
    def __init__(self, name: str, seed: bytes) -> None:
        _check_name(name)
        self.name = name
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        pub = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = Verifier(name, _key_id(name, pub), pub)

    @classmethod
    def generate(cls, name: str) -> "Signer":
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(name, seed)

    @classmethod
    def parse(cls, text: str) -> "Signer":
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError("signing key: expected PRIVATE+KEY+<name>+<hex8>+<base64>")
        try:
            raw = base64.b64decode(parts[4], validate=True)
        except binascii.Error:
            raise CheckpointError("signing key: the key is not valid base64") from None
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise CheckpointError("signing key: not an Ed25519 note signer key")
        signer = cls(parts[2], raw[1:])
        if signer.verifier.key_id.hex() != parts[3].lower():
            raise CheckpointError("signing key: the key id does not match the key")
        return signer

    def private_text(self) -> str:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        b64 = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{b64}"

    def sign_note(self, text: str) -> str:
        """Return the signed note: ``text`` (ending in a newline), a blank line, one signature line."""
        if not text.endswith("\n") or "\n\n" in text:
            raise CheckpointError("note text must end with a newline and contain no blank line")
        sig = self._key.sign(text.encode("utf-8"))
        return f"{text}\n{DASH} {self.name} {base64.b64encode(self.verifier.key_id + sig).decode()}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The signed text of ``note`` if a signature by ``verifier`` is valid; :class:`CheckpointError` otherwise."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise CheckpointError("note: no signature block (a blank line followed by signature lines)")
    text, sigs = note[:split + 1], note[split + 2:]
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise CheckpointError("note: contains control characters")
    for line in sigs.splitlines():
        if not line.startswith(DASH + " "):
            raise CheckpointError(f"note: malformed signature line {line[:40]!r}")
        try:
            name, b64 = line[2:].split(" ")
            raw = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error):
            raise CheckpointError(f"note: malformed signature line {line[:40]!r}") from None
        if name != verifier.name or raw[:4] != verifier.key_id:
            continue  # another witness's signature: ignored, as the spec requires
        if len(raw) == 68 and verifier.verify(text.encode("utf-8"), raw[4:]):
            return text
        raise CheckpointError(f"note: the signature by {name} does not verify")
    raise CheckpointError(f"note: no signature by {verifier.name} (key id {verifier.key_id.hex()})")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse_body(cls, text: str) -> "Checkpoint":
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise CheckpointError("checkpoint: expected origin, tree size and root hash lines")
        origin, size_s, root_s = lines[0], lines[1], lines[2]
        if not size_s.isdigit() or (size_s != "0" and size_s.startswith("0")):
            raise CheckpointError(f"checkpoint: tree size {size_s!r} is not a decimal number")
        try:
            root = base64.b64decode(root_s, validate=True)
        except binascii.Error:
            raise CheckpointError("checkpoint: root hash is not base64") from None
        if len(root) != 32:
            raise CheckpointError("checkpoint: root hash is not 32 bytes")
        return cls(origin, int(size_s), root)


def sign_checkpoint(signer: Signer, cp: Checkpoint) -> str:
    return signer.sign_note(cp.body())


def notes_file(notes: list[str]) -> str:
    """Several signed notes as one text file, oldest first, a blank line between two notes. Each note stays
    byte for byte what was signed, so any signed-note verifier checks it once :func:`split_notes` cut it out."""
    for n in notes:
        if not n.endswith("\n") or n.count("\n\n") != 1:
            raise CheckpointError("note: expected one signed note (text, a blank line, signature lines)")
    return "\n".join(notes)


def split_notes(text: str) -> list[str]:
    """The notes of a :func:`notes_file`: a note is its text lines, one blank line, then signature lines
    (each starting with an em dash); the next blank line starts the next note."""
    notes: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i] != "":
            i += 1
        i += 1  # the blank line between the text and its signatures
        while i < len(lines) and lines[i].startswith(DASH + " "):
            i += 1
        note = "\n".join(lines[start:i]) + "\n"
        if note.count("\n\n") != 1 or not lines[i - 1].startswith(DASH + " "):
            raise CheckpointError(f"notes: no signature lines after the note starting on line {start + 1}")
        notes.append(note)
    return notes


def verify_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    """Check the signature, then parse. The origin must be the key name (one log, one key)."""
    cp = Checkpoint.parse_body(open_note(note, verifier))
    if cp.origin != verifier.name:
        raise CheckpointError(f"checkpoint: origin {cp.origin!r} is not this trail's ({verifier.name!r})")
    return cp
