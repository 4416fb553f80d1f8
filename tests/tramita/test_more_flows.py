"""Auto-cancel after the idle time, loose documents, and the long-poll pendências service."""

from __future__ import annotations

import asyncio

import pytest

from tramita_mock.settings import TramitaSettings

from .conftest import component, documento, processo_body, ref, sha

STATUS = "br.gov.sandbox.tramita.tramite.status_changed"


@pytest.mark.storage
@pytest.mark.parametrize("tramita_settings", [TramitaSettings(idle_seconds=1.5, expiry_check_seconds=0.2)])
async def test_idle_tramite_is_cancelled_automatically(tramita, sandbox_events):
    data = b"<p>parado</p>"
    async with tramita.client(tramita.seed) as pen:
        body = processo_body(
            tramita.unit("PROT"),
            tramita.unit("RBSIL"),
            [documento(1, [component("a.html", data, "text/html")])],
            "99990.000020/2026-01",
        )
        created = await pen.send(body)
        idt = created["IDT"]
        assert (
            await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], "99990.000020/2026-01", data)
        ).status_code == 200
        assert await pen.situacao(idt) == 2  # the silent robot never reads it
        await pen.wait_situacao(idt, 10, timeout=15)
        assert (await pen.http.delete(f"/tramites/{idt}")).status_code == 500  # final: no more cancel
    event = await sandbox_events.wait_for(type=STATUS, match={"IDT": idt, "para": 10})
    assert (
        event.data["gatilho"] == "expiracao" and event.data["ator"] == "plataforma" and event.data["de"] == 2
    )


@pytest.mark.storage
async def test_loose_document_to_two_recipients_shares_one_ticket(tramita):
    data = b"%PDF-1.4 oficio"
    body = {
        "cabecalho": {
            "remetente": ref(tramita.unit("PROT")),
            "destinatarios": [ref(tramita.unit("RBACE")), ref(tramita.unit("RBSIL"))],
        },
        "documento": {
            "protocolo": "99990.000021/2026-02",
            "nivelDeSigilo": 1,
            "descricao": "Ofício circular",
            "dataHoraDeProducao": "2026-11-20T10:00:00-03:00",
            "dataHoraDeRegistro": "2026-11-20T10:00:00-03:00",
            "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
            "especie": {"codigo": 88, "nomeNoProdutor": "Ofício"},
            "interessados": [{"nome": "Cidadão Sintético"}],
            "componentesDigitais": [component("oficio.pdf", data)],
        },
    }
    async with tramita.client(tramita.seed) as pen:
        response = await pen.post("/tramites/documento", json=body)
        assert response.status_code == 200, response.text
        created = response.json()
        assert len(created["tramites"]) == 2 and created["ticketParaEnvioDeComponentesDigitais"]
        ids = [t["IDT"] for t in created["tramites"]]
        r = await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], "99990.000021/2026-02", data)
        assert r.status_code == 200, r.text
        await pen.wait_situacao(ids[0], 5)  # the accepting robot took it
        assert await pen.situacao(ids[1]) == 2  # the silent one did not
        recibo = (await pen.get(f"/tramites/{ids[0]}/recibo")).json()
        assert recibo["recibo"]["hashesDosComponentesDigitais"] == [sha(data)]


@pytest.mark.storage
async def test_long_poll_pendencias_wakes_up_on_a_new_pendencia(tramita):
    robo = tramita.unit("RBENV")["numeroDeIdentificacaoDaEstrutura"]
    async with tramita.client(tramita.seed) as pen:
        base = str(pen.http.base_url).split("/interoperabilidade")[0]
        empty = await pen.http.get(
            f"{base}/pendencias/", params={"idTramiteDaPendenciaRecebida": 0, "timeout": 1}
        )
        assert empty.json() == {"encontrou": False}
        waiting = asyncio.create_task(
            pen.http.get(f"{base}/pendencias/", params={"idTramiteDaPendenciaRecebida": 0, "timeout": 30})
        )
        await asyncio.sleep(0.5)
        assert not waiting.done()
        sent = await pen.http.post(f"{base}/sandbox/tramita/robos/{robo}/enviar")  # a system of its ente
        assert sent.status_code == 201, sent.text
        found = (await asyncio.wait_for(waiting, 20)).json()
        assert found == {"encontrou": True, "IDT": sent.json()["IDT"], "status": "2"}


@pytest.mark.storage
async def test_process_with_an_apensado_asks_components_per_protocol(tramita):
    main_doc, apensado_doc = b"<p>principal</p>", b"<p>apensado</p>"
    body = processo_body(
        tramita.unit("PROT"),
        tramita.unit("RBACE"),
        [documento(1, [component("p.html", main_doc, "text/html")])],
        "99990.000040/2026-01",
    )
    apensado = dict(
        body["processo"],
        protocolo="99990.000041/2026-02",
        documentos=[documento(1, [component("a.html", apensado_doc, "text/html")])],
    )
    body["processo"]["processoApensado"] = [apensado]
    async with tramita.client(tramita.seed) as pen:
        created = await pen.send(body)
        assert created["processosComComponentesDigitaisSolicitados"] == [
            {"protocolo": "99990.000040/2026-01", "hashes": [sha(main_doc)]},
            {"protocolo": "99990.000041/2026-02", "hashes": [sha(apensado_doc)]},
        ]
        ticket = created["ticketParaEnvioDeComponentesDigitais"]
        wrong = await pen.upload(
            ticket, "99990.000040/2026-01", apensado_doc
        )  # the apensado's own protocol is required
        assert wrong.status_code == 500 and wrong.json()["codigoErro"] == "0907"
        assert (await pen.upload(ticket, "99990.000040/2026-01", main_doc)).status_code == 200
        assert (
            await pen.upload(ticket, "99990.000041/2026-02", apensado_doc, query_form=True)
        ).status_code == 200
        await pen.wait_situacao(created["IDT"], 5)  # the robot downloaded both, each under its protocol


async def test_identificacao_numero_as_text_is_refused_like_the_real_platform(tramita):
    doc = documento(1, [component("p.html", b"x", "text/html")])
    doc["identificacao"]["numero"] = "12"
    async with tramita.client(tramita.seed) as pen:
        response = await pen.post(
            "/tramites/processo",
            json=processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), [doc], "99990.000042/2026-03"),
        )
        assert response.status_code == 500
        assert (
            "processo.documentos[0].identificacao.numero deve ser um número inteiro"
            in response.json()["mensagem"]
        )
