"""``govbr-sandbox up``: the broker plus one process per service, their logs, and a clean stop.

Restart policy: a service that dies is reported and restarted; more than ``MAX_RESTARTS`` deaths in
``RESTART_WINDOW`` seconds stop the whole run with exit code 1 (something is wrong that a restart
will not fix). The embedded broker is restarted the same way; the outboxes re-deliver what it lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field

import httpx
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .broker import EmbeddedBroker, require_free_port
from .front import Front
from .process import child_preexec
from .serve import preflight
from .services import ServiceInfo, local_verify
from .settings import Settings

MAX_RESTARTS = 3
RESTART_WINDOW = 60.0
HEALTH_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
COLORS = {
    "registry": "cyan",
    "login": "green",
    "assinatura": "magenta",
    "tramita": "yellow",
    "console": "bright_white",
    "broker": "blue",
    "front": "bright_white",
}


@dataclass
class Child:
    service: ServiceInfo
    process: asyncio.subprocess.Process | None = None
    deaths: deque = field(default_factory=lambda: deque(maxlen=MAX_RESTARTS + 1))
    tail: deque = field(default_factory=lambda: deque(maxlen=20))
    stopping: bool = False


class Supervisor:
    def __init__(self, settings: Settings, services: list[ServiceInfo], console: Console) -> None:
        self.settings = settings
        self.services = services
        self.console = console
        self.children = [Child(s) for s in services]
        self.broker: EmbeddedBroker | None = None
        self.front: Front | None = None
        self.stop_requested = asyncio.Event()
        self.failure: str | None = None

    # entry point ---------------------------------------------------------------------------------

    async def run(self) -> int:
        await self._preflight()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop_requested.set)
        try:
            await self._start_broker()
            for child in self.children:
                await self._spawn(child)
            health = await self._wait_healthy()
            if self.failure is None and self.settings.real_hosts:
                await self._start_front()
            if self.failure is None:
                self._print_table(health)
                await self._watch()
        finally:
            await self._shutdown()
        if self.failure:
            self.console.print(f"[bold red]erro:[/] {self.failure}")
            return 1
        self.console.print("[bold]sandbox parado[/]: nenhum processo ficou para trás.")
        return 0

    # start ---------------------------------------------------------------------------------------

    async def _preflight(self) -> None:
        s = self.settings
        if s.real_hosts:
            require_free_port(s.host, s.real_hosts_port, "SANDBOX_REAL_HOSTS_PORT")
        for child in self.children:
            # asyncio.run inside preflight needs a thread of its own
            await asyncio.to_thread(preflight, s, child.service)

    async def _start_broker(self) -> None:
        if not self.settings.embedded_broker:
            self._say("broker", f"usando Kafka externo em {self.settings.bootstrap_servers}")
            return
        self.broker = EmbeddedBroker(
            self.settings.broker_host,
            self.settings.broker_port,
            log_path=self.settings.data_dir / "broker.log",
        )
        await self.broker.astart()
        self._say("broker", f"broker embutido (Tansu, em memória) em {self.broker.bootstrap_servers}")

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["KAFKA_BOOTSTRAP_SERVERS"] = self.settings.bootstrap_servers
        env["SANDBOX_DATA_DIR"] = str(self.settings.data_dir.resolve())
        env["PYTHONUNBUFFERED"] = "1"
        return env

    async def _spawn(self, child: Child) -> None:
        child.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sandbox_kernel.cli",
            "serve",
            child.service.name,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
            env=self._child_env(),
            preexec_fn=child_preexec,
            start_new_session=True,  # Ctrl-C reaches only us; we stop the children in order
        )
        asyncio.create_task(self._pump(child, child.process))

    async def _pump(self, child: Child, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            child.tail.append(line)
            self._say(child.service.name, line, label=child.service.package)

    async def _wait_healthy(self) -> dict[str, str]:
        result: dict[str, str] = {}
        deadline = time.monotonic() + HEALTH_TIMEOUT
        for child in self.children:
            url = f"{child.service.url(self.settings)}/sandbox/health"
            while True:
                if self.stop_requested.is_set():
                    return result
                if child.process and child.process.returncode is not None:
                    self.failure = (
                        f"{child.service.package} terminou ao iniciar (código {child.process.returncode})"
                    )
                    return result
                status = await self._probe(url)
                if status is not None:
                    result[child.service.name] = status
                    break
                if time.monotonic() > deadline:
                    self.failure = f"{child.service.package} não respondeu em {url} em {HEALTH_TIMEOUT:.0f}s"
                    return result
                await asyncio.sleep(0.2)
        return result

    async def _start_front(self) -> None:
        """Real-hosts mode: the SNI front on <host>:<real_hosts_port> (front.py)."""
        try:
            self.front = await Front(self.settings).start()
        except OSError as exc:
            self.failure = (
                f"SANDBOX_REAL_HOSTS_PORT: não consegui escutar em {self.settings.real_hosts_port} ({exc})"
            )
            return
        where = f"{self.settings.host}:{self.settings.real_hosts_port}"
        self._say("front", f"nomes reais de staging em {where} (SNI): " + ", ".join(self.front.routes))
        self._say("front", "confie na raiz e aponte os nomes para cá: govbr-sandbox trust --write-hosts")

    async def _probe(self, url: str) -> str | None:
        """'ok', 'degraded: <reason>', or None while the service does not answer."""
        try:
            async with httpx.AsyncClient(timeout=2.0, verify=local_verify(self.settings)) as client:
                response = await client.get(url)
        except httpx.HTTPError:
            return None
        if response.status_code not in (200, 503):
            return None
        body = response.json()
        status = body.get("status", "?")
        return status if status == "ok" else f"{status}: {body.get('reason', '')}"

    def _print_table(self, health: dict[str, str]) -> None:
        table = Table(title="govbr-sandbox no ar", title_justify="left")
        table.add_column("serviço")
        table.add_column("URL local")
        table.add_column("substitui")
        table.add_column("saúde")
        for child in self.children:
            s = child.service
            url = s.url(self.settings)
            status = health.get(s.name, "?")
            style = "green" if status == "ok" else "yellow"
            table.add_row(s.package, url, "\n".join(s.replaces) or _role(s.name), Text(status, style=style))
        kind = "embutido (Tansu)" if self.broker else "externo"
        table.add_row("kafka", self.settings.bootstrap_servers, kind, Text("ok", style="green"))
        self.console.print(table)
        self.console.print("Eventos: [bold]govbr-sandbox events tail[/]   ·   Parar: Ctrl-C")

    # watch ---------------------------------------------------------------------------------------

    async def _watch(self) -> None:
        while not self.stop_requested.is_set():
            for child in self.children:
                process = child.process
                if process is not None and process.returncode is not None and not child.stopping:
                    await self._handle_death(child, process.returncode)
            if self.broker and not self.broker.alive() and not self.stop_requested.is_set():
                self._say(
                    "broker",
                    "o broker embutido parou (em memória: voltou vazio); reiniciando — os outboxes republicam "
                    "os eventos retidos",
                )
                before = await self._republished_totals()
                self.broker.process = None
                await self.broker.astart()
                asyncio.create_task(self._report_republish(before))
            if self.failure:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop_requested.wait(), 0.5)

    async def _outbox_states(self) -> dict[str, dict]:
        """Each responding service's health ``outbox`` block."""
        states = {}
        async with httpx.AsyncClient(timeout=2.0, verify=local_verify(self.settings)) as client:
            for child in self.children:
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    response = await client.get(f"{child.service.url(self.settings)}/sandbox/health")
                    states[child.service.name] = response.json().get("outbox") or {}
        return states

    async def _republished_totals(self) -> dict[str, int]:
        states = await self._outbox_states()
        return {name: state.get("republished_since_start") or 0 for name, state in states.items()}

    async def _report_republish(self, before: dict[str, int]) -> None:
        """One line once every service has re-published its retained log to the new broker."""
        started = time.monotonic()
        await asyncio.sleep(2.0)  # the relays notice the new incarnation within a second
        while not self.stop_requested.is_set() and time.monotonic() - started < 600:
            states = await self._outbox_states()
            if states and not any(state.get("republishing") for state in states.values()):
                total = sum(
                    (state.get("republished_since_start") or 0) - before.get(name, 0)
                    for name, state in states.items()
                )
                self._say(
                    "broker",
                    f"republicação concluída: {total} eventos retidos reenviados ao broker novo em "
                    f"{time.monotonic() - started:.1f}s (consumidores: releiam do offset 0, deduplicando pelo id)",
                )
                return
            await asyncio.sleep(0.5)

    async def _handle_death(self, child: Child, code: int) -> None:
        if self.stop_requested.is_set():
            return
        now = time.monotonic()
        child.deaths.append(now)
        recent = [t for t in child.deaths if now - t < RESTART_WINDOW]
        if len(recent) > MAX_RESTARTS:
            self.failure = (
                f"{child.service.package} terminou {len(recent)} vezes em {RESTART_WINDOW:.0f}s "
                f"(último código {code}); parando tudo"
            )
            return
        self._say(
            child.service.name,
            f"terminou com código {code}; reiniciando ({len(recent)}/{MAX_RESTARTS})",
            label=child.service.package,
        )
        await asyncio.sleep(0.5)
        await self._spawn(child)

    # stop ----------------------------------------------------------------------------------------

    async def _shutdown(self) -> None:
        running = [c for c in self.children if c.process and c.process.returncode is None]
        for child in running:
            child.stopping = True
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        for child in running:
            try:
                await asyncio.wait_for(child.process.wait(), STOP_TIMEOUT)  # type: ignore[union-attr]
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    child.process.kill()  # type: ignore[union-attr]
                await child.process.wait()  # type: ignore[union-attr]
        if self.front:
            await self.front.stop()
        if self.broker:
            self.broker.stop()

    def _say(self, name: str, line: str, label: str | None = None) -> None:
        prefix = Text(f"{(label or name):<16}│ ", style=COLORS.get(name, "white"))
        self.console.print(prefix + Text(line), highlight=False, soft_wrap=True)


def _role(name: str) -> str:
    return "(console: eventos e histórias)" if name == "console" else "(plano de controle)"


def run_up(settings: Settings, services: list[ServiceInfo], console: Console) -> int:
    return asyncio.run(Supervisor(settings, services, console).run())
