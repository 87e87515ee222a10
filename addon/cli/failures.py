"""How a command that fails ends: one line on stderr (or, with ``--json``, one JSON object on stderr) and
the exit code of the one table in :mod:`addon.errors`. Google's own failures (a refused token, an API error
that outlived the retries) and Ctrl-C end the same way, never as a traceback."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import click

from ..errors import DsarError, ExitCode

_GOOGLE_MESSAGE = re.compile(r'"message":\s*"([^"]{1,300})"')
#: A leading ``field:`` of a message: an option (``--hash``), a setting (``DSAR_HOME``), a word (``case``)
#: or a path (``/tmp/x.zip``). Messages name what is at fault first (see addon/errors.py).
_FIELD = re.compile(r"^(--[a-z][\w-]*|[A-Za-z_][\w.-]{0,40}|[/~.][^\s:]{0,200})\s?:\s")


@dataclass(frozen=True)
class Failure:
    """What the user is told: the exit code, the sentence, and the field at fault when there is one."""

    code: int
    message: str
    field: str | None = None

    @property
    def kind(self) -> str:
        return ExitCode(self.code).name.lower() if self.code in ExitCode._value2member_map_ else "error"

    def to_json(self) -> str:
        return json.dumps({"error": {"code": int(self.code), "kind": self.kind, "field": self.field,
                                     "message": self.message}}, ensure_ascii=False)

    def to_line(self) -> str:
        # "interrupted: run the same command to resume" reads as it is; everything else is an error
        return self.message if self.code == ExitCode.INTERRUPTED else f"Error: {self.message}"


def wants_json(args: list[str]) -> bool:
    """``--json`` among the command's arguments (before a bare ``--``)."""
    for a in args:
        if a == "--":
            return False
        if a == "--json":
            return True
    return False


def field_of(e: Exception) -> str | None:
    field = getattr(e, "field", None)
    if isinstance(field, str) and field:
        return field
    m = _FIELD.match(str(e))
    return m.group(1) if m else None


def from_dsar_error(e: DsarError) -> Failure:
    return Failure(int(e.exit_code), str(e), field_of(e))


def interrupted(by_prompt: bool = False) -> Failure:
    what = "the question was not answered" if by_prompt else "stopped by Ctrl-C"
    return Failure(ExitCode.INTERRUPTED, f"interrupted: {what}; nothing more was done (work already finished "
                                         "is kept; run the same command again to carry on)")


def aborted() -> Failure:
    """A confirmation answered "no": an answer given, so an input error, as ``erase approve`` and ``erase run``
    report theirs (Ctrl-C or end of input at the question is :func:`interrupted`)."""
    return Failure(ExitCode.INPUT, "confirmation: answered no; nothing was done", "confirmation")


def google_failure(e: Exception) -> Failure:
    """An HTTP error from Google (googleapiclient or gspread) that outlived the seam's retries. Only the status
    and Google's own message are shown: the request URL can hold a subject's identifiers (a search query)."""
    status, why = _status_and_reason(e)
    hint = ("the token lacks a scope or the account may not do this ('dsar config check' says which)"
            if status in (401, 403) else "Google's side failed; nothing was lost, run the same command again later")
    return Failure(ExitCode.GOOGLE, f"google: Google answered HTTP {status}{f' ({why})' if why else ''} after the "
                                    f"retries; {hint}", "google")


def _status_and_reason(e: Exception) -> tuple[int | str, str]:
    resp = getattr(e, "resp", None)  # googleapiclient.errors.HttpError
    if resp is not None:
        try:
            reason = e._get_reason() or ""  # type: ignore[attr-defined]  # Google's message, not the URL
        except Exception:
            reason = ""
        return getattr(resp, "status", "?"), _no_url(reason)[:200]
    response = getattr(e, "response", None)  # gspread.exceptions.APIError
    error = getattr(e, "error", None) or {}
    return (getattr(response, "status_code", None) or error.get("code", "?"),
            _no_url(str(error.get("message", "")))[:200])


def _no_url(text: str) -> str:
    return re.sub(r"https?://\S+", "<url>", text).strip()


def auth_failure(e: Exception, staff_sign_in: bool = False) -> Failure:
    """What to do about a failed token, in the words of the credentials that are configured."""
    from ..auth.service_account import acts_as_service_account
    from ..config import load

    text = str(e.args[0] if e.args else e)
    google_says = _GOOGLE_MESSAGE.search(text)
    why = _no_url(google_says.group(1) if google_says else text[:300])
    try:
        settings = None if staff_sign_in else load()
    except DsarError:
        settings = None
    if settings is not None and settings.signer_service_account:
        msg = (f"IAM refused to sign as {settings.signer_service_account} ({why}). Give this runtime's service "
               "account the Service Account Token Creator role on it, or fix DSAR_SIGNER_SERVICE_ACCOUNT.")
    elif settings is not None and acts_as_service_account(settings):
        msg = (f"Google refused the service account's token ({why}). Check its domain-wide delegation (client ID "
               "and scopes); 'dsar config check' explains more.")
    else:
        msg = f"Google refused the sign-in ({why}). Sign in again with 'dsar auth login'."
    return Failure(ExitCode.GOOGLE, msg, "sign-in")


def usage_failure(e: click.UsageError) -> Failure:
    param = getattr(e, "param", None)
    opts = getattr(param, "opts", None) or []
    return Failure(ExitCode.USAGE, e.format_message(), opts[0] if opts else getattr(param, "name", None))


def report(failure: Failure, as_json: bool) -> None:
    click.echo(failure.to_json() if as_json else failure.to_line(), err=True)


def is_interrupt(e: BaseException) -> bool:
    """A click.Abort raised because Ctrl-C (or end of input) came during a prompt."""
    return isinstance(e.__context__, (KeyboardInterrupt, EOFError))


__all__ = ["Failure", "aborted", "auth_failure", "from_dsar_error", "google_failure",
           "interrupted", "is_interrupt", "report", "usage_failure", "wants_json"]
