"""Readiness report, Tramita rules: driving PEN's homologation checklist against the robots turns TRAM-01..03
green; a trâmite left to expire (virtual clock, 8 days) turns TRAM-05 red with its IDT as evidence."""

from __future__ import annotations

import asyncio
import base64

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from sandbox_kernel.readiness.catalogue import rules
from sandbox_kernel.readiness.cli import ROBOT_SYSTEM_NAME
from sandbox_kernel.readiness.judge import build_report
from sandbox_kernel.readiness.model import Outcome
from sandbox_kernel.readiness.source import ente_events
from tramita_mock.domain.receipts import recibo_text, sign

from .conftest import SEED_ENTE, component, documento, now_utc, processo_body
from .test_flows import tramita_post

STATUS = "br.gov.sandbox.tramita.tramite.status_changed"


async def _send(pen, tramita, destino: str, protocolo: str) -> int:
    data = protocolo.encode() * 10
    created = await pen.send(
        processo_body(
            tramita.unit("PROT"),
            tramita.unit(destino),
            [documento(1, [component("despacho.html", data, "text/html")])],
            protocolo,
        )
    )
    response = await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], protocolo, data)
    assert response.status_code == 200, response.text
    return created["IDT"]


async def _receive(pen, tramita, idt: int) -> None:
    """The recipient's side, as SEI does it: metadata, every component, a signed receipt."""
    await pen.wait_situacao(idt, 2)
    meta = (await pen.get(f"/tramites/{idt}")).json()
    protocolo = meta["processo"]["protocolo"]
    hashes = []
    for documento_ in meta["processo"]["documentos"]:
        for c in documento_["componentesDigitais"]:
            h, size = c["hash"]["conteudo"], c["tamanhoEmBytes"]
            r = await pen.post(
                f"/tramites/{idt}/protocolos/componentes-digitais/partes/0-{size}",
                json={"hashDoComponenteDigital": h, "protocolo": protocolo},
            )
            assert r.status_code == 200 and base64.b64decode(r.content), r.text
            hashes.append(h)
    key = load_pem_private_key(tramita.seed.key.read_bytes(), password=None)
    when = now_utc()
    signed = sign(recibo_text(idt, meta["nre"], when, hashes), key)
    r = await pen.post(
        f"/tramites/{idt}/recibo", json={"dataDeRecebimento": when, "hashDaAssinatura": signed}
    )
    assert r.status_code == 200, r.text


async def _findings(tramita, sandbox_events, idt: int, para: int):
    await sandbox_events.wait_for(type=STATUS, match={"IDT": idt, "para": para}, timeout=30)
    await asyncio.sleep(0.3)
    settings = tramita.settings
    events = await ente_events(settings.bootstrap_servers, settings.topic_namespace, SEED_ENTE)
    systems = (await tramita.registry.get(f"/entes/{SEED_ENTE}/systems")).json()
    own = frozenset(s["id"] for s in systems if s["nome"] != ROBOT_SYSTEM_NAME)  # as the CLI does
    report = build_report(SEED_ENTE, list(rules("tramita")), events, own_systems=own)
    return report, {f.regra: f for f in report.achados}


async def test_pen_checklist_green_then_an_expired_tramite_red(tramita, sandbox_events):
    async with tramita.client(tramita.seed) as pen:
        sent = await _send(pen, tramita, "RBACE", "99990.000201/2026-11")
        await pen.wait_situacao(sent, 5)
        assert (await pen.get(f"/tramites/{sent}/recibo")).status_code == 200
        _, by_rule = await _findings(tramita, sandbox_events, sent, 6)
        assert by_rule["TRAM-01"].resultado is Outcome.PASSA
        # the robot's own receipt is no proof that the ente can receive
        assert by_rule["TRAM-02"].resultado is Outcome.FALHA and by_rule["TRAM-03"].resultado is Outcome.FALHA

        robo = tramita.unit("RBENV")["numeroDeIdentificacaoDaEstrutura"]
        response = await tramita_post(tramita, f"/sandbox/tramita/robos/{robo}/enviar")
        assert response.status_code == 201, response.text
        received = response.json()["IDT"]
        await _receive(pen, tramita, received)

        refused = await _send(pen, tramita, "RBREC", "99990.000202/2026-22")
        await pen.wait_situacao(refused, 8)
        assert (await pen.get(f"/tramites/{refused}/ciencia")).status_code == 200
        report, by_rule = await _findings(tramita, sandbox_events, refused, 9)
        for rule in ("TRAM-01", "TRAM-02", "TRAM-03", "TRAM-04", "TRAM-05", "TRAM-06"):
            assert by_rule[rule].resultado is Outcome.PASSA, (rule, by_rule[rule].explicacao)
        assert by_rule["TRAM-02"].evidencias[0].detalhe["IDT"] == received
        assert by_rule["TRAM-07"].resultado is Outcome.AUTOAVALIACAO  # requer a plataforma real
        assert report.pronto_para_homologacao

        idle = await _send(pen, tramita, "RBSIL", "99990.000203/2026-33")
        moved = await tramita.registry.post(f"/entes/{SEED_ENTE}/clock/advance", json={"by": "8d"})
        assert moved.status_code == 200, moved.text
        await pen.wait_situacao(idle, 10, timeout=30)
    report, by_rule = await _findings(tramita, sandbox_events, idle, 10)
    expired = by_rule["TRAM-05"]
    assert expired.resultado is Outcome.FALHA and "TRAM-05" in report.resumo.bloqueios
    assert [e.detalhe["IDT"] for e in expired.evidencias] == [idle]
    assert "pendências" in expired.correcao and not report.pronto_para_homologacao
