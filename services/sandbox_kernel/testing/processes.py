"""Run a sandbox service as a real process on a free port (end-to-end tests)."""

from __future__ import annotations

import os
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


def free_port() -> int:
    with socket.socket() as sock:
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
