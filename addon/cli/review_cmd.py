"""``dsar review REF``: go through a case's results before anything is disclosed.

\b
dsar review REF [--status undecided] [--source gmail] ...   the list, one line per thing (copies folded)
dsar review REF decide ITEM --include | --exclude CODE --note "why" | --not-a-match [--note "why"]
dsar review REF bulk --not-a-match --label Promotions      every thing a filter selects, in one stroke
dsar review REF codes | methodology | history [ITEM]
"""
from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from .output import console, emit_json

_FILTERS = (
    click.option("--source", type=click.Choice(["gmail", "drive", "sheets"]), help="Only items from this source."),
    click.option("--account", help="Only items in this mailbox or Drive."),
    click.option("--label", help="Only emails with this Gmail label (its id, e.g. INBOX, SPAM)."),
    click.option("--folder", help="Only Drive files and rows under this folder path."),
    click.option("--kind", type=click.Choice(["name", "email", "phone", "identifier"]),
                 help="Only items matched by this kind of identifier."),
    click.option("--status", type=click.Choice(["undecided", "include", "exclude", "not_a_match"]),
                 help="Only items with this decision."),
)


def _filters(fn):
    for opt in reversed(_FILTERS):
        fn = opt(fn)
    return fn


def _decision_opts(fn):
    fn = click.option("--note", help="Why (required with --exclude; sealed under the case key).")(fn)
    fn = click.option("--not-a-match", "not_a_match", is_flag=True,
                      help="A false hit: not about the subject (it will not come back in a re-search).")(fn)
    fn = click.option("--exclude", "exclude", metavar="CODE", help="Withhold under this exemption code ('codes').")(fn)
    fn = click.option("--include", "include", is_flag=True, help="Disclose it.")(fn)
    return fn


def _status(include: bool, exclude: str | None, not_a_match: bool) -> tuple[str, str | None]:
    chosen = [s for s, on in (("include", include), ("exclude", bool(exclude)), ("not_a_match", not_a_match)) if on]
    if len(chosen) != 1:
        raise InputError("--include/--exclude/--not-a-match", "give exactly one of them")
    return chosen[0], exclude


def _open(ref: str):
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    return services, actor(services.settings), ref.strip().upper()


STYLE = {"include": "green", "exclude": "red", "not_a_match": "bright_black", "undecided": "yellow"}


def groups_table(groups, title: str) -> Table:
    t = Table("Id", "Decision", "Source", "Item", "Why matched", title=Text(title))
    for g in groups:
        p = g.public()
        item = Text(p["where"])
        if len(p["copies"]) > 1:
            item.append(f"\n{len(p['copies'])} copies: " + "; ".join(c["account"] or "" for c in p["copies"]),
                        style="cyan")
        if p["check"]:
            item.append("\n" + p["check"], style="yellow")
        what = Text(g.status, style=STYLE.get(g.status, ""))
        if p["code"]:
            what.append(f"\n{p['code']}")
        t.add_row(p["id"], what, Text(p["source"] or ""), item, Text(p["why_matched"]))
    return t


class _RefGroup(click.Group):
    """``dsar review REF [list options] [COMMAND ...]``: the list's options may follow REF (a click group
    stops reading its own options at the first word otherwise)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-"):
            rest = args[1:]
            cut = next((n for n, a in enumerate(rest) if a in self.commands), len(rest))
            args = rest[:cut] + [args[0]] + rest[cut:]
        return super().parse_args(ctx, args)


@click.group(cls=_RefGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("ref")
@_filters
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def review(ctx: click.Context, ref: str, as_json: bool, **filters) -> None:
    """Review a case's results: include, exclude under an exemption, or mark not a match.

    \b
    dsar review REF [filters]                       list (copies of one thing folded into one line)
    dsar review REF decide ITEM --include           ITEM: the Id shown (all copies decided at once)
    dsar review REF decide ITEM --exclude CODE --note "why"
    dsar review REF decide ITEM --not-a-match
    dsar review REF bulk --not-a-match --label CATEGORY_PROMOTIONS   (filters as for the list)
    dsar review REF codes | methodology | history [ITEM]
    """
    ctx.obj = {"ref": ref}
    if ctx.invoked_subcommand is not None:
        return
    from ..review.groups import counts, matches
    from ..review.service import review_list

    services, _, ref = _open(ref)
    case, groups = review_list(services, ref)
    shown = [g for g in groups if matches(g, filters)] if any(filters.values()) else groups
    n = counts(groups)
    if as_json:
        emit_json({"ref": case.ref, "status": case.status, "counts": n, "items": [g.public() for g in shown]})
        return
    console.print(groups_table(shown, f"{case.ref}: {len(shown)} of {len(groups)} things found"))
    console.print(f"{n['undecided']} undecided, {n['include']} included, {n['exclude']} excluded, "
                  f"{n['not_a_match']} not a match." + (f" Decide: dsar review {case.ref} decide ID --include" if
                                                         n["undecided"] else f" Next: dsar export {case.ref}"),
                  highlight=False)


@review.command()
@click.argument("item")
@_decision_opts
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def decide(obj, item: str, include: bool, exclude: str | None, not_a_match: bool, note: str | None,
           as_json: bool) -> None:
    """Decide one thing (every copy of it)."""
    from ..review.service import decide as decide_one

    status, code = _status(include, exclude, not_a_match)
    services, who, ref = _open(obj["ref"])
    g = decide_one(services, ref, item, status, who, code=code, note=note)
    if as_json:
        emit_json({"ref": ref, "item": g.public()})
        return
    copies = len(g.keys)
    console.print(f"{g.id} {escape(g.public()['where'])}: {status}" + (f" ({code})" if code else "") +
                  (f", all {copies} copies" if copies > 1 else "") + f" — by {who}", highlight=False)


@review.command()
@_decision_opts
@_filters
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bulk(obj, include: bool, exclude: str | None, not_a_match: bool, note: str | None, as_json: bool,
         **filters) -> None:
    """Decide every thing the filters select."""
    from ..review.service import decide_matching

    status, code = _status(include, exclude, not_a_match)
    services, who, ref = _open(obj["ref"])
    n = decide_matching(services, ref, filters, status, who, code=code, note=note)
    if as_json:
        emit_json({"ref": ref, "decided": n, "status": status, "code": code})
        return
    console.print(f"{n} thing(s) of {ref} marked {status}" + (f" ({code})" if code else "") + f" by {who}",
                  highlight=False)


@review.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def codes(obj, as_json: bool) -> None:
    """The organisation's exemption codes (DSAR_HOME/exemptions.toml)."""
    from ..config import load
    from ..review.exemptions import load_exemptions

    ex = load_exemptions(load())
    if as_json:
        emit_json([e.public() for e in ex.values()])
        return
    t = Table("Code", "Exemption", "Basis", title="Exemption codes")
    for e in ex.values():
        t.add_row(Text(e.code), Text(e.title), Text(e.basis))
    console.print(t)


@review.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def methodology(obj, as_json: bool) -> None:
    """How the search was done (sources, identifier kinds, counts, who ran each step); kept in the case file."""
    from ..review import methodology as m
    from ..review.report import build_statement
    from ..review.service import review_list

    services, _, ref = _open(obj["ref"])
    case, groups = review_list(services, ref)
    saved = m.load(services.store, case.ref) or {}
    data = build_statement(services, case, groups, redacted=saved.get("counts", {}).get("redacted", 0))
    if as_json:
        emit_json(data)
        return
    for line in m.lines(data):
        console.print(escape(line), highlight=False)


@review.command()
@click.argument("item", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def history(obj, item: str | None, as_json: bool) -> None:
    """Every decision made (who, when, what, why), oldest first."""
    from ..review.groups import find
    from ..review.service import review_list, review_store

    services, _, ref = _open(obj["ref"])
    case, groups = review_list(services, ref)
    entries = review_store(services).history(case.ref)
    if item:
        g = find(groups, item)
        keys = set(g.keys) if g else {item}
        entries = [e for e in entries if e["item_key"] in keys]
    if as_json:
        emit_json(entries)
        return
    for e in entries:
        console.print(escape(f"{e['at']}  {e['item_key']}: {e['status']}" + (f" ({e['code']})" if e["code"] else "")
                             + f" by {e['by']}" + (f": {e['note']}" if e["note"] else "")), highlight=False)
