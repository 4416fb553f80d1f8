"""Sandbox PKI: a root CA made once per data dir, and helpers to issue intermediates and leaves.

Every CA name says SANDBOX: nothing here is, or could be mistaken for, a real ICP-Brasil key. Later
services build on it: the signature CA chain, the Tramita system certificates and TLS server certificates.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govbr-sandbox"),
        x509.NameAttribute(NameOID.COMMON_NAME, "AC Raiz SANDBOX govbr-sandbox"),
    ]
)


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def cert_pem(self) -> bytes:
        return cert_pem(self.certificate)

    @property
    def key_pem(self) -> bytes:
        return key_pem(self.key)


def issue(
    subject: x509.Name,
    issuer: Issued | None,
    *,
    key: rsa.RSAPrivateKey | None = None,
    ca: bool = False,
    path_length: int | None = None,
    days: int = 365,
    key_usage: dict[str, bool] | None = None,
    extended_key_usage: list[x509.ObjectIdentifier] | None = None,
    san: list[x509.GeneralName] | None = None,
    policies: list[str] | None = None,
    critical_key_usage: bool = True,
    not_before: dt.datetime | None = None,
) -> Issued:
    """Issue one certificate. ``issuer=None`` makes it self-signed (a root)."""
    key = key or new_key()
    now = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    issuer_name = issuer.certificate.subject if issuer else subject
    signing_key = issuer.key if issuer else key
    usage = {
        "digital_signature": not ca,
        "content_commitment": False,
        "key_encipherment": False,
        "data_encipherment": False,
        "key_agreement": False,
        "key_cert_sign": ca,
        "crl_sign": ca,
        "encipher_only": False,
        "decipher_only": False,
    }
    usage.update(key_usage or {})
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=critical_key_usage)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if extended_key_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_key_usage), critical=False)
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    if policies:
        builder = builder.add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier(p), None) for p in policies]
            ),
            critical=False,
        )
    return Issued(builder.sign(signing_key, hashes.SHA256()), key)


class SandboxPKI:
    """The data dir's root CA (created on first use, then reused) and issuing helpers."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "pki"
        self._cache: dict[str, Issued] = {}
        self.root = self._load_or_create_root()

    @property
    def root_cert_path(self) -> Path:
        return self.dir / "raiz-sandbox.crt"

    def _load_or_create_root(self) -> Issued:
        return self._kept("raiz-sandbox", lambda: issue(ROOT_NAME, None, ca=True, days=3650))

    def kept(self, stem: str, make) -> Issued:
        """A certificate and key made once per data dir and reused (e.g. the TLS server certificate)."""
        return self._kept(stem, make)

    def _kept(self, stem: str, make) -> Issued:
        """Load ``<stem>.crt``/``.key`` from the PKI dir, or make and keep them."""
        cert_path, key_path = self.dir / f"{stem}.crt", self.dir / f"{stem}.key"
        self.dir.mkdir(parents=True, exist_ok=True)
        # Services start together and share the data dir: one makes the pair, the others wait and load it.
        with open(self.dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if cert_path.exists() and key_path.exists():
                cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
                key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
                return Issued(cert, key)  # type: ignore[arg-type]
            return self._make_and_keep(cert_path, key_path, make)

    @staticmethod
    def _make_and_keep(cert_path: Path, key_path: Path, make) -> Issued:
        made = make()
        _write_private(key_path, made.key_pem)
        tmp = cert_path.with_suffix(".tmp")
        tmp.write_bytes(made.cert_pem)
        tmp.replace(cert_path)  # the cert appears last: its presence means the pair is complete
        return made

    def kept_intermediate(
        self, stem: str, common_name: str, *, organization: str = "govbr-sandbox"
    ) -> Issued:
        """An intermediate CA made once per data dir (e.g. the one that signs Tramita system certificates)."""
        if stem not in self._cache:
            self._cache[stem] = self._kept(
                stem, lambda: self.intermediate(common_name, organization=organization)
            )
        return self._cache[stem]

    def intermediate(
        self, common_name: str, *, organization: str = "govbr-sandbox", days: int = 1825
    ) -> Issued:
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        return issue(name, self.root, ca=True, path_length=0, days=days)

    def tls_server(self, hostnames: list[str], issuer: Issued | None = None, days: int = 365) -> Issued:
        san: list[x509.GeneralName] = []
        for host in hostnames:
            try:
                san.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                san.append(x509.DNSName(host))
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])])
        return issue(
            subject,
            issuer or self.root,
            days=days,
            key_usage={"key_encipherment": True},
            extended_key_usage=[ExtendedKeyUsageOID.SERVER_AUTH],
            san=san,
        )

    def tls_client(self, subject: x509.Name, issuer: Issued | None = None, days: int = 365) -> Issued:
        return issue(
            subject,
            issuer or self.root,
            days=days,
            key_usage={"key_encipherment": True},
            extended_key_usage=[ExtendedKeyUsageOID.CLIENT_AUTH],
        )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
