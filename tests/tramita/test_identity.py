"""Identity by mutual TLS: the client certificate, as the TLS layer saw it, names the system."""

from __future__ import annotations

import ssl
from urllib.parse import quote

import httpx
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from sandbox_kernel.pki import issue
from tramita_mock.settings import TramitaSettings

from .conftest import API, assert_error


async def test_without_a_client_certificate_the_api_refuses(tramita, sandbox_events):
    async with tramita.client(None) as anon:
        assert (await anon.get("/healthcheck")).status_code == 200
        assert_error(await anon.get("/tramites/pendentes"), "0901", status=403, contains="nenhum certificado")
        # a forwarded certificate header from an untrusted peer is ignored
        pem = tramita.seed.cert.read_text()
        forwarded = await anon.get("/tramites/pendentes", headers={"X-SSL-Client-Cert": quote(pem)})
        assert_error(forwarded, "0901", status=403)
    await sandbox_events.wait_for(
        type="br.gov.sandbox.tramita.request.rejected", match={"codigoErro": "0901"}
    )


async def test_a_certificate_from_another_ca_fails_the_handshake(tramita, tmp_path):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Impostor")])
    rogue = issue(name, None, days=10)
    (tmp_path / "rogue.crt").write_bytes(rogue.cert_pem)
    (tmp_path / "rogue.key").write_bytes(rogue.key_pem)
    context = ssl.create_default_context(cafile=tramita.ca)
    context.load_cert_chain(tmp_path / "rogue.crt", tmp_path / "rogue.key")
    async with httpx.AsyncClient(verify=context) as http:
        with pytest.raises(httpx.HTTPError):
            response = await http.get(f"{tramita.base_url}{API}/tramites/pendentes")
            response.raise_for_status()


async def test_revoked_and_reissued_certificates(tramita):
    gab = tramita.unit("GAB")["numeroDeIdentificacaoDaEstrutura"]
    system = await tramita.new_system("Sistema revogado", [gab])
    deleted = await tramita.registry.delete(f"/entes/3550308/systems/{system.system_id}/certificate")
    assert deleted.status_code == 204
    async with tramita.client(system) as pen:
        assert_error(await pen.get("/tramites/pendentes"), "0902", status=403, contains="revogado")
    async with tramita.client(tramita.seed) as pen:
        assert (await pen.get("/tramites/pendentes")).status_code == 200


@pytest.mark.parametrize("tramita_settings", [TramitaSettings(trusted_proxies=["127.0.0.1"])])
async def test_forwarded_certificate_accepted_only_from_a_trusted_proxy(tramita):
    pem = tramita.seed.cert.read_text()
    async with tramita.client(None) as proxy:  # a TLS-terminating proxy on 127.0.0.1
        ok = await proxy.get("/tramites/pendentes", headers={"X-SSL-Client-Cert": quote(pem)})
        assert ok.status_code == 200 and ok.json() == []
        garbage = await proxy.get(
            "/tramites/pendentes", headers={"X-SSL-Client-Cert": "nao-e-um-certificado"}
        )
        assert_error(garbage, "0902", status=403)
