"""``/audit``: the auditor's web view of the trail (the same data as ``dsar audit verify|report|export``):
a verification badge, filters, calls per day and per API method, per-case summaries, a call timeline and
CSV / JSONL downloads. Open to the auditor and DPO roles only.

The timeline and the per-case table are paginated on the server (``page``/``size``, ``cpage``), with the
filters carried in every page link, so a trail of any size gives a page of bounded height; the charts,
counts and downloads always cover every record the filters keep.

Who is looking: outside the sandbox, the staff member signed in through the web sign-in (``/auth/start
?for=audit``, identity scopes only); in the sandbox, the person picked on the page (as in the preview)."""
from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from markupsafe import Markup, escape

from audit.errors import AuditInputError
from audit.export import write_csv, write_jsonl
from audit.report import in_range, summarise, time_bound

from ..roles import role_of
from . import charts
from .reconcile_view import panel as reconcile_panel

bp = Blueprint("auditor", __name__)
AUDIT_ROLES = ("auditor", "dpo")
PAGE_SIZE = 50  # timeline rows per page
PAGE_SIZES = (25, 50, 100, 200)
CASES_PER_PAGE = 20  # per-case summary rows per page
SCOPE_PREFIX = "https://www.googleapis.com/auth/"


@dataclass(frozen=True)
class Page:
    """One page of a sequence: which slice is shown and how many pages there are (1-based numbers)."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return min(self.start + self.size, self.total)

    def of(self, seq: list) -> list:
        return seq[self.start:self.end]

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those near this one; ``None`` marks a gap."""
        keep = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in range(1, self.pages + 1):
            if n in keep:
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        return out


def page_of(total: int, number: object, size: object = PAGE_SIZE, sizes: tuple[int, ...] = PAGE_SIZES) -> Page:
    """The page asked for in a query string, clamped: junk or out-of-range numbers never give an error page."""
    def as_int(v: object, default: int) -> int:
        try:
            return int(str(v).strip())
        except (TypeError, ValueError):
            return default

    want = as_int(size, PAGE_SIZE)
    p = Page(1, min(sizes, key=lambda s: (abs(s - want), s)), total)  # the nearest offered size
    return Page(min(max(1, as_int(number, 1)), p.pages), p.size, total)


@dataclass(frozen=True)
class Filters:
    case: str = ""
    api: str = ""
    outcome: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        return cls(*(args.get(k, "").strip()[:100] for k in ("case", "api", "outcome", "from", "to")))

    def query(self) -> dict[str, str]:
        pairs = {"case": self.case, "api": self.api, "outcome": self.outcome, "from": self.date_from,
                 "to": self.date_to}
        return {k: v for k, v in pairs.items() if v}


def select(records: Iterator[dict], f: Filters) -> list[dict]:
    """The records an auditor's filters keep (dates as ``dsar audit report --from/--to``)."""
    since, until = time_bound(f.date_from or None, "from", False), time_bound(f.date_to or None, "to", True)
    return [r for r in records
            if (not f.api or r.get("api_method") == f.api) and (not f.outcome or r.get("outcome") == f.outcome)
            and in_range(r, since, until)]


@bp.app_template_filter("breakable")
def breakable(text: object) -> Markup:
    """Escaped text with break opportunities after . @ = / so a long dotted name or an address wraps at
    its joints, not one character a line."""
    return Markup(re.sub(r"([.@=/])", r"\1<wbr>", str(escape(text))))


@bp.app_template_filter("short_scope")
def short_scope(scope: str) -> str:
    return scope.removeprefix(SCOPE_PREFIX)


def summary_lines(s: dict[str, Any]) -> dict[str, Any]:
    """A case summary with the one-line strings its table cells list (each cut to one line on the page)."""
    return {**s, "actor_lines": [f"{a} ({n})" for a, n in s["actors"].items()],
            "method_lines": [f"{m} ({n})" for m, n in s["api_methods"].items()],
            "scope_lines": [short_scope(x) for x in s["scopes"]]}


class VerdictCache:
    """Verifying recomputes every hash: do it once per trail size, not on every page view."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._verdict: Any = None

    def get(self, trail: Any) -> Any:
        with self._lock:
            key = (id(trail), trail.size())
            if key != self._key:
                self._verdict, self._key = trail.verify(), key
            return self._verdict


_verdicts = VerdictCache()


def _viewer() -> tuple[str | None, bool]:
    """(email, may_pick): who is looking, and whether the page may offer a picker (sandbox only)."""
    sandbox = bool(current_app.extensions["dsar"].services.settings.sandbox_url)
    if sandbox and session.get("audit_as"):
        return session["audit_as"], True
    return session.get("email"), sandbox


@bp.route("/audit/as", methods=["POST"])
def pick() -> Response:
    web = current_app.extensions["dsar"]
    if not web.services.settings.sandbox_url:
        return Response("Picking a user is only possible against the sandbox.", status=403)
    email = request.form.get("email", "").strip().lower()
    if "@" in email:
        session["audit_as"] = email
    return redirect(url_for("auditor.view"), code=303)


def _gate() -> tuple[str | None, Response | tuple[str, int] | None]:
    email, may_pick = _viewer()
    if not email:
        if may_pick:
            return None, (render_template("audit.html", page="pick", viewer=None, denied=False), 200)
        return None, redirect("/auth/start?for=audit&next=/audit", code=302)
    role = role_of(email, current_app.extensions["dsar"].services.settings)
    if role not in AUDIT_ROLES:
        return email, (render_template("audit.html", page="denied", viewer=email, role=role, may_pick=may_pick), 403)
    return email, None


@bp.get("/audit")
def view() -> Any:
    email, blocked = _gate()
    if blocked is not None:
        return blocked
    trail = current_app.extensions["dsar"].services.trail
    f = Filters.from_args(request.args)
    everything = [r.to_dict() for r in trail.records()]
    try:
        records = select((r for r in everything if not f.case or r.get("case") == f.case), f)
    except AuditInputError as e:
        return render_template("audit.html", page="error", viewer=email, message=str(e)), 400
    verdict = _verdicts.get(trail)
    newest_first = records[::-1]
    tpage = page_of(len(newest_first), request.args.get("page"), request.args.get("size", PAGE_SIZE))
    summaries = [summary_lines(s.to_dict()) for s in summarise(records)]
    cpage = page_of(len(summaries), request.args.get("cpage"), CASES_PER_PAGE, (CASES_PER_PAGE,))
    keep = {**f.query(), **({"size": str(tpage.size)} if tpage.size != PAGE_SIZE else {})}
    at = {"page": tpage.number, "cpage": cpage.number}

    def page_link(param: str, n: int) -> str:
        """This view with the same filters and the other table's page, at page ``n`` of ``param``."""
        pages = {**at, param: n}
        return url_for("auditor.view", **keep, **{k: v for k, v in pages.items() if v > 1})
    return render_template(
        "audit.html", page="view", viewer=email, role=role_of(email, current_app.extensions["dsar"].services.settings),
        may_pick=_viewer()[1], verdict=verdict, filters=f, query=f.query(), keep=keep, records=records,
        timeline=tpage.of(newest_first), tpage=tpage, page_sizes=PAGE_SIZES,
        summaries=cpage.of(summaries), cpage=cpage, page_link=page_link,
        chart_days=charts.columns(charts.per_day(records), "Calls per day (UTC)"),
        chart_apis=charts.bars(charts.per_api(records), "Calls per API method"),
        cases=sorted({r["case"] for r in everything if r.get("case")}),
        apis=sorted({r["api_method"] for r in everything if r.get("api_method")}),
        outcomes=sorted({r["outcome"] for r in everything}),
        reconcile=reconcile_panel(everything),
    )


@bp.get("/audit/export.<fmt>")
def export(fmt: str) -> Any:
    email, blocked = _gate()
    if blocked is not None:
        return blocked
    if fmt not in ("csv", "jsonl"):
        return Response("Format must be csv or jsonl.", status=404)
    f = Filters.from_args(request.args)
    trail = current_app.extensions["dsar"].services.trail
    try:
        records = select((r.to_dict() for r in trail.records(case=f.case or None)), f)
    except AuditInputError as e:
        return Response(str(e), status=400)
    buf = io.StringIO(newline="")
    (write_csv if fmt == "csv" else write_jsonl)(records, buf)
    mime = "text/csv" if fmt == "csv" else "application/x-ndjson"
    name = f"audit-{f.case or 'all'}.{fmt}"
    return Response(buf.getvalue(), mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})
