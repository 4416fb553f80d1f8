"""Tramita faults against the running emulator over mutual TLS: any real error code on any operation, a dropped
connection, a revoked certificate, a silent pendências long poll and a robot that answers late."""

from __future__ import annotations

import httpx
import pytest

from ..tramita.conftest import SEED_ENTE, assert_error, component, documento, processo_body

INJECTED = "br.gov.sandbox.tramita.fault.injected"


@pytest.fixture
def faults(sandbox_faults, tramita):
    sandbox_faults.clients.append(tramita.app)  # the in-process Tramita: refreshed directly
    return sandbox_faults


def _body(tramita, sigla: str, protocolo: str, data: bytes) -> dict:
    return processo_body(
        tramita.unit("PROT"),
        tramita.unit(sigla),
        [documento(1, [component("a.html", data, "text/html")])],
        protocolo,
    )


async def test_error_code_drop_and_revoked_certificate(tramita, faults, sandbox_events):
    rule = await faults.add(
        SEED_ENTE, service="tramita", endpoint="enviarProcesso", status=500, codigo="0044", count=1
    )
    async with tramita.client(tramita.seed) as pen:
        failed = await pen.post(
            "/tramites/processo", json=_body(tramita, "RBSIL", "99990.000201/2026-01", b"x")
        )
        assert_error(failed, "0044", 500, "Processo já possui um trâmite em andamento")
        event = await sandbox_events.wait_for(type=INJECTED, match={"rule_id": rule["id"]})
        assert event.data["system_id"]  # the system behind the client certificate
        assert event.data["endpoint"] == "enviarProcesso" and event.topic.endswith(
            f"govbr.{SEED_ENTE}.tramita"
        )
        created = await pen.send(_body(tramita, "RBSIL", "99990.000201/2026-01", b"x"))  # spent: works again
        assert created["IDT"]

        await faults.add(SEED_ENTE, service="tramita", endpoint="consultarTramites", effect="drop", count=1)
        with pytest.raises(httpx.RemoteProtocolError):
            await pen.get("/tramites", params={"IDT": created["IDT"]})
        assert await pen.situacao(created["IDT"]) == 1

        await faults.add(SEED_ENTE, service="tramita", effect="revoked_certificate", count=1)
        revoked = await pen.get("/tramites", params={"IDT": created["IDT"]})
        assert_error(revoked, "0902", 403, "revogado")
        assert await pen.situacao(created["IDT"]) == 1
    await sandbox_events.wait_for(type=INJECTED, match={"effect": "revoked_certificate"})


async def test_silent_pendencias_and_late_robot(tramita, faults, sandbox_events):
    robo = tramita.unit("RBENV")["numeroDeIdentificacaoDaEstrutura"]
    async with tramita.client(tramita.seed) as pen:
        base = str(pen.http.base_url).split("/interoperabilidade")[0]
        sent = await pen.http.post(f"{base}/sandbox/tramita/robos/{robo}/enviar")  # a system of its ente
        assert sent.status_code == 201, sent.text
        await faults.add(SEED_ENTE, service="tramita", effect="silent_pendencias", count=1)
        params = {"idTramiteDaPendenciaRecebida": 0, "timeout": 1}
        silent = await pen.http.get(f"{base}/pendencias/", params=params)
        assert silent.json() == {"encontrou": False}
        found = await pen.http.get(f"{base}/pendencias/", params=params)
        assert found.json()["encontrou"] is True

        await faults.add(SEED_ENTE, service="tramita", effect="late_robot", latency_ms=1500, count=1)
        created = await pen.send(_body(tramita, "RBACE", "99990.000202/2026-02", b"tarde"))
        r = await pen.upload(
            created["ticketParaEnvioDeComponentesDigitais"], "99990.000202/2026-02", b"tarde"
        )
        assert r.status_code == 200, r.text
        await pen.wait_situacao(created["IDT"], 5, timeout=30)  # late, but it answers
    await sandbox_events.wait_for(type=INJECTED, match={"effect": "late_robot"})
