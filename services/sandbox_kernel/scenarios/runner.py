"""Run scenarios against a running sandbox (``govbr-sandbox up``), over HTTP and Kafka like any client.

Each scenario: its setup is created in the registry (clients, fault rules, clock), the steps run, the expected
events are awaited on the ente's topics, and everything the setup created is removed again. The result is one
JUnit test case per scenario file.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx

from ..clock import parse_duration
from ..secrets import admin_token
from ..services import local_verify, resolve_service
from ..settings import Settings
from ..testing.events import EventsHelper
from . import assinatura, login
from .login import Provider
from .model import (
    AdvanceClockStep,
    LoginStep,
    Scenario,
    ScenarioError,
    SendTramiteArgs,
    SendTramiteStep,
    SignStep,
    TramitaCallStep,
    WaitSituacaoStep,
    WaitStep,
    load_scenario,
)
from .tramita import TramitaSystem

FAULTED = ("login", "assinatura", "tramita")


class StepFailed(AssertionError):
    pass


@dataclass
class Result:
    path: str
    name: str
    outcome: str  # passed | failed | error
    message: str = ""
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)


class Run:
    """One scenario's run: its HTTP clients, what its setup created, and the events it saw."""

    def __init__(self, settings: Settings, scenario: Scenario, events: EventsHelper) -> None:
        self.settings, self.scenario, self.events = settings, scenario, events
        token, _ = admin_token(settings)
        verify = local_verify(settings)
        self.registry = httpx.AsyncClient(
            base_url=f"{settings.registry_base_url}/sandbox/registry",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        self.login = httpx.AsyncClient(
            base_url=resolve_service("login").url(settings), verify=verify, timeout=30
        )
        self.assinatura = httpx.AsyncClient(
            base_url=resolve_service("assinatura").url(settings), verify=verify, timeout=30
        )
        self.verify = verify
        self.provider: Provider | None = None  # issuer and JWKS as a client cached them (check_id_token)
        self.clients: dict[str, dict] = {}  # by local name: the registry's answer + service, redirect, scopes
        self.systems: dict[str, TramitaSystem] = {}
        self.units: dict[str, dict] = {}
        self.idt: int | None = None  # the last trâmite sent
        self.faults: list[str] = []
        self.clock_moved = False
        self.log: list[str] = []

    async def close(self) -> None:
        ente = self.scenario.ente
        for rule_id in self.faults:
            await self.registry.delete(f"/entes/{ente}/faults/{rule_id}")
        if self.clock_moved:
            await self.registry.delete(f"/entes/{ente}/clock")
        for client in self.clients.values():
            await self.registry.delete(f"/entes/{ente}/{client['service']}-clients/{client['client_id']}")
        for system in self.systems.values():
            await system.close()
        await self.refresh()
        await self.registry.aclose()
        await self.login.aclose()
        await self.assinatura.aclose()

    async def _ok(self, response: httpx.Response, what: str) -> dict:
        if response.status_code >= 400:
            raise StepFailed(f"{what}: o registry respondeu {response.status_code}: {response.text[:300]}")
        return response.json()

    async def refresh(self) -> None:
        """Every emulator re-reads rules and clocks now, so the next step already sees them."""
        async with httpx.AsyncClient(verify=self.verify, timeout=5) as http:
            for name in FAULTED:
                url = resolve_service(name).url(self.settings)
                try:
                    await http.post(f"{url}/sandbox/overrides/refresh")
                except httpx.HTTPError:
                    pass  # a service not running (or needing a client certificate) follows within a second

    async def setup(self) -> None:
        ente, setup = self.scenario.ente, self.scenario.setup
        if any(isinstance(s, LoginStep) and s.login.check_id_token for s in self.scenario.steps):
            self.provider = await Provider.fetch(self)  # cached before the scenario's rules exist
        for spec in setup.clients:
            body = {
                "nome": f"Cenário {spec.name}",
                "redirect_uris": [spec.redirect_uri],
                "scopes": spec.scope_list(),
                "auto_approve": True,
            }
            created = await self._ok(
                await self.registry.post(f"/entes/{ente}/{spec.service}-clients", json=body),
                f"cliente {spec.name}",
            )
            self.clients[spec.name] = created | {
                "service": spec.service,
                "redirect_uri": spec.redirect_uri,
                "scopes": spec.scope_list(),
            }
        if setup.systems:
            units = await self._ok(await self.registry.get(f"/entes/{ente}/estruturas"), "unidades do ente")
            self.units = {u["sigla"]: u for u in units}
            own = next(u for u in units if not u.get("robot"))
            tramita_url = resolve_service("tramita").url(self.settings)
            root = self.settings.data_dir / "pki" / "raiz-sandbox.crt"
            for system in setup.systems:
                body = {
                    "nome": f"Cenário {system.name}"[:64],
                    "unidades": [own["numeroDeIdentificacaoDaEstrutura"]],
                }
                created = await self._ok(
                    await self.registry.post(f"/entes/{ente}/systems", json=body), system.name
                )
                self.systems[system.name] = TramitaSystem(tramita_url, root, created, own)
        for index, fault in enumerate(setup.faults):
            body = fault.model_dump(exclude_none=True)
            created = await self._ok(
                await self.registry.post(f"/entes/{ente}/faults", json=body), f"falha {index}"
            )
            self.faults.append(created["id"])
        if setup.clock:
            await self.advance(setup.clock)
        await self.refresh()

    async def advance(self, by: str) -> None:
        ente = self.scenario.ente
        await self._ok(await self.registry.post(f"/entes/{ente}/clock/advance", json={"by": by}), "relógio")
        self.clock_moved = True
        await self.refresh()
        self.log.append(f"relógio do ente {ente} avançado {by}")

    async def send_tramite(self, send: SendTramiteArgs) -> None:
        if send.to not in self.units:
            raise StepFailed(f"unidade {send.to!r} não existe no ente ({', '.join(sorted(self.units))})")
        sent = await self.systems[send.system].send(
            self.units[send.to],
            send.protocolo,
            [d.encode() for d in send.documentos] if send.documentos else None,
            same_nre=send.same_nre,
            apenas_pendentes=send.apenas_pendentes,
        )
        if sent.codigo is not None or send.expect_codigo is not None:
            if sent.codigo != send.expect_codigo:
                got = f"{sent.codigo}: {sent.mensagem[:200]}" if sent.codigo else f"o trâmite {sent.idt}"
                raise StepFailed(
                    f"enviarProcesso devolveu {got}; esperado {send.expect_codigo or 'um trâmite'}"
                )
            if send.expect_text is not None and send.expect_text not in sent.mensagem:
                raise StepFailed(
                    f"a mensagem do {sent.codigo} não contém {send.expect_text!r}: {sent.mensagem}"
                )
            self.log.append(f"enviarProcesso recusado com {sent.codigo}, como esperado")
            return
        if send.expect_requested is not None and sent.requested != send.expect_requested:
            raise StepFailed(
                f"a plataforma pediu {sent.requested} componente(s), esperado {send.expect_requested}"
            )
        self.idt = sent.idt
        self.log.append(
            f"trâmite {self.idt} (NRE {sent.nre}) enviado para {send.to}: {sent.requested} componente(s) pedido(s)"
        )

    async def run_steps(self) -> None:
        for index, step in enumerate(self.scenario.steps):
            try:
                if isinstance(step, LoginStep):
                    await login.login(self, step.login)
                elif isinstance(step, SignStep):
                    await assinatura.sign(self, step.sign)
                elif isinstance(step, AdvanceClockStep):
                    await self.advance(step.advance_clock)
                elif isinstance(step, SendTramiteStep):
                    await self.send_tramite(step.send_tramite)
                elif isinstance(step, WaitSituacaoStep):
                    wait = step.wait_situacao
                    await self.systems[wait.system].wait_situacao(
                        self.idt, wait.situacao, parse_duration(wait.within)
                    )
                    self.log.append(f"trâmite {self.idt} na situação {wait.situacao}")
                elif isinstance(step, TramitaCallStep):
                    call = step.tramita_call
                    path = call.path.replace("{idt}", str(self.idt))
                    response = await self.systems[call.system].http.request(call.method, path)
                    if response.status_code != call.expect_status:
                        raise StepFailed(
                            f"{call.method} {path} respondeu {response.status_code}, esperado {call.expect_status}: "
                            f"{response.text[:200]}"
                        )
                elif isinstance(step, WaitStep):
                    await asyncio.sleep(parse_duration(step.wait))
            except AssertionError as exc:
                raise StepFailed(f"passo {index + 1}: {exc}") from None

    async def expect(self, since: datetime) -> None:
        expect = self.scenario.expect
        deadline = time.monotonic() + parse_duration(expect.within)
        after: datetime | None = None
        for index, wanted in enumerate(expect.events):

            def matches(item, wanted=wanted, after=after) -> bool:
                moment = item.event.get_time()
                if moment is None or moment < since or (after is not None and moment < after):
                    return False
                if f"govbr.{self.scenario.ente}." not in item.topic:
                    return False
                return all(item.data.get(k) == v for k, v in wanted.fields.items())

            try:
                found = await self.events.wait_for(
                    type=wanted.type, match=matches, timeout=max(0.1, deadline - time.monotonic())
                )
            except AssertionError:
                seen = sorted(
                    {e.type for e in self.events.received if (e.event.get_time() or since) >= since}
                )
                order = " depois do anterior" if expect.ordered and after else ""
                raise StepFailed(
                    f"evento {index + 1} não chegou{order} em {expect.within}: {wanted.type} com {wanted.fields}; "
                    f"tipos vistos: {', '.join(seen) or 'nenhum'}"
                ) from None
            if expect.ordered:
                after = found.event.get_time()
            self.log.append(f"evento {wanted.type} recebido")


async def run_scenarios(settings: Settings, paths: list[Path]) -> list[Result]:
    results: list[Result] = []
    events = await EventsHelper(settings.bootstrap_servers, settings.topic_namespace).start()
    try:
        for path in paths:
            results.append(await _run_one(settings, path, events))
    finally:
        await events.stop()
    return results


async def _run_one(settings: Settings, path: Path, events: EventsHelper) -> Result:
    started = time.monotonic()
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return Result(str(path), path.stem, "error", str(exc))
    run = Run(settings, scenario, events)
    since = datetime.now(UTC)
    try:
        await run.setup()
        await run.run_steps()
        await run.expect(since)
        outcome, message = "passed", ""
    except StepFailed as exc:
        outcome, message = "failed", str(exc)
    except httpx.HTTPError as exc:
        outcome, message = "error", f"sandbox inacessível: {type(exc).__name__}: {exc}"
    finally:
        try:
            await run.close()
        except httpx.HTTPError:
            pass
    return Result(str(path), scenario.name, outcome, message, time.monotonic() - started, run.log)


def junit_xml(results: list[Result]) -> str:
    suite = ET.Element(
        "testsuite",
        name="govbr-sandbox scenarios",
        tests=str(len(results)),
        failures=str(sum(r.outcome == "failed" for r in results)),
        errors=str(sum(r.outcome == "error" for r in results)),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname=Path(r.path).stem, name=r.name, time=f"{r.seconds:.3f}"
        )
        if r.outcome != "passed":
            ET.SubElement(
                case, "failure" if r.outcome == "failed" else "error", message=r.message
            ).text = r.message
        if r.log:
            ET.SubElement(case, "system-out").text = "\n".join(r.log)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
