"""``dsar audit``: verify the trail, report per case, export, prove a record's inclusion offline, shred a
case key, list and export checkpoints, print the public key."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
from rich.table import Table

from ..errors import ExitCode
from .output import console, emit_json

_SCOPE_PREFIX = "https://www.googleapis.com/auth/"


def _load_settings():
    from ..config import load

    return load()


def _trail(create: bool = False):
    """The trail of ``DSAR_HOME``; read-only commands refuse to create one where none exists."""
    from audit.errors import AuditError
    from audit.trail import open_trail

    settings = _load_settings()
    path = Path(settings.home) / "audit.db"
    if not create and not settings.database_url and not path.exists():
        raise AuditError(f"{path}: no audit trail here yet (set DSAR_HOME to the data folder)")
    from ..data_folder import open_home

    open_home(settings)  # PostgreSQL: the trail's keys still live in the data folder; never create them elsewhere
    return open_trail(settings)


def _write_json(out: str, data) -> None:
    with _output(out) as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


@contextmanager
def _output(out: str | None, newline: str | None = None) -> Iterator:
    if out is None:
        yield sys.stdout
        return
    try:
        fh = open(out, "w", encoding="utf-8", newline=newline)
    except OSError as e:
        from audit.errors import AuditInputError

        raise AuditInputError(f"--out: cannot write {out} ({e.strerror})") from None
    with fh:
        yield fh


@click.group()
def audit() -> None:
    """Check and read the tamper-evident audit trail of Google API calls."""


_GRACE = click.option("--grace", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
                      help="An intent younger than this may still be in flight (default 900).")


@audit.command()
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@_GRACE
def verify(as_json: bool, grace: float | None) -> None:
    """Recompute every hash, link and root; check every signed checkpoint; list write-ahead intents
    without an outcome ('unresolved'). Exit 1 on any problem or on an unresolved intent past the grace."""
    verdict = _trail().verify(**({"grace_s": grace} if grace is not None else {}))
    if as_json:
        emit_json(verdict.to_dict())
    else:
        for p in verdict.problems:
            click.echo(str(p))
        for line in verdict.unresolved_lines():
            click.echo(line)
        click.echo(str(verdict))
    sys.exit(ExitCode.OK if verdict.ok and verdict.complete else ExitCode.CHECK_FAILED)


@audit.command()
@_GRACE
@click.option("--json", "as_json", is_flag=True, help="Print the records written as JSON.")
def recover(grace: float | None, as_json: bool) -> None:
    """After a crash: close every intent without an outcome (older than the grace) as 'outcome: unknown'."""
    from audit.trail import SYSTEM_ACTOR

    from ..roles import actor

    trail = _trail()
    try:
        who = actor(_load_settings())
    except Exception:  # no configured actor: the trail's own
        who = SYSTEM_ACTOR
    closed = trail.recover(who, **({"grace_s": grace} if grace is not None else {}))
    if as_json:
        emit_json([r.to_dict() for r in closed])
        return
    for r in closed:
        click.echo(f"seq {r['intent']}: closed as unknown by seq {r.seq} ({r['api_method']}, case {r['case'] or '-'})")
    left = trail.unresolved()
    click.echo(f"Recovered {len(closed)} unresolved intent(s); {len(left)} still open (in flight).")


def _records(trail, case: str | None, date_from: str | None, date_to: str | None,
             intents: bool = False) -> Iterator[dict]:
    from audit.report import in_range, time_bound

    since, until = time_bound(date_from, "--from", False), time_bound(date_to, "--to", True)
    for r in trail.records(case=case, intents=intents):
        d = r.to_dict()
        if in_range(d, since, until):
            yield d


@audit.command()
@click.option("--case", "case", metavar="REF", help="Only this case.")
@click.option("--from", "date_from", metavar="DATE", help="From this day (YYYY-MM-DD) or RFC 3339 time.")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this day or time.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def report(case, date_from, date_to, as_json) -> None:
    """Per case: who acted, API methods and call counts, items returned, scopes used, refusals, first/last time."""
    from audit.report import summarise

    trail = _trail()
    summaries = summarise(_records(trail, case, date_from, date_to))
    if as_json:
        emit_json([s.to_dict() for s in summaries])
        return
    if not summaries:
        console.print("No records match.")
        return
    for s in summaries:
        title = s.case + (f" [red](key shredded {s.shredded_at[:19]})[/red]" if s.shredded_at else "")
        table = Table(show_header=False, title=title, title_justify="left", show_lines=True)
        table.add_column("What", style="bold", no_wrap=True)
        table.add_column("Value", overflow="fold")
        table.add_row("Actors", "\n".join(f"{a} ({n})" for a, n in s.actors.most_common()))
        table.add_row("API methods (calls)", "\n".join(f"{m} ({n})" for m, n in s.methods.most_common()) or "-")
        table.add_row("Items returned", str(s.items))
        table.add_row("Scopes used", "\n".join(sc.removeprefix(_SCOPE_PREFIX) for sc in sorted(s.scopes)) or "-")
        table.add_row("Refused calls", str(s.refusals))
        table.add_row("Outcomes", ", ".join(f"{o} {n}" for o, n in s.outcomes.most_common()))
        table.add_row("First / last", f"{s.first}\n{s.last}")
        console.print(table)


@audit.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), required=True, help="Output format.")
@click.option("--out", metavar="FILE", help="Write here instead of standard output.")
@click.option("--case", "case", metavar="REF", help="Only this case.")
@click.option("--from", "date_from", metavar="DATE", help="From this day (YYYY-MM-DD) or RFC 3339 time.")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this day or time.")
@click.option("--with-intents", is_flag=True, help="Include the write-ahead intent records (the whole chain, so "
              "every prev link can be checked); by default one record per call.")
def export(fmt, out, case, date_from, date_to, with_intents) -> None:
    """Export records, one per line (JSONL: complete records; CSV: spreadsheet-safe)."""
    from audit.export import write_csv, write_jsonl

    trail = _trail()
    records = _records(trail, case, date_from, date_to, intents=with_intents)
    with _output(out, newline="" if fmt == "csv" else None) as fh:
        n = write_csv(records, fh) if fmt == "csv" else write_jsonl(records, fh)
    if out:
        click.echo(f"Wrote {n} records to {out}", err=True)


@audit.command()
@click.argument("seq", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the proof bundle as JSON (what check-proof reads).")
@click.option("--out", metavar="FILE", help="Write the proof bundle (JSON) to FILE.")
def prove(seq: int, as_json: bool, out: str | None) -> None:
    """Inclusion proof of record SEQ against the latest signed checkpoint (checkable offline)."""
    bundle = _trail().prove(seq)
    if out:
        _write_json(out, bundle)
        click.echo(f"Wrote the proof of seq {seq} to {out}; check it with: dsar audit check-proof {out}", err=True)
    if as_json:
        emit_json(bundle)
    elif not out:
        r = bundle["record"]
        console.print(f"Record {seq}: {r['time']} {r['actor']} {r['api_method'] or r['operation']} -> {r['outcome']}")
        console.print(f"leaf {r['leaf']}\ninclusion proof in a tree of {bundle['tree_size']} records "
                      f"({len(bundle['proof'])} hashes):")
        for h in bundle["proof"]:
            console.print(f"  {h}")
        console.print("checkpoint:", highlight=False)
        click.echo(bundle["checkpoint"], nl=False)


@audit.command("check-proof")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--pubkey", metavar="KEY|FILE", help="The trail's public key (as 'dsar audit pubkey' prints it), "
              "or a file holding it. Default: this data folder's key.")
def check_proof(file: str, pubkey: str | None) -> None:
    """Verify a proof bundle offline: record hash, checkpoint signature and inclusion proof."""
    from audit.checkpoints import Verifier
    from audit.errors import AuditInputError
    from audit.keys import load_verifier
    from audit.proofs import check_bundle

    try:
        bundle = json.loads(Path(file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuditInputError(f"{file}: no such file") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise AuditInputError(f"{file}: not a JSON proof bundle ({e})") from None
    if pubkey:
        text = Path(pubkey).read_text(encoding="utf-8") if Path(pubkey).is_file() else pubkey
        verifier = Verifier.parse(text)
    else:
        from audit.errors import KeyFileError

        try:
            verifier = load_verifier(Path(_load_settings().home))
        except KeyFileError:
            raise AuditInputError("--pubkey: no trail key in DSAR_HOME; pass the trail's public key "
                                  "(as 'dsar audit pubkey' prints it) or a file holding it") from None
    if not isinstance(bundle, dict):
        raise AuditInputError(f"{file}: not a JSON proof bundle")
    seq, size = check_bundle(bundle, verifier)
    click.echo(f"OK: record {seq} is included in the checkpoint of {size} records signed by {verifier.name}")


@audit.command()
@click.argument("case")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def shred(case: str, yes: bool) -> None:
    """Destroy CASE's key: its sealed identifiers become unreadable for good; the trail still verifies."""
    import re

    from audit.errors import AuditInputError

    if not re.fullmatch(r"DSAR-\d{4}-\d{4,}", case):  # the suppression list's key (and any other) is not a case's
        raise AuditInputError(f"CASE: {case!r} is not a case reference (DSAR-YYYY-NNNN); only a case's key can be "
                              "shredded here")
    who = _dpo("shredding a case key")
    if not yes:
        click.confirm(f"Destroy the key of {case}? Its sealed identifiers and search terms can never be read again",
                      abort=True)
    result = _trail().shred(case, who)
    click.echo(f"Shredded {case}: key destroyed, recorded as seq {result.record.seq}.")
    _warn_residue(result.residue, "a copy of the wrapped key", "run 'dsar audit verify'")


def _dpo(action: str) -> str:
    """The acting user, who must be the DPO for ``action``."""
    from ..roles import actor, require

    settings = _load_settings()
    who = actor(settings)
    require(who, settings, "dpo", action=action)
    return who


def _warn_residue(residue: list[str], what: str, then: str) -> None:
    if residue:
        click.echo(f"Warning: {what} is still in {', '.join(residue)} (another process holds the database "
                   f"open); stop other dsar processes and {then}.", err=True)
        sys.exit(ExitCode.CHECK_FAILED)


@audit.command("rotate-master-key")
def rotate_master_key_cmd() -> None:
    """Re-wrap every case key under a new master key and retire the old one (crash-safe; DPO only)."""
    from audit.rekey import rotate_master_key

    r = rotate_master_key(_trail(), _dpo("rotating the master key"))
    click.echo(f"Master key rotated to {r.kek_id}: {r.rewrapped} case key(s) re-wrapped, recorded as seq {r.record_seq}.")
    if r.from_env:
        click.echo("Now set DSAR_MASTER_KEY to the first key only (the old one is no longer needed) and restart "
                   "every dsar process.")
    _warn_residue(r.residue, "an old wrapped key", "run this again")


@audit.command("new-master-key")
def new_master_key_cmd() -> None:
    """Print a new random master key (for DSAR_MASTER_KEY: put it first, then rotate)."""
    from audit.keys import new_master_key

    click.echo(new_master_key())


@audit.command()
def checkpoint() -> None:
    """Sign a checkpoint now (covering every record so far)."""
    cp = _trail().checkpoint()
    if cp is None:
        click.echo("The trail is empty: nothing to checkpoint.")
    else:
        click.echo(cp.note, nl=False)


@audit.command()
@click.option("--out", metavar="FILE", help="Export every checkpoint to FILE: signed notes (the default), or JSON "
              "with --format json.")
@click.option("--format", "fmt", type=click.Choice(["note", "json"]), default="note", show_default=True,
              help="For --out: 'note' writes the signed notes (C2SP signed-note, a blank line between two; any "
                   "note verifier checks them with 'dsar audit pubkey'); 'json' a list with size, time, root, note.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def checkpoints(out: str | None, fmt: str, as_json: bool) -> None:
    """List the signed checkpoints (tree size, time, root), or export them with --out."""
    import base64

    from audit.checkpoints import notes_file

    cps = _trail().checkpoints()
    data = [{"size": c.size, "time": c.time, "root": base64.b64encode(c.root).decode(), "note": c.note} for c in cps]
    if out and fmt == "json":
        _write_json(out, data)
        click.echo(f"Wrote {len(data)} checkpoints (JSON) to {out}", err=True)
    elif out:
        with _output(out) as fh:
            fh.write(notes_file([d["note"] for d in data]))
        click.echo(f"Wrote {len(data)} signed checkpoint notes to {out}; check them with the key 'dsar audit "
                   "pubkey' prints", err=True)
    elif as_json:
        emit_json(data)
    else:
        table = Table("Tree size", "Time", "Root (base64)", title=f"{len(data)} signed checkpoints")
        for d in data:
            table.add_row(str(d["size"]), d["time"], d["root"])
        console.print(table)


@audit.command()
def pubkey() -> None:
    """Print the trail's public key (note verifier key) for offline checks."""
    click.echo(str(_trail().verifier))


@audit.command()
@click.option("--since", metavar="DATE", help="From this day (YYYY-MM-DD) or RFC 3339 time (default: 24 hours ago).")
@click.option("--until", metavar="DATE", help="Up to and including this day or time (default: now).")
@click.option("--skew", "skew_s", type=float, default=None, metavar="SECONDS",
              help="Pair a trail record with a Google event this far apart (default 120).")
@click.option("--lag", "lag_s", type=float, default=None, metavar="SECONDS",
              help="Calls on the trail this recent may not be in Google's log yet (default 21600).")
@click.option("--max-missing", type=int, default=None, metavar="N",
              help="Accept up to N calls Google lost before counting them as unexplained (default 0).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def reconcile(since, until, skew_s, lag_s, max_missing, as_json) -> None:
    """Compare the trail with Google's token audit log (DPO or auditor). Exit 1 on an unexplained difference."""
    from ..reconcile import run, tolerances
    from ..roles import actor, require
    from ..services import open_services

    settings = _load_settings()
    who = actor(settings)
    role = require(who, settings, "dpo", "auditor", action="reconciling the trail with Google's token log")
    tol = tolerances(skew_s=skew_s, lag_s=lag_s, max_missing=max_missing)
    result = run(open_services(settings), who, role, since, until, tol)
    if as_json:
        emit_json(result.to_dict())
    else:
        _print_reconcile(result)
    sys.exit(ExitCode.OK if result.unexplained == 0 else ExitCode.CHECK_FAILED)


def _print_reconcile(result) -> None:
    from audit.reconcile import REASONS

    t = result.tolerances
    click.echo(f"Reconciliation {result.since} .. {result.until}: {result.google_events} token activity events "
               f"from Google, {result.trail_calls} calls on the trail.")
    click.echo(f"Matched: {sum(c['count'] for c in result.matched)} calls in {len(result.matched)} "
               "user x method x hour cells.")
    if result.google_only:
        click.echo(f"ALARM: {result.alarms} call(s) on Google's side but not ours (made with the product's client id "
                   "outside the product, or not recorded):")
        for c in result.google_only:
            click.echo(f"  {c['hour']}  {c['user']}  {c['method']}  x{c['count']}")
    else:
        click.echo("On Google's side but not ours: none.")
    if result.ours_only:
        click.echo(f"On ours but not Google's: {sum(c['count'] for c in result.ours_only)} call(s):")
        for c in result.ours_only:
            click.echo(f"  {c['hour']}  {c['user']}  {c['method']}  x{c['count']}  {c['reason']}: {REASONS[c['reason']]}")
    else:
        click.echo("On ours but not Google's: none.")
    if result.not_served:
        click.echo(f"Not served: {result.not_served} call(s) without an answer on the trail that Google did not log.")
    click.echo(f"Tolerances: pairing within {t.skew_s:g} s, lag {t.lag_s:g} s, up to {t.max_missing} lost by Google.")
    click.echo(f"Caveat: {result.caveat}")
    click.echo(f"{result.unexplained} unexplained difference(s).")
