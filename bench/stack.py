"""A throw-away sandbox for benchmarks: embedded broker, temp data dir, and the named services as real processes.

with sandbox_stack("registry", "login") as stack:
    stack.url("login"), stack.settings, stack.admin_token, stack.process("login").process.pid
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sandbox_kernel.broker import EmbeddedBroker
from sandbox_kernel.secrets import admin_token
from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.processes import ServiceProcess, free_port

# Services whose first start makes CA keys (RSA-4096) get more time on a busy machine.
START_TIMEOUT = {"assinatura": 180.0, "tramita": 120.0}


@dataclass
class Stack:
    settings: Settings
    data_dir: Path
    processes: dict[str, ServiceProcess]

    def process(self, name: str) -> ServiceProcess:
        return self.processes[name]

    def url(self, name: str) -> str:
        return self.processes[name].url

    @property
    def admin_token(self) -> str:
        return admin_token(self.settings)[0]


@contextmanager
def sandbox_stack(*services: str, database_url: str | None = None) -> Iterator[Stack]:
    """Start the services in order; stop them and the broker, and remove the data dir (kept on failure)."""
    tmp = Path(tempfile.mkdtemp())
    with ExitStack() as stack:
        broker = stack.enter_context(EmbeddedBroker("127.0.0.1", free_port()))
        ports = {
            f"{name}_port": free_port() for name in ("registry", "login", "assinatura", "tramita", "console")
        }
        settings = Settings(
            data_dir=tmp,
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            log_level="warning",
            **ports,
        )
        processes: dict[str, ServiceProcess] = {}
        for name in services:
            proc = ServiceProcess(name, settings, tmp / f"{name}.log")
            stack.callback(proc.stop)
            processes[name] = proc.start(timeout=START_TIMEOUT.get(name, 90.0))
        yield Stack(settings, tmp, processes)
    shutil.rmtree(tmp, ignore_errors=True)


def percentiles_ms(latencies: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds of latencies in seconds."""
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
