"""The robot counterparts: registry units that act through this same public API with their own certificates.

Each ente's robot units (accept / refuse / silent / send, configured in the registry) are bound to one
robot system whose certificate the runner obtains from the registry (``POST /entes/{ibge}/systems`` with
the admin token) and keeps in ``<data dir>/tramita/robos/<ibge>.json`` (mode 0600). The runner is driven
by Kafka: it reads the ``pendencia.created`` events of the tramita topics and, for a robot system, does
what a real client would do after ``GET tramites/pendentes``:

- accept: read the metadata (2 → 3), download every component (→ 4), sign and send the receipt (→ 5);
- refuse: read the metadata, then refuse with the unit's motivo and justificativa (→ 8);
- silent: nothing (the trâmite stays pending until it is cancelled or auto-cancelled at 10);
- send: as sender, fetch the receipt at 5 (→ 6) or acknowledge a refusal at 8 (→ 9); and send a sample
  process to its target unit on demand (``POST /sandbox/tramita/robos/{unidade}/enviar``) or every
  ``SANDBOX_TRAMITA_ROBOT_SEND_INTERVAL_SECONDS``.

Requests go through the full ASGI app (routing, certificate lookup in the registry, the same code as any
client) with the robot's certificate in the ASGI TLS extension; only the socket is skipped.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from sandbox_kernel.events.reader import EventReader
from sandbox_kernel.events.topics import topic_pattern
from sandbox_kernel.faults.hooks import robot_delay
from sandbox_kernel.registry_client import RegistryUnavailable

from . import keys
from .app_info import connection_info
from .domain import receipts
from .domain.states import PENDING_FOR_SENDER, Situacao
from .identity import _WithTLS

log = logging.getLogger("govbr_sandbox.tramita.robots")

PENDENCIA = "br.gov.sandbox.tramita.pendencia.created"
API = "/interoperabilidade/rest/v3"
SAFETY_SWEEP_SECONDS = 30.0


@dataclass
class RobotSystem:
    ente: str
    system_id: str
    certificate_pem: str
    private_key_pem: str
    units: dict[str, dict] = field(default_factory=dict)  # unit id → registry unit (with robot)
    client: httpx.AsyncClient | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def key(self):
        return serialization.load_pem_private_key(self.private_key_pem.encode(), password=None)

    @property
    def fingerprint(self) -> str:
        return (
            x509.load_pem_x509_certificate(self.certificate_pem.encode()).fingerprint(hashes.SHA256()).hex()
        )


def now_utc() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def sample_processo(robot: dict, target: dict, seq: int) -> tuple[dict, list[bytes]]:
    """A small process with two documents (an HTML dispatch and a text attachment)."""
    year = datetime.now(UTC).year
    html = f"<html><body><p>Despacho {seq} do robô do sandbox ({now_utc()}).</p></body></html>".encode()
    anexo = ("Anexo gerado pelo robô do sandbox.\n" * 200 + f"{seq}\n").encode()
    contents = [html, anexo]
    produtor = {"nome": robot["nome"][:150], "tipo": "orgaopublico"}
    stamp = now_utc()

    def documento(ordem: int, data: bytes, nome: str, mime: str, especie: tuple[int, str]) -> dict:
        return {
            "ordem": ordem,
            "descricao": "***",
            "nivelDeSigilo": 1,
            "dataHoraDeProducao": stamp,
            "dataHoraDeRegistro": stamp,
            "produtor": produtor,
            "especie": {"codigo": especie[0], "nomeNoProdutor": especie[1]},
            "componentesDigitais": [
                {
                    "ordem": 1,
                    "nome": nome,
                    "hash": {"algoritmo": "SHA256", "conteudo": sha256_b64(data)},
                    "tamanhoEmBytes": len(data),
                    "mimeType": mime,
                    "tipoDeConteudo": "txt",
                }
            ],
        }

    body = {
        "cabecalho": {
            "remetente": {
                "identificacaoDoRepositorioDeEstruturas": robot["repository_id"],
                "numeroDeIdentificacaoDaEstrutura": robot["numeroDeIdentificacaoDaEstrutura"],
            },
            "destinatario": {
                "identificacaoDoRepositorioDeEstruturas": target["repository_id"],
                "numeroDeIdentificacaoDaEstrutura": target["numeroDeIdentificacaoDaEstrutura"],
            },
            "enviarApenasComponentesDigitaisPendentes": False,
            "propriedadesAdicionais": [{"chave": "MODULO_PEN_VERSAO", "valor": "sandbox-robo"}],
        },
        "processo": {
            "protocolo": f"99990.{seq % 1000000:06d}/{year}-00",
            "nivelDeSigilo": 1,
            "processoDeNegocio": "Processo de exemplo do robô",
            "descricao": "Enviado pelo robô do sandbox para testar o recebimento",
            "dataHoraDeProducao": stamp,
            "dataHoraDeRegistro": stamp,
            "produtor": produtor,
            "interessados": [{"nome": "Interessado Sintético da Silva"}],
            "documentos": [
                documento(1, html, "despacho.html", "text/html", (42, "Despacho")),
                documento(2, anexo, "anexo.txt", "text/plain", (180, "Documento")),
            ],
        },
    }
    return body, contents


def components_in(metadados: dict) -> list[tuple[str, str]]:
    """(protocolo, hash) of every component in GET tramites/{IDT}, apensados included."""
    out: list[tuple[str, str]] = []

    def walk(proc: dict) -> None:
        for doc in proc.get("documentos") or []:
            for comp in doc.get("componentesDigitais") or []:
                out.append((proc["protocolo"], comp["hash"]["conteudo"]))
        for apensado in proc.get("processoApensado") or []:
            walk(apensado)

    if "processo" in metadados:
        walk(metadados["processo"])
    else:
        doc = metadados["documento"]
        out.extend((doc["protocolo"], c["hash"]["conteudo"]) for c in doc.get("componentesDigitais") or [])
    return list(dict.fromkeys(out))


class RobotRunner:
    def __init__(self, app, service) -> None:
        self.app = app
        self.service = service
        self.settings = service.runtime.settings
        self.dir = keys.tramita_dir(self.settings) / "robos"
        self.systems: dict[str, RobotSystem] = {}  # by ente
        self._sent = 0
        self._ready = asyncio.Event()

    # ------------------------------------------------------------------------------------------ identities

    def _path(self, ente: str) -> Path:
        return self.dir / f"{ente}.json"

    async def ensure(self, ente: str) -> RobotSystem | None:
        """The robot system of ``ente``: loaded from the data dir, or created through the registry."""
        registry = self.service.registry
        units = {
            u["numeroDeIdentificacaoDaEstrutura"]: u
            for u in await registry.units_of_ente(ente)
            if u.get("robot")
        }
        if not units:
            return None
        current = self.systems.get(ente)
        if current is None and self._path(ente).exists():
            saved = json.loads(self._path(ente).read_text())
            owner = await registry.certificate_owner(
                x509.load_pem_x509_certificate(saved["certificate_pem"].encode())
                .fingerprint(hashes.SHA256())
                .hex()
            )
            if owner and not owner.get("revoked") and set(owner["system"]["unidades"]) >= set(units):
                current = RobotSystem(
                    ente, saved["system_id"], saved["certificate_pem"], saved["private_key_pem"]
                )
        if current is None:
            created = await registry.create_system(ente, "Robôs do sandbox", sorted(units))
            current = RobotSystem(ente, created["id"], created["certificate_pem"], created["private_key_pem"])
            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._path(ente), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(
                    {"system_id": current.system_id, "certificate_pem": current.certificate_pem,
                     "private_key_pem": current.private_key_pem},
                    fh,
                )  # fmt: skip
            log.info("robot system %s created for ente %s (%d units)", current.system_id, ente, len(units))
        current.units = units
        if current.client is None:
            tls = {"client_cert_chain": [current.certificate_pem], "server_cert": None}
            current.client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=_WithTLS(self.app, tls)),
                base_url=f"https://tramita.sandbox.interno{API}",
                timeout=60.0,
            )
        known = ente in self.systems
        self.systems[ente] = current
        if not known and self._ready.is_set():
            self.write_info()
        return current

    async def ensure_all(self) -> None:
        for ente in await self.service.registry.entes():
            ibge = ente.get("ibge") if isinstance(ente, dict) else str(ente)
            if ibge:
                try:
                    await self.ensure(ibge)
                except RegistryUnavailable as exc:
                    log.warning("robots of ente %s not ready: %s", ibge, exc)

    def system_by_id(self, system_id: str | None) -> RobotSystem | None:
        return next((s for s in self.systems.values() if s.system_id == system_id), None)

    def system_of_unit(self, unit_id: str) -> RobotSystem | None:
        return next((s for s in self.systems.values() if unit_id in s.units), None)

    async def ready_system_of_unit(self, unit_id: str) -> RobotSystem | None:
        """``system_of_unit`` once the robots are loaded (right after start they may not be yet)."""
        await self._ready.wait()
        return self.system_of_unit(unit_id)

    # ------------------------------------------------------------------------------------------ loop

    async def run(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.ensure_all()
                break
            except Exception as exc:  # the registry may start after us
                log.info("robots waiting for the registry: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
        self._ready.set()
        self.write_info()
        tasks = [asyncio.create_task(self._consume()), asyncio.create_task(self._sweeps())]
        if self.service.settings.robot_send_interval_seconds > 0:
            tasks.append(asyncio.create_task(self._send_periodically()))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for system in self.systems.values():
                if system.client is not None:
                    with contextlib.suppress(Exception):
                        await system.client.aclose()

    async def _consume(self) -> None:
        pattern = topic_pattern(self.settings.topic_namespace, service="tramita")
        async with EventReader(self.settings.bootstrap_servers, pattern, from_beginning=False) as reader:
            async for batch in reader.batches(poll_ms=100):
                for item in batch:
                    if item.type != PENDENCIA:
                        continue
                    data = item.data
                    system = self.system_by_id(data.get("sistema")) or self.system_of_unit(
                        str((data.get("unidade") or {}).get("numeroDeIdentificacaoDaEstrutura"))
                    )
                    if system is None and data.get("papel") == "destinatario":
                        ente = item.event.get_attributes().get("ente")
                        if ente:
                            with contextlib.suppress(Exception):
                                system = await self.ensure(str(ente))
                    if system is not None:
                        asyncio.create_task(self.process(system))

    async def _sweeps(self) -> None:
        while True:
            for system in list(self.systems.values()):
                await self.process(system)
            await asyncio.sleep(SAFETY_SWEEP_SECONDS)

    async def _send_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.service.settings.robot_send_interval_seconds)
            for system in list(self.systems.values()):
                for unit in system.units.values():
                    if unit["robot"]["kind"] == "send":
                        with contextlib.suppress(Exception):
                            await self.send_sample(unit["numeroDeIdentificacaoDaEstrutura"])

    # ------------------------------------------------------------------------------------------ acting

    async def process(self, system: RobotSystem) -> None:
        """What a client does with ``GET tramites/pendentes``: act on each item."""
        delay = await robot_delay(self.service.runtime, system.ente, system.system_id)  # a late_robot rule
        if delay:
            await asyncio.sleep(delay)
        async with system.lock:
            assert system.client is not None
            try:
                response = await system.client.get("/tramites/pendentes", params={"todas": "true"})
                if response.status_code != 200:
                    log.warning(
                        "robot %s: pendentes answered %s %s",
                        system.system_id,
                        response.status_code,
                        response.text,
                    )
                    return
                for item in response.json():
                    try:
                        await self._act(system, int(item["IDT"]), int(item["status"]))
                    except Exception:
                        log.exception("robot %s failed on IDT %s", system.system_id, item.get("IDT"))
            except Exception:
                log.exception("robot %s could not process its pendências", system.system_id)

    async def _act(self, system: RobotSystem, idt: int, status: int) -> None:
        client = system.client
        assert client is not None
        if status == Situacao.NAO_INICIADO:  # a synchronisation request: robots have nothing to re-send
            return
        if status in PENDING_FOR_SENDER:  # 5: fetch the receipt; 8: acknowledge the refusal
            path = (
                f"/tramites/{idt}/recibo"
                if status == Situacao.RECIBO_ENVIADO_DESTINATARIO
                else f"/tramites/{idt}/ciencia"
            )
            (await client.get(path)).raise_for_status()
            return
        listed = (await client.get("/tramites", params={"IDT": idt})).json()["tramites"]
        if not listed:
            return
        unit = system.units.get(str(listed[0]["destinatario"]["numeroDeIdentificacaoDaEstrutura"]))
        if unit is None:
            return
        behaviour = unit["robot"]
        if behaviour["kind"] == "silent" or behaviour["kind"] == "send":
            return
        meta = await client.get(f"/tramites/{idt}")
        meta.raise_for_status()
        if behaviour["kind"] == "refuse":
            response = await client.post(
                f"/tramites/{idt}/recusa",
                json={
                    "motivo": behaviour.get("motivo") or "99",
                    "justificativa": behaviour.get("justificativa") or "Recusa do robô",
                },
            )
            response.raise_for_status()
            return
        # accept: download everything, check the hashes, sign the receipt
        downloaded = []
        for protocolo, hash_ in components_in(meta.json()):
            response = await client.post(
                f"/tramites/{idt}/protocolos/componentes-digitais",
                json={"hashDoComponenteDigital": hash_, "protocolo": protocolo},
            )
            response.raise_for_status()
            if sha256_b64(base64.b64decode(response.content)) != hash_:
                await client.post(
                    f"/tramites/{idt}/recusa",
                    json={"motivo": "02", "justificativa": f"Hash do componente {hash_} não confere."},
                )
                return
            downloaded.append(hash_)
        data = now_utc()
        text = receipts.recibo_text(idt, meta.json()["nre"], data, downloaded)
        response = await client.post(
            f"/tramites/{idt}/recibo",
            json={"dataDeRecebimento": data, "hashDaAssinatura": receipts.sign(text, system.key)},
        )
        response.raise_for_status()

    async def send_sample(self, unit_id: str) -> dict:
        """The send robot sends a sample process (two documents, the second in parts) to its target unit."""
        await self._ready.wait()
        system = self.system_of_unit(unit_id)
        if system is None:
            raise LookupError(f"a unidade {unit_id} não é um robô conhecido")
        unit = system.units[unit_id]
        behaviour = unit["robot"]
        if behaviour["kind"] != "send":
            raise LookupError(f"a unidade {unit_id} não é um robô que envia")
        target = await self.service.registry.unit(str(behaviour["target_unit_id"]))
        if target is None:
            raise LookupError(f"unidade de destino {behaviour['target_unit_id']} não encontrada")
        self._sent += 1
        body, contents = sample_processo(unit, target, int(datetime.now(UTC).timestamp() * 1000) + self._sent)
        client = system.client
        assert client is not None
        response = await client.post("/tramites/processo", json=body)
        response.raise_for_status()
        created = response.json()
        ticket = created["ticketParaEnvioDeComponentesDigitais"]
        protocolo = body["processo"]["protocolo"]
        url = f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar"
        html, anexo = contents
        hashes_ = [sha256_b64(html), sha256_b64(anexo)]
        r = await client.put(
            url,
            files={"conteudo": ("conteudo.html", html, "text/html")},
            data={"hashDoComponenteDigital": hashes_[0], "protocolo": protocolo},
        )
        r.raise_for_status()
        half = len(anexo) // 2
        for inicio, fim in ((0, half), (half, len(anexo))):
            r = await client.put(
                f"{url}/partes/{inicio}-{fim}",
                files={"conteudo": ("arquivo_externo.html", anexo[inicio:fim], "text/plain")},
                data={"hashDoComponenteDigital": hashes_[1], "protocolo": protocolo},
            )
            r.raise_for_status()
        r = await client.post(
            f"{url}/partes/sinalizacao-termino-envio",
            json={"hashDoComponenteDigital": hashes_[1], "protocolo": protocolo},
        )
        r.raise_for_status()
        return {
            **created,
            "protocolo": protocolo,
            "remetente_sistema": system.system_id,
            "remetente": body["cabecalho"]["remetente"],
            "destinatario": body["cabecalho"]["destinatario"],
        }

    def write_info(self) -> None:
        """``<data dir>/tramita/info.json``: how to connect and the robots (no secrets), for ``info --json``."""
        info = connection_info(self.settings, keys.tls_files(self.settings), self.info())
        path = keys.tramita_dir(self.settings) / "info.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        tmp.replace(path)

    def info(self) -> list[dict]:
        return [
            {
                "ente": s.ente,
                "sistema": s.system_id,
                "certificado_sha256": s.fingerprint,
                "unidades": [
                    {
                        "numeroDeIdentificacaoDaEstrutura": u["numeroDeIdentificacaoDaEstrutura"],
                        "nome": u["nome"],
                        "sigla": u["sigla"],
                        "repositorio": u["repository_id"],
                        "robot": u["robot"],
                    }
                    for u in s.units.values()
                ],
            }
            for s in self.systems.values()
        ]
