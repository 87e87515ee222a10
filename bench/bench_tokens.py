"""Delegated-token cost per user: a service-account key signing locally vs keyless (metadata-server token +
IAM signBlob per assertion), both through the audited seam against the sandbox, in one run. Prints ms per
token, the ratio, the extra Google calls, and the bound that matters: tokens live an hour, so keyless adds
one signBlob per (user, scope set) per hour, not per API call.
Run: python bench/bench_tokens.py [--users N]"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from google.auth.transport.requests import Request  # noqa: E402

from addon.config import Settings  # noqa: E402
from addon.services import open_services  # noqa: E402
from audit.context import Purpose, acting  # noqa: E402
from sandbox.democompany import write_fixture  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402

READ = ("https://www.googleapis.com/auth/gmail.readonly",)


def per_token_ms(services, users: list[str]) -> list[float]:
    """Fresh delegated credentials for each user, refreshed through the seam (what the first call does)."""
    out = []
    with acting(Purpose(actor="bench@example.test", step="admin", purpose="benchmark")):
        for user in users:
            creds = services.clients.credentials(user, READ)
            session = services.clients.session(user, READ)
            t0 = time.perf_counter()
            creds.refresh(session._auth_request)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=60)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fx = Path(tmp) / "fixture"
        write_fixture(fx, scale=0.3)
        with SandboxServer(fx, port=0, quota=False) as sb:
            users = sorted(u.email for u in sb.ws.users.values())
            users = (users * (args.users // len(users) + 1))[:args.users]
            sa = requests.get(sb.url + "/_sandbox/service-account.json", timeout=5).json()["client_email"]
            base = Settings(home=Path(tmp) / "home", sandbox_url=sb.url, actor=users[0], domain=sb.ws.domain,
                            admin=users[0], extra={"dpo": users[0]})
            results = {}
            for name, settings in (("key", base), ("keyless", replace(base, signer_service_account=sa))):
                services = open_services(replace(settings, home=Path(tmp) / name))
                services.clients.credentials(users[0], READ)  # key parsing / signer set-up, outside the timing
                before = services.trail.size()
                times = per_token_ms(services, users)
                calls = [r["api_method"] for r in services.trail.records(start=before)]
                results[name] = (statistics.median(times), calls)
            key_ms, key_calls = results["key"]
            kl_ms, kl_calls = results["keyless"]
            n = len(users)
            print(f"key file (local RS256 signing) : {key_ms:.2f} ms per delegated token (median of {n}); "
                  f"{len(key_calls) / n:.1f} Google calls per token")
            print(f"keyless (metadata + signBlob)  : {kl_ms:.2f} ms per delegated token; "
                  f"{len(kl_calls) / n:.2f} Google calls per token "
                  f"({kl_calls.count('iamcredentials.projects.serviceAccounts.signBlob')} signBlob, "
                  f"{kl_calls.count('oauth2.metadata')} metadata, {kl_calls.count('oauth2.token')} token)")
            print(f"ratio keyless / key            : {kl_ms / key_ms:.2f}x")
            print("bound                          : tokens last 3,600 s, so keyless adds 1 signBlob per user and "
                  f"scope set per hour ({n} users -> {n} signBlob/h), whatever the number of API calls")


if __name__ == "__main__":
    main()
