"""The sandbox as its own ``dsar sandbox serve`` process for the scale benches, and /proc CPU readings of
processes: a bench measures the sandbox from outside, as it would Google, so it must not share its process."""
from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from tests.scale.workers import DSAR

_LISTENING = re.compile(r"Listening on (http://127\.0\.0\.1:\d+)")


def start_sandbox(fixture: Path, log: Path, timeout: float = 120) -> tuple[subprocess.Popen, str]:
    """Serve ``fixture`` on a free port; return the process and its URL once it says it is listening."""
    fh = open(log, "wb")
    proc = subprocess.Popen([DSAR, "sandbox", "serve", "--fixture", str(fixture), "--port", "0"],
                            stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = _LISTENING.search(log.read_text(errors="replace"))
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            raise SystemExit(f"sandbox exited:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"sandbox did not start in {timeout:.0f} s")


def stop(proc: subprocess.Popen | None) -> None:
    """Terminate, then kill if it has not gone in 30 s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc): was a run waiting on quota or on CPU?"""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0
