"""End-to-end trâmites over mutual TLS, following the PEN clients' call sequence, with the robots as
counterparts and the events read back from the real broker."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tramita_mock.domain.receipts import recibo_de_envio_text, recibo_text, sign

from .conftest import assert_error, component, documento, now_utc, processo_body, ref, sha

STATUS = "br.gov.sandbox.tramita.tramite.status_changed"


def _two_documents() -> tuple[list[dict], bytes, bytes]:
    html = b"<html><body>Despacho de teste</body></html>"
    pdf = b"%PDF-1.4\n" + os.urandom(300_000)  # chunked
    docs = [
        documento(1, [component("despacho.html", html, "text/html")]),
        documento(2, [component("anexo.pdf", pdf)], especie=180, nome_especie="Documento"),
    ]
    return docs, html, pdf


async def _send_two_documents(pen, tramita, destino: str, protocolo: str) -> tuple[dict, bytes, bytes]:
    docs, html, pdf = _two_documents()
    created = await pen.send(processo_body(tramita.unit("PROT"), tramita.unit(destino), docs, protocolo))
    ticket = created["ticketParaEnvioDeComponentesDigitais"]
    (solicitado,) = created["processosComComponentesDigitaisSolicitados"]
    assert solicitado["protocolo"] == protocolo and set(solicitado["hashes"]) == {sha(html), sha(pdf)}
    r = await pen.upload(ticket, protocolo, html)  # SEI: single PUT for internal (HTML) documents
    assert r.status_code == 200, r.text
    assert await pen.situacao(created["IDT"]) == 1  # still one component missing
    await pen.upload_parts(
        ticket, protocolo, pdf, block=100_000, query_form=True
    )  # external: always in parts
    return created, html, pdf


@pytest.mark.storage
async def test_process_to_accepting_robot_reaches_6(tramita, sandbox_events, validate_event):
    async with tramita.client(tramita.seed) as pen:
        created, html, pdf = await _send_two_documents(pen, tramita, "RBACE", "99990.000001/2026-11")
        idt, nre = created["IDT"], created["NRE"]
        assert (
            len(nre) == 16 and nre.isdigit() and nre.endswith(str(created["dataHoraDeRegistroDoTramite"][:4]))
        )

        envio = (await pen.get(f"/tramites/{idt}/recibo-de-envio")).json()
        recibo = envio["reciboDeEnvio"]
        assert recibo["IDT"] == idt and recibo["NRE"] == nre
        assert sorted(recibo["hashesDosComponentesDigitais"]) == sorted([sha(html), sha(pdf)])
        platform = x509.load_pem_x509_certificate(envio["cadeiaDoCertificado"].encode())
        text = recibo_de_envio_text(
            idt,
            nre,
            recibo["dataDeRecebimentoDoUltimoComponenteDigital"],
            recibo["hashesDosComponentesDigitais"],
        )
        platform.public_key().verify(
            base64.b64decode(envio["hashDaAssinatura"]), text.encode(), padding.PKCS1v15(), hashes.SHA256()
        )

        # the robot reads, downloads and signs; the sender sees pendência 5 and fetches the receipt
        await pen.wait_situacao(idt, 5)
        assert {"IDT": idt, "status": 5} in (
            await pen.get("/tramites/pendentes", params={"todas": "1"})
        ).json()
        conclusao = (await pen.get(f"/tramites/{idt}/recibo")).json()
        assert await pen.situacao(idt) == 6
        assert set(conclusao) == {"recibo", "cadeiaDoCertificado", "hashDaAssinatura"}
        rec = conclusao["recibo"]
        assert rec["hashesDosComponentesDigitais"] == sorted([sha(html), sha(pdf)])
        robot_cert = x509.load_pem_x509_certificate(conclusao["cadeiaDoCertificado"].encode())
        robot_cert.public_key().verify(
            base64.b64decode(conclusao["hashDaAssinatura"]),
            recibo_text(idt, nre, rec["dataDeRecebimento"], rec["hashesDosComponentesDigitais"]).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        prot, robo = tramita.unit("PROT"), tramita.unit("RBACE")
        filtered = (
            await pen.get(
                "/tramites",
                params={
                    "remetente[identificacaoDoRepositorioDeEstruturas]": prot["repository_id"],
                    "remetente[numeroDeIdentificacaoDaEstrutura]": prot["numeroDeIdentificacaoDaEstrutura"],
                    "destinatario[numeroDeIdentificacaoDaEstrutura]": robo[
                        "numeroDeIdentificacaoDaEstrutura"
                    ],
                    "situacaoAtual": 6,
                },
            )
        ).json()
        assert [t["IDT"] for t in filtered["tramites"]] == [idt]
        other = {
            "destinatario[numeroDeIdentificacaoDaEstrutura]": tramita.unit("RBREC")[
                "numeroDeIdentificacaoDaEstrutura"
            ]
        }
        assert (await pen.get("/tramites", params=other)).json()["totalDeRegistros"] == 0
        listed = (await pen.get("/tramites", params={"NRE": nre})).json()
        assert listed["totalDeRegistros"] == 1
        assert [m["situacao"] for m in listed["tramites"][0]["mudancasDeSituacao"]] == [1, 2, 3, 4, 5, 6]

    final = await sandbox_events.wait_for(type=STATUS, match={"IDT": idt, "para": 6}, timeout=20)
    assert final.key == str(idt) and final.data["de"] == 5 and final.data["gatilho"] == "recibo_obtido"
    validate_event(final)
    steps = sorted(
        {(e.data["de"], e.data["para"]) for e in sandbox_events.unique(type=STATUS, match={"IDT": idt})}
    )
    assert steps == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    verified = await sandbox_events.wait_for(
        type="br.gov.sandbox.tramita.receipt.verified", match={"IDT": idt}
    )
    validate_event(verified)
    received = sandbox_events.unique(type="br.gov.sandbox.tramita.component.received", match={"IDT": idt})
    assert {e.data["modo"] for e in received} == {"inteiro", "partes"}
    for e in sandbox_events.unique(match=lambda e: e.data.get("IDT") == idt):
        validate_event(e)


@pytest.mark.storage
async def test_process_to_refusing_robot_reaches_9_after_ciencia(tramita, sandbox_events):
    async with tramita.client(tramita.seed) as pen:
        created, _, _ = await _send_two_documents(pen, tramita, "RBREC", "99990.000002/2026-22")
        idt = created["IDT"]
        await pen.wait_situacao(idt, 8)
        assert {"IDT": idt, "status": 8} in (await pen.get("/tramites/pendentes")).json()
        tramite = (await pen.get("/tramites", params={"IDT": idt})).json()["tramites"][0]
        assert tramite["motivoDaRecusa"] == "99" and tramite["justificativaDaRecusa"]
        assert (await pen.get(f"/tramites/{idt}/ciencia")).status_code == 200
        assert await pen.situacao(idt) == 9
        assert_error(await pen.get(f"/tramites/{idt}/ciencia"), "0905")
    refused = await sandbox_events.wait_for(type="br.gov.sandbox.tramita.tramite.refused", match={"IDT": idt})
    assert refused.data["motivo"] == "99" and refused.data["descricaoDoMotivo"] == "Outro"
    await sandbox_events.wait_for(type=STATUS, match={"IDT": idt, "para": 9})


@pytest.mark.storage
async def test_cancel_reaches_7_and_only_from_1_to_4(tramita, sandbox_events):
    async with tramita.client(tramita.seed) as pen:
        docs, html, _ = _two_documents()
        created = await pen.send(
            processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), docs[:1], "99990.000003/2026-33")
        )
        idt = created["IDT"]
        assert (await pen.http.delete(f"/tramites/{idt}")).status_code == 200
        assert await pen.situacao(idt) == 7
        assert_error(await pen.http.delete(f"/tramites/{idt}"), "0905", contains="situação atual (7")
        # a cancelled trâmite takes no more components
        assert_error(
            await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], "99990.000003/2026-33", html),
            "0906",
        )
    await sandbox_events.wait_for(type=STATUS, match={"IDT": idt, "para": 7, "gatilho": "cancelamento"})


async def test_only_the_robots_ente_or_the_admin_drives_it(tramita):
    path = f"/sandbox/tramita/robos/{tramita.unit('RBENV')['numeroDeIdentificacaoDaEstrutura']}/enviar"
    anonymous = await tramita_post(tramita, path, headers={})
    assert anonymous.status_code == 401 and anonymous.json()["erro"] == "nao_autorizado"
    for ibge, uf in (("29", "BA"), ("31", "MG"), ("41", "PR"), ("43", "RS")):  # a state no other test uses
        spec = {"ibge": ibge, "nome": "Outro ente", "uf": uf, "tipo": "estado"}
        other = await tramita.registry.post("/entes", json=spec)
        if other.status_code == 201:
            break
    assert other.status_code == 201, other.text
    foreign = await tramita_post(
        tramita, path, headers={"Authorization": f"Bearer {other.json()['api_key']}"}
    )
    assert foreign.status_code == 401
    async with tramita.client(tramita.seed) as pen:  # a system of the robot's own ente: its certificate
        base = str(pen.http.base_url).split("/interoperabilidade")[0]
        assert (await pen.http.post(f"{base}{path}")).status_code == 201


async def test_sample_process_from_sending_robot_is_received_and_reaches_6(tramita, sandbox_events):
    robo = tramita.unit("RBENV")
    response = await tramita_post(
        tramita, f"/sandbox/tramita/robos/{robo['numeroDeIdentificacaoDaEstrutura']}/enviar"
    )
    assert response.status_code == 201, response.text
    idt = response.json()["IDT"]
    key = load_pem_private_key(tramita.seed.key.read_bytes(), password=None)
    async with tramita.client(tramita.seed) as pen:
        await pen.wait_situacao(idt, 2)
        assert {"IDT": idt, "status": 2} in (
            await pen.get("/tramites/pendentes", params={"todas": "true"})
        ).json()
        meta = (await pen.get(f"/tramites/{idt}")).json()
        assert "nre" in meta and "NRE" not in meta and meta["processo"]["documentos"]
        assert await pen.situacao(idt) == 3
        pendentes = (await pen.get("/tramites", params={"IDT": idt})).json()["tramites"][0][
            "hashDosComponentesPendentesDeRecebimento"
        ]
        assert len(pendentes) == 2
        protocolo = meta["processo"]["protocolo"]
        sizes = {
            c["hash"]["conteudo"]: c["tamanhoEmBytes"]
            for d in meta["processo"]["documentos"]
            for c in d["componentesDigitais"]
        }
        got = []
        for h in pendentes:  # SEI always downloads in parts
            size, block, data = sizes[h], 1000, b""
            for inicio in range(0, size, block):
                fim = min(inicio + block, size)
                r = await pen.post(
                    f"/tramites/{idt}/protocolos/componentes-digitais/partes/{inicio}-{fim}",
                    json={"hashDoComponenteDigital": h, "protocolo": protocolo},
                )
                assert r.status_code == 200, r.text
                data += base64.b64decode(r.content)
            assert sha(data) == h
            got.append(h)
        assert await pen.situacao(idt) == 4
        bad_refusal = await pen.post(f"/tramites/{idt}/recusa", json={"motivo": "05", "justificativa": ""})
        message = assert_error(bad_refusal, "0001")["mensagem"]
        assert "motivo deve ser um dos códigos 01, 02, 03, 04 ou 99" in message and "justificativa" in message

        data_recebimento = now_utc()
        bad = sign(recibo_text(idt, meta["nre"], "2000-01-01T00:00:00.000Z", got), key)
        assert_error(
            await pen.post(
                f"/tramites/{idt}/recibo",
                json={"dataDeRecebimento": data_recebimento, "hashDaAssinatura": bad},
            ),
            "0024",
        )
        assert await pen.situacao(idt) == 4
        good = sign(recibo_text(idt, meta["nre"], data_recebimento, got), key)
        r = await pen.post(
            f"/tramites/{idt}/recibo", json={"dataDeRecebimento": data_recebimento, "hashDaAssinatura": good}
        )
        assert r.status_code == 200, r.text
        await pen.wait_situacao(idt, 6)  # the robot fetched the receipt

        # the process goes back to the platform under the same NRE, asking only for what it lacks: nothing
        back = {
            "cabecalho": {
                "remetente": ref(tramita.unit("PROT")),
                "destinatario": ref(tramita.unit("RBACE")),
                "NRE": meta["nre"],
                "enviarApenasComponentesDigitaisPendentes": True,
            },
            "processo": meta["processo"],
        }
        returned = await pen.send(back)
        assert returned["NRE"] == meta["nre"] and returned["processosComComponentesDigitaisSolicitados"] == []
        await pen.wait_situacao(returned["IDT"], 5)  # already complete (1 → 2), and the robot accepted it
    pendencia = await sandbox_events.wait_for(
        type="br.gov.sandbox.tramita.pendencia.created",
        match={"IDT": idt, "status": 2, "papel": "destinatario"},
    )
    owner = await tramita.registry.get(f"/certificates/{_fingerprint(tramita.seed.cert)}")
    assert pendencia.data["sistema"] == owner.json()["system"]["id"]
    assert pendencia.event.get_attributes()["ente"] == "3550308" and pendencia.topic.endswith(
        "govbr.3550308.tramita"
    )
    refused = await sandbox_events.wait_for(type="br.gov.sandbox.tramita.receipt.refused", match={"IDT": idt})
    assert "assinatura" in refused.data["motivo"]
    await sandbox_events.wait_for(
        type=STATUS, match={"IDT": idt, "para": 6, "ator": response.json()["remetente_sistema"]}
    )


def _fingerprint(path) -> str:
    return x509.load_pem_x509_certificate(path.read_bytes()).fingerprint(hashes.SHA256()).hex()


async def tramita_post(tramita, path: str, headers: dict | None = None):
    """A sandbox control, as the admin unless ``headers`` say otherwise."""
    import httpx

    admin = {"Authorization": tramita.registry.headers["Authorization"]}
    async with httpx.AsyncClient(verify=False, timeout=60) as http:
        return await http.post(tramita.base_url + path, headers=admin if headers is None else headers)
