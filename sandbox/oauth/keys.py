"""The sandbox's RSA keys: one that signs ID tokens (served at the certs endpoints as PEM certificates
and as a JWKS), and the service account's key pair (private half handed out in its key file)."""
from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


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


@dataclass
class SigningKeys:
    google: KeyPair  # signs ID tokens, as Google's own keys do
    service_account: KeyPair  # the add-on's service account, with domain-wide delegation
    service_account_email: str

    @classmethod
    def generate(cls, domain: str) -> "SigningKeys":
        return cls(
            KeyPair.generate("sandbox-google"),
            KeyPair.generate("dsar-addon"),
            f"dsar-addon@{domain.split('.')[0]}-sandbox.iam.gserviceaccount.com",
        )

    def id_token(self, claims: dict, lifetime: int = 3600) -> str:
        now = int(time.time())
        base = {"iss": "https://accounts.google.com", "iat": now, "exp": now + lifetime}
        base.update(claims)
        return self.google.sign_jwt(base)
