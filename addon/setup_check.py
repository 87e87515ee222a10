"""``dsar config check``: which mode is configured (sandbox, user OAuth, organisation), what is missing,
and how to fix it, in plain words. Each check is small and independent; none raises."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

import requests

from .config import Settings


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    fix: str = ""


def mode(settings: Settings) -> str:
    if settings.sandbox_url:
        return "sandbox"
    if settings.service_account_file:
        return "organisation"
    if os.environ.get("DSAR_OAUTH_CLIENT_FILE") or settings.extra.get("oauth_client_file"):
        return "user"
    return "unconfigured"


def checks(settings: Settings) -> list[Check]:
    out: list[Check] = []
    m = mode(settings)
    out.append(Check("mode", m != "unconfigured", f"mode: {m}",
                     "" if m != "unconfigured" else "Set DSAR_SANDBOX_URL (local sandbox), DSAR_SERVICE_ACCOUNT_FILE "
                     "(organisation mode) or DSAR_OAUTH_CLIENT_FILE (sign in as yourself)."))
    try:
        settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = settings.home / ".write-test"
        probe.write_text("x")
        probe.unlink()
        out.append(Check("data folder", True, f"data folder {settings.home} is writable"))
    except OSError as e:
        out.append(Check("data folder", False, f"data folder {settings.home} is not writable ({e.strerror})",
                         "Set DSAR_HOME to a folder you can write."))
    out.append(Check("actor", bool(settings.actor), f"acting as {settings.actor}" if settings.actor else "no DSAR_ACTOR set",
                     "" if settings.actor else "export DSAR_ACTOR=you@your-domain (or sign in with 'dsar auth login')"))
    dpo = os.environ.get("DSAR_DPO") or settings.extra.get("dpo")
    out.append(Check("dpo", bool(dpo), f"DPO: {dpo}" if dpo else "no DPO configured: nobody can approve erasures",
                     "" if dpo else "export DSAR_DPO=dpo@your-domain"))
    if m == "sandbox":
        try:
            h = requests.get(settings.sandbox_url + "/_sandbox/health", timeout=3).json()
            out.append(Check("sandbox", True, f"sandbox at {settings.sandbox_url}: {h.get('users')} users, "
                                              f"{h.get('messages')} messages, {h.get('files')} files"))
        except (requests.RequestException, ValueError) as e:
            out.append(Check("sandbox", False, f"no sandbox answers at {settings.sandbox_url} ({type(e).__name__})",
                             "Start one: dsar sandbox fixture demo-fixture && dsar sandbox serve --fixture demo-fixture"))
    if m == "organisation":
        path = settings.service_account_file
        try:
            with open(path, encoding="utf-8") as fh:
                info = json.load(fh)
            good = info.get("type") == "service_account" and "private_key" in info
            out.append(Check("service account", good, f"service account {info.get('client_email')}" if good
                             else f"{path} is not a service-account key file",
                             "" if good else "Download a JSON key for the service account from the Cloud console."))
        except (OSError, ValueError) as e:
            out.append(Check("service account", False, f"cannot read DSAR_SERVICE_ACCOUNT_FILE {path} ({e})",
                             "Point DSAR_SERVICE_ACCOUNT_FILE at the key file."))
        out.append(Check("admin", bool(settings.admin), f"Directory read as {settings.admin}" if settings.admin
                         else "no DSAR_ADMIN: the users in scope cannot be listed",
                         "" if settings.admin else "export DSAR_ADMIN=an-admin@your-domain (used only for users.list)"))
    if m in ("user", "organisation"):
        has_key = bool(os.environ.get("DSAR_SECRET_KEY") or os.environ.get("DSAR_SECRET_KEY_FILE"))
        out.append(Check("secret key", has_key, "secrets are encrypted at rest" if has_key else "no DSAR_SECRET_KEY",
                         "" if has_key else "Run 'dsar keys new' and export DSAR_SECRET_KEY=<key> (keep it outside the data folder)."))
    if m == "user" and (os.environ.get("DSAR_SECRET_KEY") or os.environ.get("DSAR_SECRET_KEY_FILE")):
        try:
            from .auth.staff import status

            st = status(settings)
            out.append(Check("sign-in", st["signed_in"], f"signed in as {st.get('email')}" if st["signed_in"]
                             else "nobody is signed in", "" if st["signed_in"] else "Run 'dsar auth login'."))
        except Exception as e:  # a wrong key is reported, not raised
            out.append(Check("sign-in", False, str(e), "Set the key the secrets were written with."))
    return out


def report(settings: Settings) -> dict:
    cs = checks(settings)
    return {"mode": mode(settings), "ok": all(c.ok for c in cs), "checks": [asdict(c) for c in cs]}
