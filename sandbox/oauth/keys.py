"""The sandbox's RSA keys: one that signs ID tokens (served at the certs endpoints as PEM certificates
and as a JWKS), and the service account's key pair (private half handed out in its key file)."""
from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ..errors import SandboxError


class JwtError(SandboxError, ValueError):
    """A JWT that is malformed or whose signature does not verify."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_jwt(token: str) -> tuple[dict, dict, bytes, bytes]:
    """Split a compact JWT into (header, claims, signing input, signature) without verifying it."""
    parts = token.split(".")
    if len(parts) != 3:
        raise JwtError("not a JWT: expected three dot-separated parts")
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
        sig = _unb64(parts[2])
    except ValueError as e:
        raise JwtError(f"not a JWT: {e}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JwtError("not a JWT: header and payload must be JSON objects")
    return header, claims, (parts[0] + "." + parts[1]).encode(), sig


def verify_jwt(token: str, key: rsa.RSAPublicKey) -> dict:
    """The claims of an RS256 JWT signed by ``key``; :class:`JwtError` if it is not."""
    header, claims, signing_input, sig = read_jwt(token)
    if header.get("alg") != "RS256":
        raise JwtError(f"unsupported JWT algorithm {header.get('alg')!r}; expected RS256")
    try:
        key.verify(sig, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise JwtError("invalid JWT signature") from None
    return claims


@dataclass
class KeyPair:
    kid: str
    private: rsa.RSAPrivateKey
    cert: x509.Certificate

    @classmethod
    def generate(cls, common_name: str) -> "KeyPair":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        now = dt.datetime.now(dt.timezone.utc)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650)).sign(key, hashes.SHA256())
        )
        return cls(uuid.uuid4().hex, key, cert)

    @property
    def private_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private.public_key()

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def jwk(self) -> dict:
        nums = self.private.public_key().public_numbers()
        return {
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
            "n": _b64(nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")),
            "e": _b64(nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")),
        }

    def sign_jwt(self, claims: dict) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = _b64(json.dumps(header, separators=(",", ":")).encode()) + "." + _b64(
            json.dumps(claims, separators=(",", ":")).encode()
        )
        sig = self.private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + _b64(sig)


class SigningKeys:
    """The sandbox's two key pairs. Each is made on first use: RSA key generation is the slowest part of
    starting a sandbox, and most sandboxes (tests of Gmail, Drive, Sheets) never sign anything."""

    def __init__(self, google: KeyPair | None = None, service_account: KeyPair | None = None,
                 service_account_email: str = "") -> None:
        self._google = google
        self._service_account = service_account
        self.service_account_email = service_account_email
        self._lock = threading.Lock()

    @classmethod
    def generate(cls, domain: str) -> "SigningKeys":
        return cls(service_account_email=f"dsar-addon@{domain.split('.')[0]}-sandbox.iam.gserviceaccount.com")

    @property
    def google(self) -> KeyPair:
        """Signs ID tokens, as Google's own keys do."""
        with self._lock:
            if self._google is None:
                self._google = KeyPair.generate("sandbox-google")
            return self._google

    @property
    def service_account(self) -> KeyPair:
        """The add-on's service account, with domain-wide delegation."""
        with self._lock:
            if self._service_account is None:
                self._service_account = KeyPair.generate("dsar-addon")
            return self._service_account

    def id_token(self, claims: dict, lifetime: int = 3600) -> str:
        now = int(time.time())
        base = {"iss": "https://accounts.google.com", "iat": now, "exp": now + lifetime}
        base.update(claims)
        return self.google.sign_jwt(base)
