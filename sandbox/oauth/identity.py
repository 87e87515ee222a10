"""Stable identifiers Google derives for accounts: the numeric ``sub``/user id, the customer id, a service
account's numeric client id and project. Derived from names (not random) so they survive a sandbox
restart and tests can predict them."""
from __future__ import annotations

import hashlib


def _digits(text: str, n: int) -> str:
    return str(int.from_bytes(hashlib.sha256(text.encode()).digest(), "big"))[:n]


def subject_id(email: str) -> str:
    """Google's 21-digit account id (ID token ``sub``, Directory ``id``) for an address."""
    return "1" + _digits("user:" + email.lower(), 20)


def customer_id(domain: str) -> str:
    """The Workspace customer id (``C0`` + 7 characters, as Admin SDK shows it)."""
    return "C0" + hashlib.sha256(("customer:" + domain.lower()).encode()).hexdigest()[:7]


def service_account_client_id(email: str) -> str:
    return "1" + _digits("sa:" + email.lower(), 20)


def project_id(service_account_email: str) -> str:
    """``name@PROJECT.iam.gserviceaccount.com`` -> ``PROJECT``."""
    host = service_account_email.rsplit("@", 1)[-1]
    return host.split(".", 1)[0]


def split_name(full: str) -> tuple[str, str]:
    """Given and family name from a display name: the last word is the family name."""
    parts = full.split()
    if len(parts) < 2:
        return (parts[0] if parts else "", "")
    return " ".join(parts[:-1]), parts[-1]
