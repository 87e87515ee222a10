"""``dsar serve`` as a user runs it: a process on loopback that answers Google-signed requests."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from addon.web.security import SANDBOX_ADDON_CLIENT_ID

from .conftest import DOMAIN, STAFF, id_token, make_event


def test_dsar_serve_answers_signed_requests(sandbox_server, tmp_path):
    (tmp_path / "home").mkdir(exist_ok=True)  # a data folder made on purpose: dsar never creates one from DSAR_HOME
    (tmp_path / "home").mkdir(exist_ok=True)  # a data folder made for it ('dsar serve' never creates one)
    env = {**os.environ, "DSAR_SANDBOX_URL": sandbox_server.url, "DSAR_HOME": str(tmp_path / "home"),
           "DSAR_DOMAIN": DOMAIN, "PYTHONUNBUFFERED": "1"}
    for var in ("DSAR_ADDON_BASE_URL", "DSAR_ADDON_SERVICE_ACCOUNT", "DSAR_OAUTH_CLIENT_ID", "DSAR_CONFIG"):
        env.pop(var, None)
    dsar = Path(sys.executable).with_name("dsar")  # the console script installed with the package
    proc = subprocess.Popen([str(dsar), "serve", "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        m = re.search(r"on (http://127\.0\.0\.1:\d+)", first)
        assert m, first + (proc.stderr.read() if proc.poll() is not None else "")
        url = m.group(1)
        assert "dsar-addon@" in proc.stdout.readline()  # names the service account it expects
        assert requests.get(url + "/healthz", timeout=10).json() == {"status": "ok", "sandbox": True}
        event = make_event(user_token=id_token(sandbox_server, SANDBOX_ADDON_CLIENT_ID, STAFF))
        unsigned = requests.post(url + "/addon/homepage", json=event, timeout=10)
        assert unsigned.status_code == 401
        signed = requests.post(url + "/addon/homepage", json=event, timeout=10,
                               headers={"Authorization": "Bearer " + id_token(sandbox_server, url + "/addon/homepage")})
        assert signed.status_code == 200 and "pushCard" in signed.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
