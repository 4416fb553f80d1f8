"""Each documented error, in the real body ``{"codigoErro", "mensagem"}`` with the 5xx status, and nothing
stored is changed by a refused request."""

from __future__ import annotations

import os

import pytest

from .conftest import assert_error, component, documento, processo_body, sha

REJECTED = "br.gov.sandbox.tramita.request.rejected"


async def test_0001_lists_every_failing_field_and_tolerates_unknown_properties(tramita, sandbox_events):
    data = b"conteudo"
    bad_doc = documento(1, [component("a.html", data, "text/html")], especie=500)
    bad_doc["especie"]["nomeNoProdutor"] = ""
    bad_doc2 = documento(2, [component("b.pdf", b"x")])
    bad_doc2["componentesDigitais"][0]["mimeType"] = "application/zip"
    body = processo_body(
        tramita.unit("PROT"), tramita.unit("RBACE"), [bad_doc, bad_doc2], "99990.000010/2026-01"
    )
    async with tramita.client(tramita.seed) as pen:
        response = await pen.post("/tramites/processo", json=body)
        message = assert_error(response, "0001")["mensagem"]
        assert message.startswith("Os seguintes erros de validação de campos foram identificados: - ")
        assert message.endswith("Devido aos erros a operação não foi concluída.")
        assert "processo.documentos[0].especie.codigo deve ser um código de espécie válido." in message
        assert "processo.documentos[0].especie.nomeNoProdutor não pode ser vazio." in message
        assert "processo.documentos[1].componentesDigitais[0].mimeType" in message

        structural = processo_body(tramita.unit("PROT"), tramita.unit("RBACE"), [bad_doc], "")
        del structural["processo"]["interessados"]
        structural["cabecalho"]["destinatario"]["identificacaoDoRepositorioDeEstruturas"] = "abc"
        message = assert_error(await pen.post("/tramites/processo", json=structural), "0001")["mensagem"]
        for field in (
            "processo.protocolo não pode ser vazio",
            "processo.documentos[0].especie.codigo deve ser um código de espécie válido",
            "processo.interessados não pode ser nulo",
            "cabecalho.destinatario.identificacaoDoRepositorioDeEstruturas deve ser um número inteiro",
        ):
            assert field in message, message
        assert_error(await pen.http.post("/tramites/processo", content=b"{not json"), "0001", contains="JSON")

        # tolerated: unknown properties everywhere, booleans as 1/0 and strings, ids as strings
        ok = processo_body(
            tramita.unit("PROT"),
            tramita.unit("RBSIL"),
            [documento(1, [component("a.html", data, "text/html")])],
            "99990.000011/2026-02",
        )
        ok["cabecalho"]["enviarApenasComponentesDigitaisPendentes"] = "0"
        ok["cabecalho"]["urgencia"] = 1
        ok["cabecalho"]["motivoDaUrgencia"] = True  # SEI's bug: a boolean here
        ok["cabecalho"]["remetente"]["numeroDeIdentificacaoDaEstrutura"] = int(
            ok["cabecalho"]["remetente"]["numeroDeIdentificacaoDaEstrutura"]
        )
        ok["processo"]["documentos"][0]["retirado"] = "false"
        ok["campoQueNaoExiste"] = {"x": 1}
        created = await pen.send(ok)
        assert created["IDT"] > 0
    rejected = await sandbox_events.wait_for(type=REJECTED, match={"codigoErro": "0001"})
    assert rejected.data["operacao"] == "POST /interoperabilidade/rest/v3/tramites/processo"


async def test_0055_unit_not_in_repository(tramita):
    dest = dict(tramita.unit("RBACE"), repository_id=1)
    docs = [documento(1, [component("a.html", b"a", "text/html")])]
    async with tramita.client(tramita.seed) as pen:
        body = assert_error(
            await pen.post(
                "/tramites/processo",
                json=processo_body(tramita.unit("PROT"), dest, docs, "99990.000012/2026-03"),
            ),
            "0055",
        )
        assert dest["numeroDeIdentificacaoDaEstrutura"] in body["mensagem"]


async def test_0044_and_0047_per_nre(tramita, sandbox_events):
    html = b"<p>v1</p>"
    anexo = os.urandom(5000)
    protocolo = "99990.000013/2026-04"
    docs = [documento(1, [component("a.html", html, "text/html")]), documento(2, [component("b.pdf", anexo)])]
    async with tramita.client(tramita.seed) as pen:
        first = await pen.send(processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), docs, protocolo))
        nre = first["NRE"]
        again = processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), docs, protocolo, nre=nre)
        assert_error(
            await pen.post("/tramites/processo", json=again),
            "0044",
            contains="Processo já possui um trâmite em andamento",
        )

        ticket = first["ticketParaEnvioDeComponentesDigitais"]
        assert (await pen.upload(ticket, protocolo, html)).status_code == 200
        assert (await pen.upload(ticket, protocolo, anexo)).status_code == 200
        assert await pen.situacao(first["IDT"]) == 2
        assert (await pen.http.delete(f"/tramites/{first['IDT']}")).status_code == 200

        changed = [documento(1, [component("a.html", b"<p>v2</p>", "text/html")]), docs[1]]
        body = assert_error(
            await pen.post(
                "/tramites/processo",
                json=processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), changed, protocolo, nre=nre),
            ),
            "0047",
        )
        assert body["mensagem"] == (
            f"Inconsistência identificada no documento de ordem '1' do processo tramitado por este NRE, '{nre}', "
            f"com protocolo '{protocolo}': hash de ao menos um componente digital não confere."
        )

        # same documents plus a new one, only the pending ones: the platform asks for the new hash only
        novo = b"novo documento"
        more = [*docs, documento(3, [component("c.html", novo, "text/html")])]
        second = await pen.send(
            processo_body(
                tramita.unit("PROT"),
                tramita.unit("RBSIL"),
                more,
                protocolo,
                nre=nre,
                enviarApenasComponentesDigitaisPendentes=True,
            )
        )
        assert second["NRE"] == nre and second["IDT"] != first["IDT"]
        assert second["ticketParaEnvioDeComponentesDigitais"] != ticket
        assert second["processosComComponentesDigitaisSolicitados"] == [
            {"protocolo": protocolo, "hashes": [sha(novo)]}
        ]
        # without the flag every component is requested again
        assert (await pen.http.delete(f"/tramites/{second['IDT']}")).status_code == 200
        third = await pen.send(
            processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), more, protocolo, nre=nre)
        )
        assert len(third["processosComComponentesDigitaisSolicitados"][0]["hashes"]) == 3
        listed = (await pen.get("/tramites", params={"NRE": nre})).json()["tramites"]
        assert [t["IDT"] for t in listed] == sorted(t["IDT"] for t in listed)  # oldest → newest
        assert [t["situacaoAtual"] for t in listed] == [7, 7, 1]
    await sandbox_events.wait_for(type=REJECTED, match={"codigoErro": "0047"})


@pytest.mark.storage
async def test_tampered_and_out_of_range_components_are_refused(tramita):
    data = os.urandom(10_000)
    protocolo = "99990.000014/2026-05"
    docs = [documento(1, [component("a.pdf", data)])]
    async with tramita.client(tramita.seed) as pen:
        created = await pen.send(processo_body(tramita.unit("PROT"), tramita.unit("RBSIL"), docs, protocolo))
        ticket, idt = created["ticketParaEnvioDeComponentesDigitais"], created["IDT"]
        url = f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar"
        fields = {"hashDoComponenteDigital": sha(data), "protocolo": protocolo}

        tampered = bytearray(data)
        tampered[5000] ^= 0xFF
        r = await pen.http.put(url, files={"conteudo": ("c", bytes(tampered))}, data=fields)
        assert_error(r, "0909", contains=sha(data))
        r = await pen.http.put(url, files={"conteudo": ("c", data[:-1])}, data=fields)
        assert_error(r, "0910")
        assert await pen.situacao(idt) == 1

        r = await pen.http.put(
            f"{url}/partes/9000-10001", files={"conteudo": ("c", data[9000:] + b"x")}, data=fields
        )
        assert_error(r, "0908", contains="A parte informada ultrapassa o tamanho do componente digital")
        r = await pen.http.put(f"{url}/partes/10-5", files={"conteudo": ("c", b"x")}, data=fields)
        assert_error(r, "0914")
        r = await pen.http.put(f"{url}/partes/0-4000", files={"conteudo": ("c", data[:4000])}, data=fields)
        assert r.status_code == 200
        r = await pen.http.post(f"{url}/partes/sinalizacao-termino-envio", json=fields)
        assert_error(r, "0911", contains="[4000,10000[")
        # a tampered part: the termination signal finds the hash wrong and the parts are dropped
        bad = bytes(tampered[4000:])
        r = await pen.http.put(f"{url}/partes/4000-10000", files={"conteudo": ("c", bad)}, data=fields)
        assert r.status_code == 200
        assert_error(await pen.http.post(f"{url}/partes/sinalizacao-termino-envio", json=fields), "0909")
        assert_error(await pen.http.post(f"{url}/partes/sinalizacao-termino-envio", json=fields), "0911")
        assert await pen.situacao(idt) == 1
        listed = (await pen.get("/tramites", params={"IDT": idt})).json()["tramites"][0]
        assert listed["hashDosComponentesPendentesDeEnvio"] == [sha(data)]

        assert_error(
            await pen.http.put(
                url, files={"conteudo": ("c", data)}, data={**fields, "hashDoComponenteDigital": sha(b"x")}
            ),
            "0907",
        )
        assert_error(
            await pen.http.put(url, files={"conteudo": ("c", data)}),
            "0001",
            contains="hashDoComponenteDigital",
        )
        assert_error(
            await pen.http.put(
                "/tickets-de-envio-de-componente/999999/protocolos/componentes-a-enviar",
                files={"conteudo": ("c", data)},
                data=fields,
            ),
            "0906",
        )

        # parts out of order, then the right bytes: complete
        for inicio, fim in ((5000, 10000), (0, 5000)):
            r = await pen.http.put(
                f"{url}/partes/{inicio}-{fim}", params=fields, files={"conteudo": ("c", data[inicio:fim])}
            )
            assert r.status_code == 200, r.text
        assert (
            await pen.http.post(f"{url}/partes/sinalizacao-termino-envio", json=fields)
        ).status_code == 200
        assert await pen.situacao(idt) == 2
        # a repeated upload after completion is harmless
        assert (await pen.upload(ticket, protocolo, data)).status_code == 200


@pytest.mark.storage
async def test_state_guards_and_ownership(tramita):
    data = b"abc"
    protocolo = "99990.000015/2026-06"
    other = await tramita.new_system(
        "Outro sistema", [tramita.unit("GAB")["numeroDeIdentificacaoDaEstrutura"]]
    )
    async with tramita.client(tramita.seed) as pen, tramita.client(other) as intruso:
        created = await pen.send(
            processo_body(
                tramita.unit("PROT"),
                tramita.unit("RBSIL"),
                [documento(1, [component("a.html", data, "text/html")])],
                protocolo,
            )
        )
        idt = created["IDT"]
        assert_error(
            await pen.get(f"/tramites/{idt}/recibo-de-envio"),
            "0912",
            contains="ainda não recebeu todos os componentes digitais",
        )
        assert_error(await pen.get(f"/tramites/{idt}/recibo"), "0915")
        assert_error(await intruso.get(f"/tramites/{idt}"), "0903", status=403)
        assert_error(await intruso.http.delete(f"/tramites/{idt}"), "0903", status=403)
        assert (await intruso.get("/tramites", params={"IDT": idt})).json() == {
            "tramites": [],
            "totalDeRegistros": 0,
        }
        assert_error(await pen.get("/tramites/987654321"), "0904", status=404)
        # the sender cannot act as recipient, nor send from a unit that is not its own
        assert_error(
            await pen.post(f"/tramites/{idt}/recusa", json={"motivo": "99", "justificativa": "x"}),
            "0903",
            status=403,
        )
        assert_error(
            await intruso.post(
                "/tramites/processo",
                json=processo_body(
                    tramita.unit("PROT"),
                    tramita.unit("RBSIL"),
                    [documento(1, [component("a.html", data, "text/html")])],
                    "X",
                ),
            ),
            "0903",
            status=403,
        )
