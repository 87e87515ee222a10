"""Reconciling the trail with Google's own record of the product's API use: the Admin SDK Reports token
audit log (``activities.list``, ``applicationName=token``, events named ``activity``). Pure: the caller
reads both sides (through the seam) and gets back what matched, what only Google saw (an alarm: a call
made with the product's client id that the product did not make or did not record) and what only the
trail holds (Google's lag, an edition without OAuth activity events, an error Google may not log, or an
event Google lost, which its documentation warns can happen "in rare cases").

Calls are matched one to one per user and API method, within ``skew_s`` seconds of each other (our
record's time is when the answer was committed, Google's when it served it), and reported per
user x API x method x hour (UTC).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping

from .records import parse_time

#: APIs whose calls Google's token log records: Workspace data APIs. Token exchanges (oauth2.*), the
#: runtime's metadata server and Cloud IAM signBlob are not in it, and batch envelopes are not calls.
LOGGED_APIS = ("gmail", "drive", "sheets", "directory", "reports", "calendar", "people", "chat", "forms")
#: Outcomes of records that are not a request Google answered.
_NOT_CALLS = frozenset({"refused", "intent", "checkpoint", "shred", "rekey", "reconcile"})
_PRINCIPAL = re.compile(r"(?:^|\s)principal=(\S+)")

EDITION_CAVEAT = (
    "Google records OAuth activity events only for Workspace Enterprise, Education Standard/Plus and Cloud "
    "Identity Premium; on other editions the token log has no 'activity' events and every call on the trail "
    "shows as ours-only. Google also warns that events can be late or, rarely, missing; the reports reach "
    "back 180 days."
)
REASONS = {
    "lag": "recent: Google's token log is not complete yet (lag tolerance)",
    "edition": "Google returned no activity at all for the period: an edition without OAuth activity events",
    "error": "an error answer Google may not log as activity",
    "missing": "Google has no event for a call the trail shows answered (Google warns events can be missing)",
}


@dataclass(frozen=True)
class Tolerances:
    """Stated and configurable: ``skew_s`` pairs a trail record with a Google event this far apart;
    ``lag_s`` treats ours-only calls this recent as Google's lag; ``max_missing`` ours-only calls Google
    lost (older than the lag) are accepted per run before they count as unexplained."""

    skew_s: float = 120.0
    lag_s: float = 6 * 3600.0
    max_missing: int = 0


@dataclass(frozen=True)
class Seen:
    """One call as one side saw it."""

    user: str
    method: str
    time: float
    status: int | None = None
    possible: bool = False  # ours only: no answer recorded (outcome unknown, network error): maybe served


@dataclass
class Result:
    since: str
    until: str
    tolerances: Tolerances
    google_events: int = 0
    trail_calls: int = 0
    matched: list[dict] = field(default_factory=list)
    google_only: list[dict] = field(default_factory=list)
    ours_only: list[dict] = field(default_factory=list)
    not_served: int = 0  # our unanswered calls (unknown / network error) Google never saw: not differences
    caveat: str = EDITION_CAVEAT

    @property
    def alarms(self) -> int:
        return sum(c["count"] for c in self.google_only)

    @property
    def missing(self) -> int:
        return sum(c["count"] for c in self.ours_only if c["reason"] == "missing")

    @property
    def unexplained(self) -> int:
        """Google-only calls, plus Google-lost calls beyond the tolerance."""
        return self.alarms + (self.missing if self.missing > self.tolerances.max_missing else 0)

    def summary(self) -> str:
        why = Counter()
        for c in self.ours_only:
            why[c["reason"]] += c["count"]
        ours = ", ".join(f"{r} {n}" for r, n in sorted(why.items())) or "none"
        return (f"{self.since}..{self.until}: {sum(c['count'] for c in self.matched)} matched, "
                f"{self.alarms} on Google's side only, {sum(why.values())} on ours only ({ours}); "
                f"{self.unexplained} unexplained")

    def to_dict(self) -> dict:
        return {"since": self.since, "until": self.until, "tolerances": asdict(self.tolerances),
                "google_events": self.google_events, "trail_calls": self.trail_calls,
                "matched": self.matched, "google_only": self.google_only, "ours_only": self.ours_only,
                "not_served": self.not_served, "alarms": self.alarms, "unexplained": self.unexplained,
                "caveat": self.caveat, "summary": self.summary()}


def _api(method: str) -> str:
    return method.split(".", 1)[0]


def hour_of(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:00Z")


def principal_of(record: Mapping) -> str | None:
    m = _PRINCIPAL.search(record.get("detail") or "")
    return m.group(1).lower() if m else None


def ours_from_records(records: Iterable[Mapping]) -> list[Seen]:
    """The trail's calls that Google's token log would show: Workspace API methods that left the seam."""
    out = []
    for r in records:
        method = r.get("api_method") or ""
        if r.get("outcome") in _NOT_CALLS or _api(method) not in LOGGED_APIS or r.get("status") == 401:
            continue
        user = principal_of(r)
        if not user:
            continue
        out.append(Seen(user, method, parse_time(r["time"]).timestamp(), r.get("status"),
                        possible=r.get("status") is None))
    return out


def _params(event: Mapping) -> dict:
    out = {}
    for p in event.get("parameters") or ():
        for k in ("value", "intValue", "boolValue"):
            if k in p:
                out[p.get("name")] = p[k]
                break
    return out


def google_from_activities(items: Iterable[Mapping], client_ids: Iterable[str]) -> list[Seen]:
    """Google's ``activity`` events for the product's OAuth client ids (others are other apps)."""
    ids = set(client_ids)
    out = []
    for a in items:
        t = parse_time(a["id"]["time"]).timestamp()
        user = ((a.get("actor") or {}).get("email") or "").lower()
        for ev in a.get("events") or ():
            if ev.get("name") != "activity":
                continue
            p = _params(ev)
            if p.get("client_id") not in ids or not p.get("method_name"):
                continue
            out.append(Seen(user, str(p["method_name"]), t))
    return out


def _match(ours: list[Seen], google: list[Seen], skew: float) -> tuple[list[tuple[Seen, Seen]], list[Seen], list[Seen]]:
    """Pair calls one to one in time order per (user, method), each pair within ``skew`` seconds."""
    by_key_o: dict[tuple, list[Seen]] = defaultdict(list)
    by_key_g: dict[tuple, list[Seen]] = defaultdict(list)
    for s in ours:
        by_key_o[(s.user, s.method)].append(s)
    for s in google:
        by_key_g[(s.user, s.method)].append(s)
    pairs, g_only, o_only = [], [], []
    for key in set(by_key_o) | set(by_key_g):
        o = sorted(by_key_o.get(key, ()), key=lambda s: s.time)
        g = sorted(by_key_g.get(key, ()), key=lambda s: s.time)
        i = j = 0
        while i < len(o) and j < len(g):
            d = o[i].time - g[j].time
            if abs(d) <= skew:
                pairs.append((o[i], g[j]))
                i += 1
                j += 1
            elif d < 0:
                o_only.append(o[i])
                i += 1
            else:
                g_only.append(g[j])
                j += 1
        o_only += o[i:]
        g_only += g[j:]
    return pairs, g_only, o_only


def _cells(items: Iterable[tuple[Seen, str | None]]) -> list[dict]:
    count: Counter = Counter((s.user, _api(s.method), s.method, hour_of(s.time), reason) for s, reason in items)
    rows = []
    for (user, api, method, hour, reason), n in sorted(count.items(), key=lambda kv: (kv[0][3], kv[0][0], kv[0][2])):
        row = {"user": user, "api": api, "method": method, "hour": hour, "count": n}
        if reason is not None:
            row["reason"] = reason
        rows.append(row)
    return rows


def reconcile(ours: list[Seen], google: list[Seen], since: float, until: float, now: float,
              tol: Tolerances = Tolerances()) -> Result:
    """Compare the two sides over [since, until). Calls within ``skew_s`` of the window's edges count on
    either side, so a call recorded at 10:59:59.9 and served at 11:00:00.1 is not a false alarm."""
    in_o = [s for s in ours if since - tol.skew_s <= s.time < until + tol.skew_s]
    in_g = [s for s in google if since <= s.time < until]
    pairs, g_only, o_only = _match(in_o, in_g, tol.skew_s)
    o_only = [s for s in o_only if since <= s.time < until]  # edge calls matched nothing in the window
    result = Result(_iso(since), _iso(until), tol, google_events=len(in_g),
                    trail_calls=sum(1 for s in in_o if since <= s.time < until))
    result.matched = _cells((g, None) for _, g in pairs)
    result.google_only = _cells((g, None) for g in g_only)
    reasons = []
    for s in o_only:
        if s.possible:
            result.not_served += 1
        elif s.time > now - tol.lag_s:
            reasons.append((s, "lag"))
        elif not in_g:
            reasons.append((s, "edition"))
        elif s.status is not None and s.status >= 400:
            reasons.append((s, "error"))
        else:
            reasons.append((s, "missing"))
    result.ours_only = _cells(reasons)
    return result


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
