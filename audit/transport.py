"""The seam: the one place every Google call passes, for googleapiclient (through :mod:`audit.httpshim`),
gspread and google-auth token refreshes alike.

For each request (and each part of a batch) it classifies the API method, resolves the operation from the
stated purpose, asks the guard, keeps to the egress allow-list, paces under the user's quota, sends with
timeouts and retries, and appends one audit record per attempt. Before each attempt leaves, a write-ahead
``intent`` record is committed (one group commit for a batch and its parts), so a process killed between
Google's answer and the record's commit leaves an intent that verification reports and recovery closes
(audit/intents.py). The answer's record points to its intent and is committed before the response is
handed back; if it cannot be, the response is discarded and the call refused.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import requests
from google.auth.transport.requests import AuthorizedSession, Request
from requests.adapters import HTTPAdapter

from scopes.quotas import quota_bucket, quota_units

from . import calls as wire
from .environ import AuthorizedEnvSession, Session
from .context import Purpose, current
from .egress import Egress
from .errors import AuditWriteError, CallRefused, EgressRefused, TransportError
from .pacer import Pacer
from .retry import NOT_IDEMPOTENT, RetryPolicy, is_retryable_status, quota_reason, retry_after

_NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_AUTH_STEP = "auth"


@dataclass
class Seam:
    """What every audited session shares. ``trail`` appends records; ``guard`` and ``resolve`` come
    from :mod:`scopes` (the registry decides which operation an API method serves in a step)."""

    trail: Any
    guard: Any
    resolve: Callable[[str, str, dict], str | None]  # (step, api_method, params) -> operation name
    egress: Egress = field(default_factory=Egress)
    pacer: Pacer = field(default_factory=Pacer)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: tuple[float, float] = (10.0, 120.0)
    default_purpose: Purpose | None = None
    sleep: Callable[[float], None] = time.sleep
    write_ahead: bool = True  # False only to measure the cost of intents (bench/bench_seam.py's baseline)
    #: With intents, an answer's record is committed (visible, safe from a killed process) without its
    #: own fsync: the next durable commit covers it, and a power loss before that leaves its durable intent
    #: to be recovered as ``unknown``. True (``DSAR_AUDIT_SYNC_ANSWERS=1``): fsync every answer as well.
    sync_answers: bool = field(default_factory=lambda: os.environ.get("DSAR_AUDIT_SYNC_ANSWERS") == "1")
    #: Test hook: called with "sent" (intent committed, request not yet sent) and "answered" (response
    #: read, its record not yet committed), so a test can kill the process exactly there.
    fault: Callable[[str], None] | None = None

    def session(self, credentials, principal: str) -> AuthorizedSession:
        """A requests session for gspread and plain calls; its token refreshes pass the seam too."""
        refresher = Session()
        refresher.mount("https://", AuditedAdapter(self, principal, lambda: _scopes_of(credentials)))
        refresher.mount("http://", AuditedAdapter(self, principal, lambda: _scopes_of(credentials)))
        session = AuthorizedEnvSession(credentials, auth_request=Request(session=refresher))
        adapter = AuditedAdapter(self, principal, lambda: _scopes_of(credentials))
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def plain_session(self, principal: str = "-", credentials=None) -> requests.Session:
        """An audited session that adds no Authorization header itself: ID-token certificate fetches,
        revocation, and google-auth's own requests (``credentials`` then names whose scopes the guard sees)."""
        s = Session()
        adapter = AuditedAdapter(self, principal, (lambda: _scopes_of(credentials)) if credentials else frozenset)
        s.mount("https://", adapter)
        s.mount("http://", adapter)
        return s


def _scopes_of(credentials) -> frozenset[str]:
    granted = getattr(credentials, "granted_scopes", None) or getattr(credentials, "scopes", None) or ()
    return frozenset(granted)


class AuditedAdapter(HTTPAdapter):
    def __init__(self, seam: Seam, principal: str, scopes: Callable[[], frozenset[str]]) -> None:
        super().__init__(pool_connections=4, pool_maxsize=16, max_retries=0)
        self.seam = seam
        self.principal = principal
        self.scopes = scopes

    # -- the seam -------------------------------------------------------------------------------
    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout=None, verify=True,
             cert=None, proxies=None) -> requests.Response:
        seam = self.seam
        call = wire.classify_request(request.method or "GET", request.url or "", request.headers, request.body)
        purpose = current() or seam.default_purpose
        if call.api_method.startswith("oauth2."):
            purpose = (purpose or Purpose(actor="system", step=_AUTH_STEP)).with_(step=_AUTH_STEP)
        target = seam.egress.route(request.url or "")
        parts: list[wire.Call] = []
        if call.api_method == "batch" and request.body:
            body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
            parts = wire.batch_parts(request.headers.get("Content-Type", ""), body)
        scopes = sorted(self.scopes())
        if target is None:
            if purpose is not None:
                call.operation = seam.resolve(purpose.step, call.api_method, call.params)
            host = (request.url or "").split("/")[2] if "://" in (request.url or "") else request.url
            self._record(purpose, call, scopes, outcome="refused", detail=f"egress refused: host {host} is not allowed")
            raise EgressRefused(f"Refused a call to {host}: only Google API hosts (or the configured sandbox) are allowed")
        request.url = target
        for c in parts or [call]:
            c_op, reason = self._authorise(purpose, c, scopes)
            if reason:
                pending: list = []
                for r in parts or [call]:
                    self._record(purpose, r, scopes, operation=c_op, outcome="refused", detail=reason, pending=pending)
                if parts:
                    self._record(purpose, call, scopes, outcome="refused", detail=reason, pending=pending)
                self._commit(pending)
                raise CallRefused(f"Refused {c.api_method}: {reason}")
        return self._send_with_retries(request, purpose, call, parts, scopes, timeout, verify, cert, proxies)

    def _authorise(self, purpose: Purpose | None, c: wire.Call, scopes: list[str]) -> tuple[str | None, str | None]:
        if purpose is None:
            return None, "no purpose: the call was made outside any case or job"
        op = c.operation = self.seam.resolve(purpose.step, c.api_method, c.params)
        if op is None:
            return None, f"{c.api_method} is not declared for the {purpose.step!r} step"
        decision = self.seam.guard.check(op, c.api_method, set(scopes), purpose.case_status,
                                         has_case=purpose.case is not None, role=purpose.role)
        return op, None if decision.allowed else decision.reason

    def _send_with_retries(self, request, purpose, call, parts, scopes, timeout, verify, cert, proxies):
        seam = self.seam
        members = parts or [call]
        units = sum(quota_units(c.api_method) for c in members)
        bucket = quota_bucket(members[0].api_method)
        idempotent = not any(c.api_method in NOT_IDEMPOTENT for c in members)
        for attempt in range(1, seam.retry.max_attempts + 1):
            seam.pacer.acquire(self.principal, bucket, units)
            ia = self._intents(purpose, call, parts, scopes, attempt) if seam.write_ahead else {}
            if seam.fault:
                seam.fault("sent")
            t0 = time.perf_counter()
            try:
                resp = super().send(request, stream=False, timeout=timeout or seam.timeout, verify=verify,
                                    cert=cert, proxies=proxies)
                content = resp.content  # read fully: the record must be committed before the data is used
            except _NETWORK_ERRORS as e:
                latency = (time.perf_counter() - t0) * 1000
                again = idempotent and attempt < seam.retry.max_attempts
                pending = []
                for c in members:
                    self._record(purpose, c, scopes, outcome="retry" if again else "error", attempt=attempt,
                                 latency_ms=latency, detail=type(e).__name__, batch=call.path_template if parts else None,
                                 pending=pending, intent=ia.get(id(c)))
                if parts:
                    self._record(purpose, call, scopes, outcome="retry" if again else "error", attempt=attempt,
                                 latency_ms=latency, detail=type(e).__name__, pending=pending, intent=ia.get(id(call)))
                self._commit(pending, durable=not ia or seam.sync_answers)
                if not again:
                    raise TransportError(
                        f"{call.api_method} failed after {attempt} attempt(s): {type(e).__name__} "
                        f"({'not retried: the first attempt may have taken effect' if not idempotent else 'network'})"
                    ) from e
                seam.sleep(seam.retry.delay(attempt, None))
                continue
            latency = (time.perf_counter() - t0) * 1000
            if seam.fault:
                seam.fault("answered")
            status = resp.status_code
            ctype = resp.headers.get("Content-Type", "")
            retryable = is_retryable_status(status, content) and (idempotent or status in (429, 503) or status == 403)
            again = retryable and attempt < seam.retry.max_attempts
            outcome = "ok" if status < 400 else ("retry" if again else "error")
            if parts:
                statuses = wire.batch_statuses(ctype, content) if status < 300 else [(None, b"")] * len(parts)
                pending = []
                throttled = False
                self._record(purpose, call, scopes, status=status, outcome=outcome, attempt=attempt,
                             latency_ms=latency, nbytes=len(content), pending=pending, intent=ia.get(id(call)))
                for c, (st, body) in zip(parts, statuses + [(None, b"")] * (len(parts) - len(statuses))):
                    part_outcome = outcome if status >= 300 else ("ok" if st is not None and st < 400 else "error")
                    throttled = throttled or st == 429 or (st is not None and quota_reason(st, body) is not None)
                    self._record(purpose, c, scopes, status=st, outcome=part_outcome, attempt=attempt,
                                 latency_ms=latency, nbytes=len(body), batch=call.path_template,
                                 items=wire.item_count(c.api_method, st, "application/json", body), pending=pending,
                                 intent=ia.get(id(c)))
                self._commit(pending, durable=not ia or seam.sync_answers)
                if throttled:  # one push-back per answer: halving once per 429'd part would floor the rate at once
                    seam.pacer.pushed_back(self.principal, bucket)
            else:
                throttled = False
                pending = []
                self._record(purpose, call, scopes, status=status, outcome=outcome, attempt=attempt,
                             latency_ms=latency, nbytes=len(content), pending=pending,
                             items=wire.item_count(call.api_method, status, ctype, content), intent=ia.get(id(call)))
                self._commit(pending, durable=not ia or seam.sync_answers)
            if again:
                seam.pacer.pushed_back(self.principal, bucket)
                seam.sleep(seam.retry.delay(attempt, retry_after(resp.headers, content)))
                continue
            if not throttled:
                seam.pacer.succeeded(self.principal, bucket, len(members))  # each call answered counts
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _record(self, purpose: Purpose | None, c: wire.Call, scopes: Iterable[str], *, operation: str | None = None,
                outcome: str, status: int | None = None, attempt: int = 1, latency_ms: float = 0.0,
                nbytes: int = 0, items: int = 0, detail: str = "", batch: str | None = None,
                pending: list | None = None, intent: int | None = None) -> None:
        """Append one record, or queue it on ``pending`` so a batch's records commit together (one fsync)."""
        p = purpose or Purpose(actor="unknown", step="none")
        op = operation or c.operation
        fields = {
            "actor": p.actor, "case": p.case, "purpose": p.purpose, "legal_basis": p.legal_basis,
            "operation": op or "undeclared", "api_method": c.api_method, "http_method": c.http_method,
            "path_template": c.path_template, "scopes": list(scopes), "quota_units": quota_units(c.api_method),
            "status": status, "item_count": items, "bytes": nbytes, "latency_ms": round(latency_ms, 2),
            "outcome": outcome, "attempt": attempt, "batch": batch,
            "detail": (detail + f" principal={self.principal}").strip(),
        }
        if intent is not None:
            fields["intent"] = intent
        sealed = {**dict(p.sealed), **c.sealed} if p.case else None
        if pending is not None:
            pending.append((fields, sealed or None))
        else:
            self._commit([(fields, sealed or None)])

    def _intents(self, purpose: Purpose | None, call: wire.Call, parts: list[wire.Call], scopes: list[str],
                 attempt: int) -> dict[int, int]:
        """Commit the write-ahead intents of one attempt (a batch and its parts: one group commit) and
        return id(call) -> intent seq. No content: no status, counts or sealed values, only what is asked."""
        members = [call, *parts] if parts else [call]
        pending: list = []
        for c in members:
            self._record(purpose, c, scopes, outcome="intent", attempt=attempt, pending=pending,
                         batch=call.path_template if parts and c is not call else None)
        pending = [(fields, None) for fields, _ in pending]  # never a subject value in an intent
        records = self._commit(pending)
        return {id(c): r.seq for c, r in zip(members, records or ()) if hasattr(r, "seq")}

    def _commit(self, entries: list, durable: bool = True) -> list:
        """Append ``entries`` in one transaction; ``durable=False`` only for answers to a durable intent."""
        if not entries:
            return []
        trail = self.seam.trail
        how = {} if durable else {"durable": False}
        try:
            if len(entries) > 1 and hasattr(trail, "append_many"):
                out = list(trail.append_many(entries, **how))
            else:
                out = [trail.append(fields, sealed=sealed, **how) for fields, sealed in entries]
        except AuditWriteError:
            raise
        except Exception as e:  # any store failure refuses the call
            raise AuditWriteError(f"audit record could not be written ({type(e).__name__}: {e}); call refused") from e
        maybe = getattr(trail, "maybe_checkpoint", None)
        if maybe:
            maybe()
        return out
