"""Tramita systems (SPE): who their client certificates name and what is handed over.

Like the real "Gerar Certificado", the private key is handed over once, in a PEM bundle, and not kept.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from sandbox_kernel.pki import Issued, SandboxPKI, cert_pem

ISSUER_STEM = "tramita-sistemas"
ISSUER_NAME = "AC SANDBOX Sistemas Tramita GOV.BR"


def systems_ca(pki: SandboxPKI) -> Issued:
    return pki.kept_intermediate(ISSUER_STEM, ISSUER_NAME)  # loaded once per SandboxPKI, then cached


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def bundle(pki: SandboxPKI, issued: Issued) -> dict:
    """The hand-over: certificate, private key and the chain up to the sandbox root."""
    chain = cert_pem(systems_ca(pki).certificate) + pki.root.cert_pem
    return {
        "certificate_pem": issued.cert_pem.decode(),
        "private_key_pem": issued.key_pem.decode(),
        "ca_chain_pem": chain.decode(),
        "bundle_pem": (issued.cert_pem + issued.key_pem + chain).decode(),
    }


def system_subject(ente_nome: str, system_id: str, nome: str) -> x509.Name:
    """The certificate subject: the ente as organisation, the system id as unit, its name as CN."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ente_nome[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, system_id),
            x509.NameAttribute(NameOID.COMMON_NAME, nome[:64]),
        ]
    )
