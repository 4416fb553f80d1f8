"""Sandbox PKI, the one module every service issues certificates with.

- ``kept``: load a certificate and key from a directory, or make and keep them, under a file lock (services
  start together and share the data dir: one makes the pair, the others wait and load it).
- ``build``: one certificate with the extensions in the order given (the ITI profile needs the real order);
  ``issue``: the common CA / leaf / TLS server / TLS client shapes on top of it.
- ``SandboxPKI``: the data dir's root CA and the intermediates made from it.

Every CA name says SANDBOX: nothing here is, or could be mistaken for, a real ICP-Brasil key. Built on it:
the ITI signing chain (assinatura_mock), the Tramita system certificates (registry) and TLS server certificates.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
from collections.abc import Callable
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
    """A certificate and its private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def cert_pem(self) -> bytes:
        return cert_pem(self.certificate)

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return key_pem(self.key)

    @classmethod
    def from_pem(cls, cert: bytes, key: bytes) -> Issued:
        private = serialization.load_pem_private_key(key, password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise TypeError("the sandbox PKI keeps RSA keys only")
        return cls(x509.load_pem_x509_certificate(cert), private)


Extension = tuple[x509.ExtensionType, bool]  # (value, critical), in the order they go in the certificate


def build(
    subject: x509.Name,
    public_key: rsa.RSAPublicKey,
    signer: Issued | rsa.RSAPrivateKey,
    extensions: list[Extension],
    *,
    not_before: dt.datetime,
    days: int,
    serial: int | None = None,
    hash_algorithm: hashes.SHA256 | hashes.SHA512 | None = None,
) -> x509.Certificate:
    """One certificate. ``signer`` is the issuer (or, for a self-signed one, the subject's own key)."""
    issuer_name = signer.certificate.subject if isinstance(signer, Issued) else subject
    signing_key = signer.key if isinstance(signer, Issued) else signer
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=days))
    )
    for value, critical in extensions:
        builder = builder.add_extension(value, critical=critical)
    return builder.sign(signing_key, hash_algorithm or hashes.SHA256())


def crl_distribution_points(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
    )


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
    critical_extended_key_usage: bool = False,
    san: list[x509.GeneralName] | None = None,
    policies: list[str] | None = None,
    crl_url: str | None = None,
    critical_key_usage: bool = True,
    not_before: dt.datetime | None = None,
    hash_algorithm: hashes.SHA256 | hashes.SHA512 | None = None,
) -> Issued:
    """Issue one certificate. ``issuer=None`` makes it self-signed (a root)."""
    key = key or new_key()
    now = not_before or dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
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
    extensions: list[Extension] = [
        (x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), True),
        (x509.KeyUsage(**usage), critical_key_usage),
        (x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False),
    ]
    if issuer:
        extensions.append(
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False)
        )
    if extended_key_usage:
        extensions.append((x509.ExtendedKeyUsage(extended_key_usage), critical_extended_key_usage))
    if san:
        extensions.append((x509.SubjectAlternativeName(san), False))
    if policies:
        extensions.append(
            (
                x509.CertificatePolicies(
                    [x509.PolicyInformation(x509.ObjectIdentifier(p), None) for p in policies]
                ),
                False,
            )
        )
    if crl_url:
        extensions.append((crl_distribution_points(crl_url), False))
    certificate = build(
        subject,
        key.public_key(),
        issuer or key,
        extensions,
        not_before=now,
        days=days,
        hash_algorithm=hash_algorithm,
    )
    return Issued(certificate, key)


def kept(directory: Path, stem: str, make: Callable[[], Issued]) -> Issued:
    """Load ``<stem>.crt``/``.key`` from ``directory``, or make and keep them (the key mode 0600).

    Under an exclusive lock on ``directory/.lock``: services start together and share the data dir, so one
    makes the pair and the others wait and load it. The certificate is written last, atomically: its
    presence means the pair is complete."""
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cert_path.exists() and key_path.exists():
            return Issued.from_pem(cert_path.read_bytes(), key_path.read_bytes())
        made = make()
        _write_private(key_path, made.key_pem)
        tmp = cert_path.with_suffix(".tmp")
        tmp.write_bytes(made.cert_pem)
        tmp.replace(cert_path)
        return made


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

    def _kept(self, stem: str, make: Callable[[], Issued]) -> Issued:
        return kept(self.dir, stem, make)

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
