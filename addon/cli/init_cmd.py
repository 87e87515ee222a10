"""``dsar init``: the one command that creates a data folder (``DSAR_HOME``) on purpose, with the audit trail's
keys and starter files to fill in. Every other command refuses a data folder that is not there
(addon/data_folder.py), so a mistyped DSAR_HOME can never start a second, empty product."""
from __future__ import annotations

import click
from rich.markup import escape

from .output import console, emit_json

POLICY_FILE = "erasure-policy.toml"
STARTER_POLICY = """\
# Your erasure policy (DSAR_ERASURE_POLICY), written by 'dsar init'. As written it changes nothing: no
# exemptions, found items are moved to Trash, Google Docs that mention the subject are left for manual
# redaction. Uncomment and adapt what applies (the DPO's standing decisions, Art. 17(3)), then
#   export DSAR_ERASURE_POLICY=<this file>
# Every plan copies the policy it was built with, so the plan the DPO approves covers these rules.

# permanent_delete = false          # true: Gmail batchDelete / Drive files.delete (irreversible)
# google_docs = "redact_manually"   # or "trash"

# [[exempt]]
# gmail_label = "Legal hold"        # the label and its sublabels
# reason = "legal_claims"           # freedom_of_expression | legal_obligation | public_health | archiving | legal_claims | other
# detail = "Kept until the claim is settled"

# [[exempt]]
# drive_folder = "Finance/Invoices" # a folder in the owner's My Drive, and everything under it
# reason = "legal_obligation"

# [[sheets]]
# spreadsheet = "Customer list"
# handling = "redact_cells"         # or "delete_rows" (the default)

# [[vault]]                         # Google Vault rules that keep "deleted" data (shown as plan warnings)
# kind = "retention"                # or "hold"
# corpus = "mail"                   # or "drive"
# name = "Mail kept 6 years"
# days = 2190
"""


@click.command()
@click.option("--json", "as_json", is_flag=True)
def init(as_json: bool) -> None:
    """Create the data folder (DSAR_HOME, default ~/.dsar), its keys, and starter templates to fill in.

    Safe to run again: it never overwrites a file that is already there.
    """
    from audit.pg_store import is_postgres_url

    from ..config import load
    from ..data_folder import describe_source, init_home
    from ..errors import ConfigError, DsarError
    from ..export.report import HOME_TEMPLATE, starter_text, template_path
    from ..services import open_services

    settings = load()
    home, created = init_home(settings)
    done: dict[str, str] = {"data folder": "created" if created else "already there"}
    had = sorted(p.name for p in home.glob("*.key"))
    try:
        open_services(settings, create_home=True).trail.close()  # the trail's keys (and audit.db with SQLite)
    except DsarError:
        raise
    except Exception as e:  # PostgreSQL not reachable or not migrated yet
        if not is_postgres_url(settings.database_url):
            raise
        raise ConfigError(f"DSAR_DATABASE_URL: cannot open the audit trail ({type(e).__name__}); run 'dsar db "
                          "upgrade' first, then 'dsar init' again (the data folder is already made)") from None
    now = sorted(p.name for p in home.glob("*.key"))
    fresh = " (created: back them up, and keep them secret)" if now != had else " (already there)"
    done["keys"] = ", ".join(now) + fresh if now else "from DSAR_MASTER_KEY"
    configured = template_path(settings)
    art15 = home / HOME_TEMPLATE
    if configured is not None and configured != art15:
        done["art15 template"] = f"{configured} (DSAR_ART15_TEMPLATE; no starter written)"
    elif settings.sandbox and not art15.exists():  # the sandbox's reports use the demo company's, and say so
        done["art15 template"] = ("none written: against the sandbox, reports use the demo template and say so; "
                                  "run 'dsar init' again without DSAR_SANDBOX_URL for a starter to fill in")
    else:
        done["art15 template"] = _write_new(art15, starter_text())
    done["erasure policy"] = _write_new(home / POLICY_FILE, STARTER_POLICY)
    from ..review.exemptions import HOME_FILE as EXEMPTIONS_FILE, starter_text as exemptions_starter

    done["exemption codes"] = _write_new(home / EXEMPTIONS_FILE, exemptions_starter())  # for 'dsar review'
    if as_json:
        emit_json({"home": str(home), "source": settings.home_source, **done})
        return
    console.print(f"Data folder [bold]{escape(str(home))}[/] ({describe_source(settings)}): {done['data folder']}",
                  highlight=False)
    for what in ("keys", "art15 template", "erasure policy", "exemption codes"):
        console.print(f"  {what}: {escape(done[what])}", highlight=False)
    if art15.exists():
        console.print(escape(f"Next: replace every <...> in {art15} (the Art. 15 information every access report "
                             "gives); 'dsar export' refuses until it is done and 'dsar config check' names what is "
                             f"left. Review {home / POLICY_FILE}, then export DSAR_ERASURE_POLICY={home / POLICY_FILE}."),
                      highlight=False)
    if settings.home_source == "default":
        console.print(escape(f"Other commands use {home} while DSAR_HOME is not set; set DSAR_HOME to use another "
                             "folder."), highlight=False)


def _write_new(path, text: str) -> str:
    """Write a starter file only where there is none: a filled-in template is never overwritten."""
    import os

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return f"{path} (already there, left as it is)"
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return f"{path} (starter written: fill it in)"
