"""Running the sandbox on loopback: in the foreground (``dsar sandbox serve``) or on a background thread
(``dsar demo``, tests, benchmarks). HTTP/1.1 keep-alive, threaded, never bound beyond 127.0.0.1."""
from __future__ import annotations

import logging
import os
import pickle
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import create_app
from .errors import SandboxError
from .fixture import load_workspace
from .state import Workspace


def load_snapshot(path: Path) -> Workspace:
    """A snapshot written by :meth:`SandboxServer.save_snapshot` (trusted: written by this sandbox only)."""
    with open(path, "rb") as fh:
        ws = pickle.load(fh)
    if not isinstance(ws, Workspace):
        raise SandboxError(f"{path}: not a sandbox snapshot")
    return ws


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs) -> None:  # the sandbox keeps its own structured log
        pass


class SandboxServer:
    """A sandbox on 127.0.0.1; ``with SandboxServer(fixture) as sb: sb.url``."""

    def __init__(
        self,
        fixture: str | Path | None = None,
        *,
        port: int = 0,
        quota: bool = True,
        faults: str | None = None,
        workspace: Workspace | None = None,
        snapshot: str | Path | None = None,
    ) -> None:
        self.fixture = str(fixture) if fixture else None
        self.snapshot = Path(snapshot) if snapshot else None
        if workspace is None and self.snapshot and self.snapshot.exists():
            workspace = load_snapshot(self.snapshot)
        self.ws = workspace or (load_workspace(self.fixture) if self.fixture else Workspace())
        self.app = create_app(self.ws, quota=quota, faults=faults, fixture=self.fixture)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = make_server("127.0.0.1", port, self.app, threaded=True, request_handler=_Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.app.extensions["sandbox"].base_url = self.url
        self._thread: threading.Thread | None = None

    @property
    def context(self):
        return self.app.extensions["sandbox"]

    def start(self) -> "SandboxServer":
        # a short poll interval: stop() (shutdown) waits up to one interval, and tests start many sandboxes
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def save_snapshot(self, path: str | Path | None = None) -> Path:
        """Write the whole workspace (mail, files, sheets, tokens) so a later start resumes from it."""
        target = Path(path or self.snapshot)
        tmp = target.with_suffix(".tmp")
        with self.ws.lock, open(tmp, "wb") as fh:
            pickle.dump(self.ws, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        return target

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self.snapshot:
            self.save_snapshot()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
