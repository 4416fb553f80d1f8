"""The sandbox PKI: one root per data dir, reused; issued chains verify; TLS works with them."""

from __future__ import annotations

import asyncio
import ssl
import stat

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store

from sandbox_kernel.pki import SandboxPKI


def test_root_is_created_once_and_reused(tmp_path):
    first = SandboxPKI(tmp_path).root.certificate
    second = SandboxPKI(tmp_path).root.certificate
    assert first == second
    assert "SANDBOX" in first.subject.rfc4514_string()
    assert first.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    key_file = tmp_path / "pki" / "raiz-sandbox.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_intermediate_and_leaf_chain_verifies(tmp_path):
    pki = SandboxPKI(tmp_path)
    intermediate = pki.intermediate("AC Intermediária SANDBOX")
    server = pki.tls_server(["localhost", "127.0.0.1"], issuer=intermediate)
    verifier = (
        PolicyBuilder().store(Store([pki.root.certificate])).build_server_verifier(x509.DNSName("localhost"))
    )
    chain = verifier.verify(server.certificate, [intermediate.certificate])
    assert chain[-1] == pki.root.certificate
    # the signature really is the intermediate's
    intermediate.certificate.public_key().verify(
        server.certificate.signature,
        server.certificate.tbs_certificate_bytes,
        padding.PKCS1v15(),
        server.certificate.signature_hash_algorithm,
    )


async def test_mutual_tls_handshake_with_issued_certificates(tmp_path):
    pki = SandboxPKI(tmp_path)
    server = pki.tls_server(["127.0.0.1"])
    client = pki.tls_client(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sistema-teste")]))
    for name, issued in (("server", server), ("client", client)):
        (tmp_path / f"{name}.crt").write_bytes(issued.cert_pem)
        (tmp_path / f"{name}.key").write_bytes(issued.key_pem)

    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=pki.root_cert_path)
    server_ctx.load_cert_chain(tmp_path / "server.crt", tmp_path / "server.key")
    server_ctx.verify_mode = ssl.CERT_REQUIRED
    seen: list[str] = []

    async def handle(reader, writer):
        peer = writer.get_extra_info("peercert")
        seen.append(dict(x[0] for x in peer["subject"])["commonName"])
        writer.write(b"ok")
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    port = srv.sockets[0].getsockname()[1]
    client_ctx = ssl.create_default_context(cafile=pki.root_cert_path)
    client_ctx.load_cert_chain(tmp_path / "client.crt", tmp_path / "client.key")
    async with srv:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_ctx)
        assert await reader.read() == b"ok"
        writer.close()
    assert seen == ["sistema-teste"]
