"""``dsar config check``: which mode is configured (sandbox, user OAuth, organisation), what is missing,
and how to fix it, in plain words. Each check is small and independent; none raises."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import requests

from .auth.service_account import has_own_credentials, has_stored_key, read_key_file, stored_key
from .config import Settings
from .errors import DsarError


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    fix: str = ""


def mode(settings: Settings) -> str:
    if settings.sandbox_url:
        return "sandbox"
    if has_own_credentials(settings):
        return "organisation"
    if os.environ.get("DSAR_OAUTH_CLIENT_FILE") or settings.extra.get("oauth_client_file"):
        return "user"
    return "unconfigured"


def checks(settings: Settings) -> list[Check]:
    out: list[Check] = []
    m = mode(settings)
    out.append(Check("mode", m != "unconfigured", f"mode: {m}",
                     "" if m != "unconfigured" else "Set DSAR_SANDBOX_URL (local sandbox); import a service-account key with "
                     "'dsar auth import-key' or set DSAR_SIGNER_SERVICE_ACCOUNT (organisation mode); or set "
                     "DSAR_OAUTH_CLIENT_FILE (sign in as yourself)."))
    out.append(_home_check(settings))
    out.append(_art15_check(settings))
    out.append(_sources_check(settings))
    out.append(Check("actor", bool(settings.actor), f"acting as {settings.actor}" if settings.actor else "no DSAR_ACTOR set",
                     "" if settings.actor else "export DSAR_ACTOR=you@your-domain (or sign in with 'dsar auth login')"))
    dpo = os.environ.get("DSAR_DPO") or settings.extra.get("dpo")
    out.append(Check("dpo", bool(dpo), f"DPO: {dpo}" if dpo else "no DPO configured: nobody can approve erasures",
                     "" if dpo else "export DSAR_DPO=dpo@your-domain"))
    if m == "sandbox":
        try:
            h = requests.get(settings.sandbox_url + "/_sandbox/health", timeout=3).json()
            out.append(Check("sandbox", True, f"sandbox at {settings.sandbox_url}: {h.get('users')} users, "
                                              f"{h.get('messages')} messages, {h.get('drive_files', h.get('files'))} Drive files"))
        except (requests.RequestException, ValueError) as e:
            out.append(Check("sandbox", False, f"no sandbox answers at {settings.sandbox_url} ({type(e).__name__})",
                             "Start one: dsar sandbox fixture demo-fixture && dsar sandbox serve --fixture demo-fixture"))
    if m == "sandbox" and has_stored_key(settings):  # an imported key is used against the sandbox too
        out.append(_service_account_check(settings))
    if m == "organisation":
        out.append(_service_account_check(settings))
        out.append(Check("admin", bool(settings.admin), f"Directory read as {settings.admin}" if settings.admin
                         else "no DSAR_ADMIN: the users in scope cannot be listed",
                         "" if settings.admin else "export DSAR_ADMIN=an-admin@your-domain (used only for users.list)"))
    if m == "user" or (m == "organisation" and not settings.signer_service_account):
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


def _sources_check(settings: Settings) -> Check:
    """Which sources a search covers (Calendar, Contacts, Chat, Forms only when enabled), and those no API reaches."""
    from .search.coverage import OPTIONAL, coverage_statement

    try:
        st = coverage_statement(settings)
    except DsarError as e:
        return Check("sources", False, str(e), "Set DSAR_SOURCES to a comma-separated list, e.g. calendar,contacts,chat,forms")
    on = [e["source"] for e in st if e["status"] == "searched"]
    off = [e["source"] for e in st if e["status"] == "off"]
    none = [e["source"] for e in st if e["status"] == "unreachable"]
    msg = (f"sources searched: {', '.join(on)}; switched off: {', '.join(off) or 'none'}; no API reaches: "
           f"{', '.join(none)} (the access report says what to do for each)")
    fix = (f"to search them too: export DSAR_SOURCES={','.join(o for o in OPTIONAL)} (their read scopes are asked for "
           "only then)") if off else ""
    return Check("sources", True, msg, fix)


def _home_check(settings: Settings) -> Check:
    """Where the data folder is expected and whether it is there; creates nothing (that is 'dsar init')."""
    from .data_folder import describe_source, home_problem

    problem = home_problem(settings)
    if problem:
        return Check("data folder", False, problem, "Run 'dsar init' (it creates the data folder and a starter "
                     "Art. 15 template), or set DSAR_HOME to the folder that holds your cases and keys.")
    if not os.access(settings.home, os.W_OK | os.X_OK):
        return Check("data folder", False, f"data folder {settings.home} is not writable",
                     "Set DSAR_HOME to a folder you can write.")
    return Check("data folder", True, f"data folder {settings.home} ({describe_source(settings)})")


def _art15_check(settings: Settings) -> Check:
    """The Art. 15 template every access package's report is written from (item by item, named)."""
    from .export.report import SANDBOX_DEMO, load_art15

    try:
        _, where = load_art15(settings)
    except DsarError as e:
        return Check("art15 template", False, str(e), "Run 'dsar init' for a starter template, then replace every "
                     "<...> in it; or set DSAR_ART15_TEMPLATE to your filled-in file.")
    if where == SANDBOX_DEMO:
        return Check("art15 template", True, f"Art. 15 template: the {where}; reports say so. Set "
                     "DSAR_ART15_TEMPLATE (or run 'dsar init') before answering a real request.")
    return Check("art15 template", True, f"Art. 15 template: {where} (complete)")


def _service_account_check(settings: Settings) -> Check:
    """Which of the three ways the service account is reached, and whether it is usable."""
    if settings.signer_service_account:
        return Check("service account", True, f"keyless: IAM signs as {settings.signer_service_account}, authorised "
                     "by this runtime's own identity (metadata server); no key is kept")
    if has_stored_key(settings):
        try:
            info = stored_key(settings) or {}
            ok = True
            msg = f"service account {info.get('client_email')} (key stored encrypted)"
            fix = ""
        except DsarError as e:
            ok, msg, fix = False, str(e), "Set the DSAR_SECRET_KEY the key was imported with."
        if ok and settings.service_account_file:
            msg += f"; DSAR_SERVICE_ACCOUNT_FILE is ignored: delete {settings.service_account_file}"
        return Check("service account", ok, msg, fix)
    try:
        info = read_key_file(settings.service_account_file)
    except DsarError as e:
        return Check("service account", False, str(e), "Point DSAR_SERVICE_ACCOUNT_FILE at the JSON key from the Cloud console.")
    return Check("service account", True, f"service account {info['client_email']} from a plain-text key file; "
                 f"store it encrypted with 'dsar auth import-key --delete-original {settings.service_account_file}' "
                 "and unset DSAR_SERVICE_ACCOUNT_FILE")


def report(settings: Settings) -> dict:
    cs = checks(settings)
    return {"mode": mode(settings), "ok": all(c.ok for c in cs), "checks": [asdict(c) for c in cs]}
