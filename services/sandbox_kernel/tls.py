"""HTTPS for the sandbox services: one server certificate from the sandbox root, for every local name.

``SANDBOX_TLS=true`` (and the real-hosts mode) serves every service over HTTPS with
``<data dir>/pki/servidor-tls.crt``, valid for 127.0.0.1, localhost, the configured host and every real
staging host name the sandbox replaces, so the same certificate serves ``https://127.0.0.1:8181`` and
``https://sso.staging.acesso.gov.br``. Clients trust it through the sandbox root (``govbr-sandbox trust``).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from cryptography import x509

from .pki import SandboxPKI, kept
from .services import SERVICES
from .settings import Settings

STEM = "servidor-tls"


def real_host_names() -> list[str]:
    return [host for service in SERVICES.values() for host in service.replaces]


def server_names(settings: Settings) -> list[str]:
    return list(dict.fromkeys(["127.0.0.1", "localhost", settings.host, *real_host_names()]))


def _covers(cert_path: Path, names: list[str]) -> bool:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    have = {str(n) for n in san.get_values_for_type(x509.DNSName)}
    have |= {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    wanted = set()
    for name in names:
        try:
            wanted.add(str(ipaddress.ip_address(name)))
        except ValueError:
            wanted.add(name)
    return wanted <= have


def server_files(settings: Settings) -> dict[str, str]:
    """``certfile``/``keyfile`` for uvicorn (made once per data dir, remade if a name is missing)."""
    pki = SandboxPKI(settings.data_dir)
    names = server_names(settings)
    cert_path, key_path = pki.dir / f"{STEM}.crt", pki.dir / f"{STEM}.key"
    if cert_path.exists() and not _covers(cert_path, names):
        cert_path.unlink(missing_ok=True)  # the host setting changed: issue a new one below
    kept(pki.dir, STEM, lambda: pki.tls_server(names, days=825))
    return {"certfile": str(cert_path), "keyfile": str(key_path), "ca": str(pki.root_cert_path)}


def uvicorn_tls_options(settings: Settings) -> dict[str, str]:
    files = server_files(settings)
    return {"ssl_certfile": files["certfile"], "ssl_keyfile": files["keyfile"]}
