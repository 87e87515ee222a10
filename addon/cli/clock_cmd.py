"""``dsar case extend|pause|resume|status``: the case clock and status after opening. Each change is
recorded with who made it and then written to the tracker row."""
from __future__ import annotations

import click
from rich.markup import escape

from .acting import services_and_actor
from .case_cmd import _date, clock_text, due_text
from .output import console, emit_json, err_console


def _after(services, case, as_json: bool, message: str, extra: dict | None = None) -> None:
    """Write the tracker row, then print the case (with its clock and pauses) or ``message`` and the clock."""
    from ..cases.overview import case_view
    from ..tracker import tracker_update
    from ..tracker.status import tracker_status

    report = tracker_update(services, case.ref)
    view = case_view(services.store, case)
    data = {**case.public(), "clock": view["clock"], "pauses": view["pauses"], **(extra or {}),
            "tracker": tracker_status(services, case.ref)}
    if as_json:
        emit_json(data)
        return
    console.print(message)
    if view["clock"]["state"] != "answered":
        console.print(clock_text(view["clock"]))
    if report is None:
        err_console.print("[dim]Tracker row not written (no tracker initialised, or see the warning above).[/]")


@click.command("extend")
@click.argument("ref")
@click.option("--reason", required=True, help="Why more time is needed (complexity, number of requests): the "
                                                "reasons the subject must be told.")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="Day the subject was told (default today).")
@click.option("--json", "as_json", is_flag=True)
def extend(ref: str, reason: str, on: str | None, as_json: bool) -> None:
    """Extend the deadline by two months (to three months from the start).

    The ICO requires the notice, with reasons, inside the first month: refused after the due date."""
    from ..cases.clock import CaseClock
    from ..roles import require

    services, who = services_and_actor()
    require(who, services.settings, "staff", "dpo", action="extending a case")
    case = CaseClock(services.store).extend(services.store.get(ref), who, reason, _date("--on", on))
    _after(services, case, as_json, f"[bold]{escape(case.ref)}[/] extended: now due {case.extended_due:%a %d %b %Y} "
                                    "(three months from the start). Tell the subject, with the reasons, today.")


@click.command("pause")
@click.argument("ref")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="Day clarification was asked for (default today; not after "
                                                       "the due date, not in the future).")
@click.option("--reason", help="What was asked (kept with the case).")
@click.option("--json", "as_json", is_flag=True)
def pause(ref: str, on: str | None, reason: str | None, as_json: bool) -> None:
    """Stop the clock while waiting for the subject to clarify the request.

    Only where it is genuinely needed (the ICO: not on a blanket basis), typically when much data is held."""
    from ..cases.clock import CaseClock
    from ..roles import require

    services, who = services_and_actor()
    require(who, services.settings, "staff", "dpo", action="pausing a case")
    day = _date("--on", on)
    case = CaseClock(services.store).pause(services.store.get(ref), who, day, reason)
    _after(services, case, as_json, f"[bold]{escape(case.ref)}[/] paused from {day:%a %d %b %Y}; when the "
                                    f"clarification arrives: dsar case resume {escape(case.ref)} --on DATE",
           {"paused_on": day.isoformat()})


@click.command("resume")
@click.argument("ref")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="Day the clarification arrived (default today; not in the "
                                                       "future).")
@click.option("--json", "as_json", is_flag=True)
def resume(ref: str, on: str | None, as_json: bool) -> None:
    """Restart the clock: the paused days (both ends included) are added to the deadlines."""
    from ..cases.clock import CaseClock
    from ..roles import require

    services, who = services_and_actor()
    require(who, services.settings, "staff", "dpo", action="resuming a case")
    case = CaseClock(services.store).resume(services.store.get(ref), who, _date("--on", on))
    _after(services, case, as_json, f"[bold]{escape(case.ref)}[/] resumed: due {due_text(case)}.")


_NEXT = {
    "review": "review the results; for an access request: dsar export {ref}",
    "responded": "close the case when nothing more is needed: dsar case status {ref} closed",
    "verified": "send the confirmation, then: dsar case status {ref} closed",
}


@click.command("status")
@click.argument("ref")
@click.argument("status")
@click.option("--reason", help="Needed for refused and withdrawn (recorded; a refusal's reasons go to the subject).")
@click.option("--json", "as_json", is_flag=True)
def status(ref: str, status: str, reason: str | None, as_json: bool) -> None:
    """Move a case to STATUS (the lifecycle and your role decide what is allowed)."""
    from ..cases.lifecycle import check_manual
    from ..roles import role_of

    services, who = services_and_actor()
    case = services.store.get(ref)
    check_manual(case.type, status.strip().lower(), case.ref)
    case = services.store.transition(case.ref, status.strip().lower(), who, role_of(who, services.settings), reason)
    hint = _NEXT.get(case.status, "").format(ref=case.ref)
    _after(services, case, as_json, f"[bold]{escape(case.ref)}[/] is now {case.status}."
                                    + (f" Next: {escape(hint)}" if hint else ""))
