"""Proxy and CA-bundle settings for the seam's sessions, read from the environment as requests reads them,
but once per host rather than on every call.

requests re-reads the whole process environment (``getproxies_environment`` walks every variable) two or
three times per request; over the 4,001 calls of an organisation estimate that was one of the engine's
largest costs after googleapiclient itself. The answer for a host only changes when a proxy variable does,
so it is cached under the values of those variables: a ``HTTPS_PROXY`` or ``NO_PROXY`` set mid-run is
still honoured from the next call. ``trust_env = False`` would have been cheaper and would have broken
users behind a proxy.
"""
from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from google.auth.transport.requests import AuthorizedSession
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies

#: The variables requests consults for http(s) URLs, in the spellings in use.
_WATCHED = tuple(v for n in ("http", "https", "all", "no") for v in (f"{n}_proxy", f"{n.upper()}_PROXY")) + (
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def _watched() -> tuple[str | None, ...]:
    get = os.environ.get
    return tuple(get(v) for v in _WATCHED)


@lru_cache(maxsize=512)
def _proxies_for(origin: str, no_proxy: str | None, _env: tuple[str | None, ...]) -> dict[str, str]:
    return get_environ_proxies(origin, no_proxy=no_proxy)


def environ_proxies(url: str, no_proxy: str | None = None) -> dict[str, str]:
    """``requests.utils.get_environ_proxies(url, no_proxy)``, computed once per scheme, host and port."""
    parts = urlsplit(url)
    return dict(_proxies_for(f"{parts.scheme}://{parts.netloc}", no_proxy, _watched()))


class EnvOnce:
    """``requests.Session.merge_environment_settings`` with the proxy lookup cached (same result)."""

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # noqa: D102 (requests' own)
        if self.trust_env:
            env = environ_proxies(url, proxies.get("no_proxy") if proxies is not None else None)
            if proxies is not None:
                for k, v in env.items():
                    proxies.setdefault(k, v)
            if verify is True or verify is None:
                verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or verify
        return {"proxies": merge_setting(proxies, self.proxies), "stream": merge_setting(stream, self.stream),
                "verify": merge_setting(verify, self.verify), "cert": merge_setting(cert, self.cert)}


class Session(EnvOnce, requests.Session):
    pass


class AuthorizedEnvSession(EnvOnce, AuthorizedSession):
    pass
