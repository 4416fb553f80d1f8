"""Gaps real Tramita clients hit (issue #11), each replayed in the client's own request shape: SUAP's connection
check, mod-sei-pen's reproduction and synchronisation sequences, a part of the wrong size, a revoked
certificate, and the README's steps for a second órgão."""

from __future__ import annotations

import ssl

import httpx

from .conftest import API, SEED_ENTE, assert_error, component, documento, processo_body, ref, sha

REJECTED = "br.gov.sandbox.tramita.request.rejected"
STATUS = "br.gov.sandbox.tramita.tramite.status_changed"


async def test_suap_connection_check_gets_200_on_the_host_root_and_version_roots(tramita):
    # conectagov_pen: requests.get(base without the version path, cert=(crt, key)) must answer 200,
    # otherwise SUAP sends nothing at all.
    context = ssl.create_default_context(cafile=tramita.ca)
    context.load_cert_chain(tramita.seed.cert, tramita.seed.key)
    async with httpx.AsyncClient(verify=context, timeout=30) as http:
        for path in ("/", API, API + "/", "/interoperabilidade/rest/v4", "/interoperabilidade/rest/v4/"):
            response = await http.get(tramita.base_url + path)
            assert response.status_code == 200, (path, response.status_code, response.text)
            assert "Tramita GOV.BR" in response.text
        assert (await http.get(f"{tramita.base_url}{API}/console")).status_code == 200
        assert (await http.get(f"{tramita.base_url}{API}/healthcheck")).status_code == 200


async def test_a_part_of_the_wrong_size_says_so_on_the_tramites_story(tramita, sandbox_events):
    data = bytes(range(256)) * 40  # 10 240 bytes, sent in parts as SEI does for external documents
    protocolo = "99990.000101/2026-31"
    async with tramita.client(tramita.seed) as pen:
        body = processo_body(
            tramita.unit("PROT"), tramita.unit("RBSIL"), [documento(1, [component("a.pdf", data)])], protocolo
        )
        created = await pen.send(body)
        url = (
            f"/tickets-de-envio-de-componente/{created['ticketParaEnvioDeComponentesDigitais']}"
            "/protocolos/componentes-a-enviar/partes/0-4000"
        )
        fields = {"hashDoComponenteDigital": sha(data), "protocolo": protocolo}
        r = await pen.http.put(url, files={"conteudo": ("arquivo_externo.html", data[:3999])}, data=fields)
        body = assert_error(r, "0914", contains="deveria ter 4000 bytes")
        assert "tem 3999 bytes" in body["mensagem"] and "inválido" not in body["mensagem"]
    # no IDT in the path, but the ticket names one trâmite: the refusal is on that trâmite's story
    event = await sandbox_events.wait_for(type=REJECTED, match={"codigoErro": "0914"})
    assert event.key == str(created["IDT"]) and event.data["IDT"] == created["IDT"]


async def test_a_revoked_certificate_is_refused_at_the_very_next_request(tramita):
    gab = tramita.unit("GAB")["numeroDeIdentificacaoDaEstrutura"]
    system = await tramita.new_system("Sistema revogado já", [gab])
    async with tramita.client(system) as pen:
        assert (await pen.get("/tramites/pendentes")).status_code == 200  # the owner is now cached
        deleted = await tramita.registry.delete(f"/entes/{SEED_ENTE}/systems/{system.system_id}/certificate")
        assert deleted.status_code == 204
        assert_error(await pen.get("/tramites/pendentes"), "0902", status=403, contains="revogado")


async def test_a_second_orgao_as_the_readme_shows(tramita):
    # README: POST /entes, then POST /entes/{ibge}/systems with units of that ente
    created = await tramita.registry.post(
        "/entes", json={"ibge": "3304557", "nome": "Rio de Janeiro", "uf": "RJ"}
    )
    assert created.status_code == 201, created.text
    units = (await tramita.registry.get("/entes/3304557/estruturas")).json()
    own = [u["numeroDeIdentificacaoDaEstrutura"] for u in units if not u["robot"]]
    assert own
    system = await tramita.new_system("SEI Rio", own[:1], ente="3304557")
    async with tramita.client(system) as pen:
        response = await pen.get("/tramites/pendentes")
        assert response.status_code == 200 and response.json() == []


async def test_mod_sei_pen_reproduces_the_last_tramite(tramita, sandbox_events):
    html = b"<p>reproduzir</p>"
    protocolo = "99990.000102/2026-32"
    dest = tramita.unit("RBACE")
    async with tramita.client(tramita.seed) as pen:
        body = processo_body(
            tramita.unit("PROT"), dest, [documento(1, [component("a.html", html, "text/html")])], protocolo
        )
        created = await pen.send(body)
        nre, idt = created["NRE"], created["IDT"]
        assert (
            await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], protocolo, html)
        ).status_code == 200
        url = (
            f"/NREs/{nre}/destinatarios/{dest['repository_id']}/{dest['numeroDeIdentificacaoDaEstrutura']}"
            "/reproducoes-de-tramite"
        )
        assert_error(
            await pen.post(url), "0918", contains="já possui trâmite em andamento para este destinatário"
        )
        await pen.wait_situacao(idt, 5)
        assert (await pen.get(f"/tramites/{idt}/recibo")).status_code == 200  # → 6

        reproduced = await pen.post(url)  # reproduzirUltimoTramite: POST, no body
        assert reproduced.status_code == 200, reproduced.text
        again = reproduced.json()
        assert again["NRE"] == nre and again["IDT"] != idt
        assert again["processosComComponentesDigitaisSolicitados"] == []  # the platform holds them
        await pen.wait_situacao(again["IDT"], 5)  # the accepting robot received it once more
        meta = (await pen.get(f"/tramites/{again['IDT']}")).json()
        assert meta["reproducaoDeTramite"] is True and meta["destinatario"] == ref(dest)
        assert_error(await pen.post(url.replace(nre, "0000099999992026")), "0916")
    steps = [
        (e.data["de"], e.data["para"])
        for e in sandbox_events.received
        if e.type == STATUS and e.data["IDT"] == again["IDT"]
    ]
    assert steps[:2] == [(0, 1), (1, 2)]


async def test_mod_sei_pen_synchronisation_request(tramita):
    html = b"<p>sincronizar</p>"
    protocolo = "99990.000103/2026-33"
    dest = tramita.unit("RBSIL")
    async with tramita.client(tramita.seed) as pen:
        body = processo_body(
            tramita.unit("PROT"), dest, [documento(1, [component("a.html", html, "text/html")])], protocolo
        )
        created = await pen.send(body)
        nre, idt = created["NRE"], created["IDT"]
        assert (
            await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], protocolo, html)
        ).status_code == 200

        synced = await pen.get(f"/sincroniza-tramite/{idt}")
        assert synced.status_code == 200, synced.text
        new = synced.json()
        assert new["NRE"] == nre and new["IDT"] != idt
        assert (await pen.get(f"/sincroniza-tramite/{idt}")).json() == new  # no second request
        # mod-sei-pen: consultarTramites(NRE, situacaoAtual=0) finds the request
        listed = (await pen.get("/tramites", params={"NRE": nre, "situacaoAtual": 0})).json()
        assert [t["IDT"] for t in listed["tramites"]] == [new["IDT"]]
        assert {"IDT": new["IDT"], "status": 0} in (await pen.get("/tramites/pendentes")).json()

        assert (await pen.http.delete(f"/tramites/{idt}")).status_code == 200  # the old one ends (7)
        resent = await pen.send(processo_body(
            tramita.unit("PROT"), dest, [documento(1, [component("a.html", html, "text/html")])], protocolo, nre=nre,
        ))  # fmt: skip
        assert resent["IDT"] == new["IDT"]  # the request at 0 got its metadata: 0 → 1
        listed = (await pen.get("/tramites", params={"IDT": new["IDT"]})).json()["tramites"][0]
        assert [m["situacao"] for m in listed["mudancasDeSituacao"]][:2] == [0, 1]
        assert_error(await pen.get("/sincroniza-tramite/999999"), "0904", status=404)
