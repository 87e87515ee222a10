"""``dsar export REF`` builds the subject access package; ``dsar export verify ZIP`` checks one."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from ..errors import ExitCode
from .output import console, emit_json, err_console


class _DefaultGroup(click.Group):
    """``dsar export REF ...`` runs the default command; ``dsar export verify ZIP`` the subcommand."""

    default = "make"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("dsar export", "REF [--out DIR] [--encrypt] [--json] | verify ZIP [--password PW]")


@click.group(cls=_DefaultGroup)
def export() -> None:
    """Build a subject access package (ZIP) for a case, or verify one.

    \b
    dsar export REF [--out DIR] [--encrypt]   messages (.eml), files, sheet rows (CSV),
                                              index.csv, manifest.json, report.html
    dsar export verify ZIP                    re-check every file against the manifest
    """


@export.command("make", hidden=True)
@click.argument("ref")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the ZIP (default: DSAR_HOME/exports/REF).")
@click.option("--encrypt", is_flag=True, help="AES-256 encrypt the ZIP with a random password, printed once. Opens "
              "with 7-Zip or bsdtar, not Info-ZIP unzip; without it the ZIP is a plain one any tool opens.")
@click.option("--include-undecided", is_flag=True, help="Package items nobody has reviewed yet ('dsar review REF'); "
              "without it the export refuses while any item is undecided. The choice is recorded on the case.")
@click.option("--no-redaction", is_flag=True, help="Put the originals in, without hiding other people's data "
              "(only where the DPO decided disclosing it is reasonable, DPA 2018 Sch. 2 para 16(1)(b)); the "
              "manifest records it. Per item, remove proposed redactions in the review instead.")
@click.option("--json", "as_json", is_flag=True)
def make(ref: str, out: Path | None, encrypt: bool, include_undecided: bool, no_redaction: bool,
         as_json: bool) -> None:
    from ..export import build_package
    from ..roles import actor
    from ..services import open_services
    from ..tracker import tracker_update

    services = open_services()
    who = actor(services.settings)
    show = (lambda what: None) if as_json else (lambda what: err_console.print(f"  + {what}", highlight=False))
    result = build_package(services, ref.strip().upper(), who, out_dir=out, encrypt=encrypt, on_item=show,
                           include_undecided=include_undecided, redact=not no_redaction)
    tracker_update(services, result.ref)
    if as_json:
        emit_json(result.public())
        return
    c = result.counts
    console.print(f"Package for [bold]{result.ref}[/]: {escape(str(result.path))}\n"
                  f"  {c.get('gmail', 0)} emails, {c.get('drive', 0)} files, {c.get('sheets', 0)} sheet extracts; "
                  f"{result.files} files in all; sha256 {result.sha256}")
    for x in result.excluded:
        console.print(f"  [yellow]not included:[/] {escape(x['what'])}: {escape(x['reason'])}", highlight=False)
    r = result.review or {}
    if r:
        console.print(f"  review: {r['found']} found, {r['included']} included, {r['excluded']} withheld, "
                      f"{r['not_a_match']} not a match" + (f", [yellow]{r['undecided']} undecided packaged "
                      "(recorded on the case)[/]" if r.get("include_undecided") else ""), highlight=False)
    console.print(f"  other people's data: {result.redactions} place(s) hidden in redacted copies (redactions.csv "
                  "lists each: item, kind, exemption code)" if not no_redaction else
                  "  [yellow]other people's data: NOT redacted (--no-redaction, recorded in the manifest)[/]",
                  highlight=False)
    if result.password:
        console.print(f"  Encrypted (AES-256). Password, shown only now — send it separately from the file:\n"
                      f"  [bold]{result.password}[/]", highlight=False)
        console.print(f"  Opens with 7-Zip or bsdtar/libarchive (macOS and Windows 'tar'), not with Info-ZIP "
                      f"'unzip'. Send {escape(str(result.how_to_open))} with it; it says so.", highlight=False)
    console.print(f"Next: check the redacted copies (add or remove redactions in 'dsar review {result.ref}' and "
                  f"export again), "
                  f"send it to the subject, then: "
                  f"dsar case status {result.ref} responded")


@export.command("verify")
@click.argument("zip_path", metavar="ZIP", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--password", envvar="DSAR_EXPORT_PASSWORD", help="For an encrypted package (or DSAR_EXPORT_PASSWORD).")
@click.option("--json", "as_json", is_flag=True)
def verify(zip_path: Path, password: str | None, as_json: bool) -> None:
    """Re-hash every file in the package against manifest.json; exit 1 if anything differs."""
    from ..export import verify_package

    manifest, problems = verify_package(zip_path, password)
    if as_json:
        emit_json({"case": manifest.get("case"), "files": len(manifest.get("files", [])), "ok": not problems,
                   "problems": problems})
    elif problems:
        for p in problems:
            click.echo(p)
    else:
        console.print(f"OK: {len(manifest.get('files', []))} files match the manifest of {manifest.get('case')}.")
    if problems:
        sys.exit(ExitCode.CHECK_FAILED)
