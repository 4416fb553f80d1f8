"""Tramita system certificates: the bundle works for a real mutual-TLS handshake; revocation is recorded."""

from __future__ import annotations

import asyncio
import json
import ssl

import pytest

from .conftest import bearer, new_ente

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (see the plugin)


async def _handshake(tmp_path, ca_pem: bytes, server, client_cert: str, client_key: str) -> str:
    """A TLS server that trusts only the sandbox CA; returns the client CN it saw."""
    (tmp_path / "ca.pem").write_bytes(ca_pem)
    (tmp_path / "srv.crt").write_bytes(server.cert_pem)
    (tmp_path / "srv.key").write_bytes(server.key_pem)
    (tmp_path / "cli.crt").write_text(client_cert)
    (tmp_path / "cli.key").write_text(client_key)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=tmp_path / "ca.pem")
    server_ctx.load_cert_chain(tmp_path / "srv.crt", tmp_path / "srv.key")
    server_ctx.verify_mode = ssl.CERT_REQUIRED
    seen: list[str] = []

    async def handle(reader, writer):
        subject = dict(x[0] for x in writer.get_extra_info("peercert")["subject"])
        seen.append(subject["commonName"])
        writer.write(b"ok")
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    client_ctx = ssl.create_default_context(cafile=tmp_path / "ca.pem")
    client_ctx.load_cert_chain(tmp_path / "cli.crt", tmp_path / "cli.key")
    async with srv:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", srv.sockets[0].getsockname()[1], ssl=client_ctx
        )
        assert await reader.read() == b"ok"
        writer.close()
    return seen[0]


async def test_system_bundle_completes_a_mutual_tls_handshake(registry, tmp_path, sandbox_settings):
    from sandbox_kernel.pki import SandboxPKI

    rio = await new_ente(registry)
    units = (await registry.get("/sandbox/registry/entes/3304557/estruturas")).json()
    own = [u["numeroDeIdentificacaoDaEstrutura"] for u in units if not u["robot"]][:2]
    created = await registry.post(
        "/sandbox/registry/entes/3304557/systems",
        json={"nome": "SEI Rio", "unidades": own},
        headers=bearer(rio["api_key"]),
    )
    assert created.status_code == 201, created.text
    system = created.json()
    assert "BEGIN PRIVATE KEY" in system["private_key_pem"]
    ca = (await registry.get("/sandbox/registry/ca.pem")).content
    server = SandboxPKI(sandbox_settings.data_dir).tls_server(["127.0.0.1"])
    cn = await _handshake(tmp_path, ca, server, system["certificate_pem"], system["private_key_pem"])
    assert cn == "SEI Rio"

    # afterwards the key is gone from every read
    again = (await registry.get(f"/sandbox/registry/entes/3304557/systems/{system['id']}")).json()
    assert "private_key_pem" not in json.dumps(again)
    owner = (
        await registry.get(f"/sandbox/registry/certificates/{system['certificate']['fingerprint_sha256']}")
    ).json()
    assert owner["system"]["id"] == system["id"] and owner["revoked"] is False


async def test_reissue_revokes_the_previous_certificate(registry, sandbox_events):
    await new_ente(registry)
    first = (await registry.post("/sandbox/registry/entes/3304557/systems", json={"nome": "SIGA"})).json()
    second = (
        await registry.post(f"/sandbox/registry/entes/3304557/systems/{first['id']}/certificate")
    ).json()
    assert second["certificate"]["serial"] != first["certificate"]["serial"]
    old = (
        await registry.get(f"/sandbox/registry/certificates/{first['certificate']['fingerprint_sha256']}")
    ).json()
    assert old["revoked"] is True
    revoked = await sandbox_events.wait_for(type="br.gov.sandbox.registry.certificate.revoked")
    assert revoked.data["serial"] == first["certificate"]["serial"]
    assert "PRIVATE KEY" not in json.dumps([e.data for e in sandbox_events.received])
    assert (
        await registry.delete(f"/sandbox/registry/entes/3304557/systems/{first['id']}/certificate")
    ).status_code == 204
    assert (await registry.get(f"/sandbox/registry/entes/3304557/systems/{first['id']}")).json()[
        "certificate"
    ] is None


async def test_a_system_cannot_claim_units_of_another_ente(registry):
    await new_ente(registry)
    sp_units = (await registry.get("/sandbox/registry/entes/3550308/estruturas")).json()
    response = await registry.post(
        "/sandbox/registry/entes/3304557/systems",
        json={"nome": "Intruso", "unidades": [sp_units[0]["numeroDeIdentificacaoDaEstrutura"]]},
    )
    assert response.status_code == 422
    assert response.json()["campos"][0]["campo"] == "unidades"
