"""Who is calling: the system (SPE) behind the client certificate of the mutual-TLS connection (§1.3).

uvicorn does not put the peer certificate into the ASGI scope, so ``TLSHttpToolsProtocol`` /
``TLSH11Protocol`` (uvicorn's own HTTP protocols plus a few lines) copy it, per connection, into
``scope["extensions"]["tls"]["client_cert_chain"]`` as the ASGI TLS extension specifies (PEM strings,
client certificate first). The API reads the certificate from there; a certificate forwarded in a header
(``X-SSL-Client-Cert``, URL-encoded PEM like nginx's ``$ssl_client_escaped_cert``) is accepted only when
the TCP peer is one of ``SANDBOX_TRAMITA_TRUSTED_PROXIES``. The system is then looked up in the registry
by the certificate's SHA-256 fingerprint; unknown or revoked certificates are refused.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sandbox_kernel.registry_client import RegistryClient, RegistryUnavailable

from .domain.errors import Erro, TramitaError


@dataclass(frozen=True)
class Caller:
    system_id: str
    nome: str
    ente: str
    unidades: frozenset[str]
    certificate: x509.Certificate
    fingerprint: str

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def owns_unit(self, unit_id: str) -> bool:
        return str(unit_id) in self.unidades


# ---------------------------------------------------------------------------------------------- ASGI TLS


def peer_chain_pem(ssl_object: ssl.SSLObject | None) -> list[str]:
    if ssl_object is None:
        return []
    der = ssl_object.getpeercert(binary_form=True)
    return [ssl.DER_cert_to_PEM_cert(der)] if der else []


class _WithTLS:
    """Wraps the app for one connection: adds the ASGI TLS extension to every scope it serves."""

    def __init__(self, app, tls: dict) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "tls": self.tls}}
        return await self.app(scope, receive, send)


def _tls_extension(transport) -> dict | None:
    ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": peer_chain_pem(ssl_object),
        "client_cert_name": None,
        "client_cert_error": None,
        "tls_version": None,
        "cipher_suite": None,
        "cipher_name": cipher[0] if cipher else None,  # informative; not part of the extension
    }


class TLSHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        tls = _tls_extension(transport)
        if tls is not None:
            self.app = _WithTLS(self.app, tls)


class TLSH11Protocol(H11Protocol):
    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        tls = _tls_extension(transport)
        if tls is not None:
            self.app = _WithTLS(self.app, tls)


# ---------------------------------------------------------------------------------------------- lookup


def certificate_from_scope(scope: dict, trusted_proxies: list[str], header: str) -> x509.Certificate | None:
    chain = ((scope.get("extensions") or {}).get("tls") or {}).get("client_cert_chain") or []
    if chain:
        first = chain[0]
        if isinstance(first, bytes) and not first.startswith(b"-----"):
            return x509.load_der_x509_certificate(first)
        return x509.load_pem_x509_certificate(first.encode() if isinstance(first, str) else first)
    client = scope.get("client")
    if client and client[0] in trusted_proxies:
        wanted = header.lower().encode()
        for name, value in scope.get("headers") or []:
            if name == wanted and value:
                text = unquote(value.decode("latin-1")).strip()
                if "BEGIN CERTIFICATE" not in text:  # some proxies strip the armour and newlines
                    text = f"-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----\n"
                return x509.load_pem_x509_certificate(text.encode())
    return None


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else "?"


async def identify(scope: dict, registry: RegistryClient, trusted_proxies: list[str], header: str) -> Caller:
    try:
        cert = certificate_from_scope(scope, trusted_proxies, header)
    except ValueError:
        raise TramitaError(Erro.CERTIFICADO_NAO_RECONHECIDO, cn="?", detalhe="certificado ilegível") from None
    if cert is None:
        raise TramitaError(Erro.CERTIFICADO_AUSENTE)
    fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    try:
        # Never from the cache: a revoked certificate is refused from the very next request.
        owner = await registry.certificate_owner(fingerprint, fresh=True)
    except RegistryUnavailable as exc:
        raise TramitaError(Erro.SERVICO_INDISPONIVEL, detalhe=str(exc)) from None
    cn = common_name(cert)
    if owner is None:
        raise TramitaError(
            Erro.CERTIFICADO_NAO_RECONHECIDO,
            cn=cn,
            detalhe="o certificado não foi emitido para nenhum sistema cadastrado no sandbox",
        )
    if owner.get("revoked"):
        raise TramitaError(Erro.CERTIFICADO_NAO_RECONHECIDO, cn=cn, detalhe="o certificado foi revogado")
    system = owner["system"]
    return Caller(
        system_id=system["id"],
        nome=system["nome"],
        ente=system["ente"],
        unidades=frozenset(str(u) for u in system.get("unidades") or []),
        certificate=cert,
        fingerprint=fingerprint,
    )
