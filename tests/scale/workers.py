"""Real ``dsar worker`` processes for the tests and the bench: started with their own environment,
waited for until Celery says they are ready, stopped (or killed) by their process id."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DSAR = str(Path(sys.executable).with_name("dsar"))


class Worker:
    def __init__(self, env: dict, name: str, log_dir: Path, pool: str = "solo", concurrency: int | None = None) -> None:
        self.name = name
        self.log = Path(log_dir) / f"{name}.log"
        cmd = [DSAR, "worker", f"--pool={pool}", "--loglevel=INFO", f"--hostname={name}@%h"]
        if concurrency:
            cmd.append(f"--concurrency={concurrency}")
        self._fh = open(self.log, "wb")
        self.proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=self._fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> "Worker":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            if " ready." in text:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited {self.proc.returncode}:\n{text[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"worker {self.name} not ready after {timeout}s:\n{self.log.read_text(errors='replace')[-3000:]}")

    def freeze(self) -> None:
        """SIGSTOP the worker's process group: what it has committed stays exactly as it is."""
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.proc.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL, as a crashed machine: no warm shutdown, no requeue, the task stays unacknowledged."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._fh.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._fh.close()
