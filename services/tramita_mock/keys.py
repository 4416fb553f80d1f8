"""Key material of the Tramita mock, made once per data dir under ``<data dir>/tramita/``.

- the HTTPS server certificate is the kernel's (``sandbox_kernel.tls``: 127.0.0.1, localhost and the real host names).
- ``tls/clientes-ca.pem``: what client certificates are verified against: the sandbox root plus the
  intermediate that signs Tramita system certificates (the same one the registry uses; clients usually
  present only their leaf). Clients trust the server with ``<data dir>/pki/raiz-sandbox.crt`` (or the
  registry's ``GET /sandbox/registry/ca.pem``).
- ``plataforma.crt|key``: the platform key that signs the recibo de envio.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from sandbox_kernel.pki import Issued, SandboxPKI, cert_pem, issue
from sandbox_kernel.pki import kept as _kept
from sandbox_kernel.settings import Settings
from sandbox_kernel.tls import server_files

# Same stem and name as the registry's issuer of system certificates (shared PKI dir, made once).
SYSTEMS_CA_STEM = "tramita-sistemas"
SYSTEMS_CA_NAME = "AC SANDBOX Sistemas Tramita GOV.BR"


def tramita_dir(settings: Settings) -> Path:
    path = settings.data_dir / "tramita"
    path.mkdir(parents=True, exist_ok=True)
    return path


def platform_key(settings: Settings) -> Issued:
    pki = SandboxPKI(settings.data_dir)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govbr-sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Tramita GOV.BR SANDBOX - plataforma"),
        ]
    )
    return _kept(tramita_dir(settings), "plataforma", lambda: issue(name, pki.root, days=3650))


def tls_files(settings: Settings) -> dict[str, str]:
    """Server certificate, key and the CA bundle for client certificates; made on first use."""
    pki = SandboxPKI(settings.data_dir)
    tls_dir = tramita_dir(settings) / "tls"
    tls_dir.mkdir(parents=True, exist_ok=True)
    # The kernel's HTTPS certificate: also valid for homolog.api.processoeletronico.gov.br (real-hosts mode).
    server = server_files(settings)
    systems_ca = pki.kept_intermediate(SYSTEMS_CA_STEM, SYSTEMS_CA_NAME)
    ca_path = tls_dir / "clientes-ca.pem"
    ca_path.write_bytes(pki.root.cert_pem + cert_pem(systems_ca.certificate))
    return {
        "certfile": server["certfile"],
        "keyfile": server["keyfile"],
        "client_ca": str(ca_path),
        "server_ca": str(pki.root_cert_path),
    }
