"""A ``python -m service`` subprocess on loopback, and an RSS sampler for it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class ServiceProcess:
    """``with ServiceProcess(index_dir) as service:`` starts the service, waits for /health,
    and terminates it on exit. ``service.base`` is its URL, ``service.pid`` its process id.
    The service gets no ``TRAITE_*`` variable of this process, only those of ``env``."""

    def __init__(
        self, index_dir: Path, startup_timeout: float = 180.0, env: dict[str, str] | None = None
    ) -> None:
        self.index_dir = Path(index_dir)
        self.env = env or {}
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.startup_timeout = startup_timeout
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> ServiceProcess:
        command = [sys.executable, "-m", "service", "--host", HOST, "--port", str(self.port)]
        command += ["--index-dir", str(self.index_dir)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRAITE_")}
        env.update(self.env)
        self._process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"service exited {self._process.returncode}: {self.stderr()}")
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"service not healthy after {self.startup_timeout:g} s")

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().strip()

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=15)
        self._stderr.close()


class RssSampler:
    """Samples the resident set size of a process every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self._process = psutil.Process(pid)
        self.interval = interval
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return self._process.memory_info().rss

    def _sample(self) -> bool:
        """Record one sample; False once the process is gone."""
        try:
            self.samples.append(self.rss())
            return True
        except psutil.Error:
            return False

    def _run(self) -> None:
        while not self._stop.is_set() and self._sample():
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sample()

    @property
    def start(self) -> int:
        return self.samples[0]

    @property
    def end(self) -> int:
        return self.samples[-1]

    @property
    def peak(self) -> int:
        return max(self.samples)
