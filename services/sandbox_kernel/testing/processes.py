"""Run a sandbox service as a real process on a free port (end-to-end tests)."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ..process import child_preexec
from ..services import local_verify, resolve_service
from ..settings import Settings

# Ports handed out come from below Linux's ephemeral range (32768+): a port the OS picks for bind(0) is free only
# until some outgoing connection (Kafka, PostgreSQL, HTTP clients) takes it, which made `up` fail now and then
# with "porta já está em uso". Each xdist worker gets its own slice, and no port is handed out twice.
_PORTS = range(10_000, 32_000)
_handed: set[int] = set()


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = int(worker) if worker.isdigit() else 0
    workers = max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1), index + 1)
    span = len(_PORTS) // workers
    start = _PORTS.start + index * span
    for _ in range(500):
        port = random.randrange(start, start + span)
        if port in _handed:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed.add(port)
        return port
    with socket.socket() as sock:  # the slice is exhausted: let the OS pick
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcess:
    def __init__(self, name: str, settings: Settings, log_path: Path) -> None:
        self.service = resolve_service(name)
        self.port = settings.port_of(self.service.name)
        self.settings = settings
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.service.url(self.settings)

    def start(self, timeout: float = 120.0) -> ServiceProcess:
        env = {**os.environ, **self.settings.as_env(), "PYTHONUNBUFFERED": "1"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sandbox_kernel.cli", "serve", self.service.name],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=child_preexec,
            )
        self.wait_responding(timeout)
        return self

    def wait_responding(self, timeout: float) -> httpx.Response:
        """Wait until /sandbox/health answers at all (200 ok, or 503 degraded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.service.package} exited: {self.log_path.read_text()[-2000:]}")
            try:
                response = httpx.get(
                    f"{self.url}/sandbox/health", timeout=2, verify=local_verify(self.settings)
                )
                if response.status_code in (200, 503):
                    return response
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.service.package} did not answer at {self.url}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
