"""The seam's sessions read proxies and CA bundles as requests does (same merged settings for every
combination below), a changed variable is seen on the next call, and the environment is not walked again
for a host already asked about."""
from __future__ import annotations

import itertools

import pytest
import requests
import requests.utils

from audit.environ import Session, environ_proxies

URLS = ["https://gmail.googleapis.com/gmail/v1/users/me/messages", "https://oauth2.googleapis.com/token",
        "http://127.0.0.1:8765/drive/v3/files", "https://sheets.googleapis.com:443/v4/spreadsheets/x"]
ENVS = [
    {},
    {"HTTPS_PROXY": "http://proxy.corp.test:3128"},
    {"https_proxy": "http://lower.corp.test:8080", "NO_PROXY": "oauth2.googleapis.com,127.0.0.1"},
    {"ALL_PROXY": "socks5://all.corp.test:1080", "no_proxy": ".googleapis.com"},
    {"HTTP_PROXY": "http://plain.corp.test:80", "REQUESTS_CA_BUNDLE": "/etc/ssl/corp.pem"},
    {"HTTPS_PROXY": "http://p.corp.test:3128", "NO_PROXY": "*", "CURL_CA_BUNDLE": "/etc/ssl/curl.pem"},
]
VARS = {k for e in ENVS for k in e} | {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                                       "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}


@pytest.fixture
def clean_env(monkeypatch):
    for k in VARS:
        monkeypatch.delenv(k, raising=False)
    return monkeypatch


@pytest.mark.parametrize("env,url", list(itertools.product(ENVS, URLS)))
def test_same_settings_as_requests(clean_env, env, url):
    for k, v in env.items():
        clean_env.setenv(k, v)
    for proxies, verify in [({}, True), ({"https": "http://explicit.test:1"}, None), ({"no_proxy": "*"}, True),
                            ({}, "/explicit/ca.pem"), ({}, False)]:
        ours = Session().merge_environment_settings(url, dict(proxies), None, verify, None)
        theirs = requests.Session().merge_environment_settings(url, dict(proxies), None, verify, None)
        assert ours == theirs, (env, url, proxies, verify)


def test_a_variable_set_mid_run_is_seen_and_a_known_host_is_not_looked_up_again(clean_env):
    url = URLS[0]
    assert environ_proxies(url) == {}
    clean_env.setenv("HTTPS_PROXY", "http://late.corp.test:3128")
    assert environ_proxies(url)["https"] == "http://late.corp.test:3128"
    clean_env.setenv("NO_PROXY", "gmail.googleapis.com")
    assert environ_proxies(url) == {}
    walks = []
    real = requests.utils.getproxies
    clean_env.setattr(requests.utils, "getproxies", lambda: walks.append(1) or real())
    for _ in range(50):
        environ_proxies(url + "?page=2")
    assert walks == []
    environ_proxies("https://drive.googleapis.com/drive/v3/files")  # a host not asked about yet
    assert walks
