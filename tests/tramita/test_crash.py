"""A service killed mid-upload leaves no half component counted as received; parts already stored survive.

Runs the service as a real process (``govbr-sandbox serve tramita``) and kills it with SIGKILL. The
process is reached through the trusted-proxy path (plain HTTP from 127.0.0.1 with the client certificate
in ``X-SSL-Client-Cert``), as behind a TLS-terminating proxy.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import quote

import httpx
import pytest

from sandbox_kernel.secrets import admin_token

from .conftest import API, SEED_ENTE, assert_error, component, documento, processo_body, sha


@pytest.fixture
def proxied(sandbox_process, sandbox_settings, monkeypatch):
    monkeypatch.setenv("SANDBOX_TRAMITA_TRUSTED_PROXIES", '["127.0.0.1"]')
    monkeypatch.setenv("SANDBOX_TRAMITA_TLS", "false")
    monkeypatch.setenv("SANDBOX_TRAMITA_ROBOTS", "false")
    sandbox_process("registry")
    return lambda: sandbox_process("tramita")


@pytest.mark.storage
@pytest.mark.e2e
async def test_kill_mid_upload_counts_nothing_and_keeps_finished_parts(proxied, sandbox_settings):
    token, _ = admin_token(sandbox_settings)
    async with httpx.AsyncClient(
        base_url=f"{sandbox_settings.registry_base_url}/sandbox/registry",
        headers={"Authorization": f"Bearer {token}"},
    ) as registry:
        units = {u["sigla"]: u for u in (await registry.get(f"/entes/{SEED_ENTE}/estruturas")).json()}
    service = proxied()
    pem = (sandbox_settings.data_dir / "tramita" / "sistema.crt").read_text()
    headers = {"X-SSL-Client-Cert": quote(pem)}
    big = os.urandom(8 * 1024 * 1024)
    small = os.urandom(200_000)
    protocolo = "99990.000030/2026-01"
    docs = [documento(1, [component("grande.pdf", big)]), documento(2, [component("pequeno.pdf", small)])]
    async with httpx.AsyncClient(base_url=service.url + API, headers=headers, timeout=30) as pen:
        created = await pen.post(
            "/tramites/processo", json=processo_body(units["PROT"], units["RBSIL"], docs, protocolo)
        )
        assert created.status_code == 200, created.text
        idt, ticket = created.json()["IDT"], created.json()["ticketParaEnvioDeComponentesDigitais"]
        url = f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar"
        small_fields = {"hashDoComponenteDigital": sha(small), "protocolo": protocolo}
        r = await pen.put(
            f"{url}/partes/0-100000", params=small_fields, files={"conteudo": ("c", small[:100_000])}
        )
        assert r.status_code == 200, r.text

        boundary = "sandboxcrash"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="conteudo"; filename="c"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()

        async def slow_body():
            yield head
            for i in range(0, len(big) // 2, 256 * 1024):
                yield big[i : i + 256 * 1024]
                await asyncio.sleep(0.01)
            service.kill()  # SIGKILL with half of the component on the wire (returns once it is dead)
            yield b""

        with pytest.raises(httpx.HTTPError):
            await pen.put(
                url,
                params={"hashDoComponenteDigital": sha(big), "protocolo": protocolo},
                content=slow_body(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )

    service = proxied()  # restart on the same data dir and port
    async with httpx.AsyncClient(base_url=service.url + API, headers=headers, timeout=30) as pen:
        tramite = (await pen.get("/tramites", params={"IDT": idt})).json()["tramites"][0]
        assert tramite["situacaoAtual"] == 1
        assert sorted(tramite["hashDosComponentesPendentesDeEnvio"]) == sorted([sha(big), sha(small)])
        assert_error(await pen.get(f"/tramites/{idt}/recibo-de-envio"), "0912")
        assert not list((sandbox_settings.data_dir / "tramita" / "envios").glob("*.tmp"))
        # the part stored before the crash is still there: send the rest and finish
        r = await pen.put(
            f"{url}/partes/100000-200000", params=small_fields, files={"conteudo": ("c", small[100_000:])}
        )
        assert r.status_code == 200, r.text
        assert (
            await pen.post(f"{url}/partes/sinalizacao-termino-envio", json=small_fields)
        ).status_code == 200
        r = await pen.put(
            url,
            files={"conteudo": ("c", big)},
            data={"hashDoComponenteDigital": sha(big), "protocolo": protocolo},
        )
        assert r.status_code == 200, r.text
        assert (await pen.get("/tramites", params={"IDT": idt})).json()["tramites"][0]["situacaoAtual"] == 2
