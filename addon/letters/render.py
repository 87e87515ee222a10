"""Response letters: one Jinja2 template per case type and outcome, which an organisation may override.

Why a sandboxed, autoescaping environment: a template in ``DSAR_HOME/letters/`` is written by the
organisation, and the values put into it (a name, a wrong address, a refusal's reasons) were typed by or about
the subject, so nothing in them may become markup or reach Python objects. ``StrictUndefined`` makes a
template that names a value the tool does not give fail with its name rather than print an empty gap.
Pure: the context is built from a case; files are written by :mod:`addon.letters.draft`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..cases.model import TYPES, Case
from ..errors import ConfigError, InputError

OUTCOMES = ("done", "refused", "extended", "clarification")
BUILTIN = Path(__file__).resolve().parent / "templates"
#: How each request is named in a letter ("We are writing about your ...").
REQUEST_WORDS = {
    "access": "request for a copy of your personal data", "erasure": "request to erase your personal data",
    "rectification": "request to correct your personal data",
    "restriction": "request to restrict the use of your personal data",
    "objection": "objection to our use of your personal data",
    "marketing_optout": "request to stop direct marketing",
}
TITLES = {"done": "Your {what}", "refused": "Your {what}: our decision", "extended": "Your {what}: more time needed",
          "clarification": "Your {what}: please tell us more"}
REFUSE_WORDS = {"access": "provide the data you asked for", "erasure": "erase the data you asked us to erase",
                "rectification": "make the correction you asked for", "restriction": "restrict the processing",
                "objection": "stop the processing you objected to", "marketing_optout": "act on your request"}
RESTRICTION_WORDS = {"accuracy_contested": "you contest the accuracy of the data, while we check it",
                     "unlawful": "you consider the processing unlawful and prefer restriction to erasure",
                     "no_longer_needed": "we no longer need the data, but you need it for a legal claim",
                     "objection_pending": "you have objected and we are considering the objection"}


def template_name(case_type: str, outcome: str) -> str:
    return f"{case_type}/{outcome}.html.j2"


def environment(home: Path | None) -> SandboxedEnvironment:
    """Templates from ``<home>/letters/`` first (the organisation's), then the built-in ones."""
    loaders: list[jinja2.BaseLoader] = []
    if home is not None and (Path(home) / "letters").is_dir():
        loaders.append(jinja2.FileSystemLoader(str(Path(home) / "letters")))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN)))
    return SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                                undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def check_outcome(case: Case, outcome: str, reason: str | None) -> str:
    """The reason the letter gives, refusing an outcome the case does not support."""
    if outcome not in OUTCOMES:
        raise InputError("--outcome", f"{outcome!r} is not an outcome ({', '.join(OUTCOMES)})")
    if case.subject is None:
        raise InputError("REF", f"{case.ref}'s identifiers are shredded: no letter can be addressed")
    reason = (reason or "").strip()
    if outcome == "refused" and not reason:
        raise InputError("--reason", "a refusal letter must give the reasons (UK GDPR Art. 12(4))")
    if outcome == "clarification" and not reason:
        raise InputError("--reason", "say what the subject should clarify")
    if outcome == "extended" and not case.extended:
        raise InputError("--outcome", f"{case.ref} is not extended: record it first with 'dsar case extend {case.ref}'")
    if outcome == "done" and case.type == "objection" and case.status not in ("objection_upheld", "objection_rejected",
                                                                              "closed"):
        raise InputError("--outcome", f"{case.ref}'s objection is not decided yet: 'dsar objection decide {case.ref}'")
    return reason


def context(case: Case, outcome: str, reason: str, org: dict[str, str], signer: str, today: dt.date,
            extension_reason: str | None = None) -> dict[str, Any]:
    details = dict(case.details)
    what = REQUEST_WORDS[case.type]
    return {
        "case": {"ref": case.ref, "type": case.type, "received": f"{case.received:%d %B %Y}",
                 "due": f"{case.effective_due:%d %B %Y}", "extended_due": f"{case.extended_due:%d %B %Y}"},
        "subject": {"name": case.subject.display_name if case.subject else ""},
        "org": org, "signer": signer, "today": f"{today:%d %B %Y}", "outcome": outcome,
        "title": TITLES[outcome].format(what=what), "request_words": what, "refuse_words": REFUSE_WORDS[case.type],
        "reason": reason or extension_reason or "", "details": details,
        "decision": details.get("decision"),
        "restriction_reason": RESTRICTION_WORDS.get(details.get("reason", ""), ""),
    }


def render(home: Path | None, case: Case, outcome: str, ctx: dict[str, Any]) -> tuple[str, str]:
    """(HTML, the template's source: "organisation" or "built-in")."""
    if case.type not in TYPES:
        raise InputError("REF", f"{case.ref} has an unknown type {case.type!r}")
    env = environment(home)
    name = template_name(case.type, outcome)
    try:
        tmpl = env.get_template(name)
        html = tmpl.render(**ctx)
    except jinja2.TemplateNotFound as e:
        raise ConfigError(f"letters: template {e.name} is missing (looked in {home}/letters and the built-in set)") from None
    except jinja2.UndefinedError as e:
        raise ConfigError(f"letters: {tmpl.filename}: {e.message}") from None
    except jinja2.TemplateSyntaxError as e:
        raise ConfigError(f"letters: {e.filename or e.name} line {e.lineno}: {e.message}") from None
    except jinja2.exceptions.SecurityError as e:
        raise ConfigError(f"letters: {name}: {e}") from None
    origin = "organisation" if home is not None and Path(tmpl.filename).is_relative_to(Path(home) / "letters") \
        else "built-in"
    return html, origin
