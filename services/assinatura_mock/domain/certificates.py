"""The sandbox signing PKI, shaped like the real gov.br hierarchy (reference assinatura-govbr.md §4).

- CA chain: Raiz → Intermediária → Final, with the DNs of the production "v1" hierarchy (§4.2) and
  SANDBOX in every CA name, so nothing here can be mistaken for the real ITI keys.
- The citizen's certificate (§4.1): subject ``CN=<name>`` only; SAN otherNames 2.16.76.1.3.1
  (DDMMYYYY + CPF + NIS + RG, 45 digits), 2.16.76.1.3.6 and 2.16.76.1.3.5 (zeros) and the e-mail;
  policy 2.16.76.3.2.1.1; KeyUsage digitalSignature (critical); EKU clientAuth + emailProtection; RSA-2048.
- A time-stamping authority shaped like the one seen in staging CMSes (§3.3: ``AC EAT`` → ``ASSINATURA-CARIMBO``).

Pure: builds certificates from keys and names; keeping them on disk is ``pki_store``'s job.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from . import der

OID_PF_DADOS = ObjectIdentifier("2.16.76.1.3.1")  # nascimento + CPF + NIS + RG
OID_PF_TITULO = ObjectIdentifier("2.16.76.1.3.5")  # título de eleitor (19 zeros)
OID_PF_CEI = ObjectIdentifier("2.16.76.1.3.6")  # CEI / INSS (12 zeros)
OID_GOVBR_NOME = ObjectIdentifier(
    "2.16.76.1.4.3"
)  # a name string, in 2023+ staging certificates (meaning UNCONFIRMED)
OID_ALVARA = "1.3.6.1.4.1.44588.100.4.2.1"  # the EAT's "alvará" carried in staging TSTInfo extensions (§3.3)
POLICY_GOVBR = "2.16.76.3.2.1.1"
TSA_POLICY = "2.16.76.1.6.2"

# The real CN ("... do Governo Federal do Brasil v1") plus SANDBOX would exceed the 64-character limit.
ROOT_CN = "Autoridade Certificadora Raiz do Governo Federal SANDBOX v1"
INTERMEDIATE_CN = "AC Intermediaria do Governo Federal do Brasil SANDBOX"
FINAL_CN = "AC Final do Governo Federal do Brasil SANDBOX"
EAT_CN = "AC EAT SANDBOX"
TSA_CN = "ASSINATURA-CARIMBO SANDBOX"
ALVARA_CN = "cert-sas-assinatura-alvara"


def _name(*pairs: tuple[ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


ROOT_NAME = _name(
    (NameOID.COUNTRY_NAME, "BR"),
    (NameOID.ORGANIZATION_NAME, "Gov-Br"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Instituto Nacional de Tecnologia da Informacao - ITI"),
    (NameOID.COMMON_NAME, ROOT_CN),
)
INTERMEDIATE_NAME = _name(
    (NameOID.COUNTRY_NAME, "BR"),
    (NameOID.ORGANIZATION_NAME, "Gov-Br"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, ROOT_CN),
    (NameOID.COMMON_NAME, INTERMEDIATE_CN),
)
FINAL_NAME = _name(
    (NameOID.COUNTRY_NAME, "BR"),
    (NameOID.ORGANIZATION_NAME, "Gov-Br"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, INTERMEDIATE_CN),
    (NameOID.COMMON_NAME, FINAL_CN),
)
EAT_NAME = _name(
    (NameOID.COUNTRY_NAME, "BR"),
    (NameOID.ORGANIZATION_NAME, "EAT-ITI"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "DINFRA-ITI"),
    (NameOID.COMMON_NAME, EAT_CN),
)
TSA_NAME = _name(
    (NameOID.COUNTRY_NAME, "BR"),
    (NameOID.STATE_OR_PROVINCE_NAME, "DF"),
    (NameOID.LOCALITY_NAME, "BRASILIA"),
    (NameOID.ORGANIZATION_NAME, "INSTITUTO NACIONAL DE TECNOLOGIA DA INFORMACAO"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "CGOPE"),
    (NameOID.COMMON_NAME, TSA_CN),
)
ALVARA_NAME = _name(
    (NameOID.COUNTRY_NAME, "BR"),
    (NameOID.ORGANIZATION_NAME, "EAT-ITI"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "DINFRA-ITI"),
    (NameOID.COMMON_NAME, ALVARA_CN),
)


@dataclass(frozen=True)
class KeyPair:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @classmethod
    def from_pem(cls, cert_pem: bytes, key_pem: bytes) -> KeyPair:
        key = serialization.load_pem_private_key(key_pem, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cls(x509.load_pem_x509_certificate(cert_pem), key)


@dataclass(frozen=True)
class Urls:
    """Where the sandbox serves what the certificates point to (the real ones point to repo.iti.br)."""

    base: str

    @property
    def cadeia_p7b(self) -> str:
        return f"{self.base}/sandbox/cadeia.p7b"

    @property
    def dpc(self) -> str:
        return f"{self.base}/sandbox/dpc"

    def crl(self, stem: str) -> str:
        return f"{self.base}/sandbox/lcr/{stem}.crl"


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _ca(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: KeyPair | None,
    *,
    days: int,
    path_length: int | None,
    policies: list[str],
    crl_url: str | None,
) -> KeyPair:
    now = _utcnow() - dt.timedelta(minutes=5)
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(ObjectIdentifier(p), None) for p in policies]),
            critical=False,
        )
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if crl_url:
        builder = builder.add_extension(_crl_dp(crl_url), critical=False)
    return KeyPair(builder.sign(signer, hashes.SHA512()), key)


def _crl_dp(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
    )


def make_root(key: rsa.RSAPrivateKey) -> KeyPair:
    return _ca(
        ROOT_NAME, key, None, days=365 * 13, path_length=None, policies=["2.16.76.3.1.0"], crl_url=None
    )


def make_intermediate(key: rsa.RSAPrivateKey, root: KeyPair, urls: Urls) -> KeyPair:
    return _ca(
        INTERMEDIATE_NAME,
        key,
        root,
        days=365 * 12,
        path_length=1,
        policies=["2.16.76.3.1.0"],
        crl_url=urls.crl("raiz"),
    )


def make_final(key: rsa.RSAPrivateKey, intermediate: KeyPair, urls: Urls) -> KeyPair:
    policies = ["2.16.76.3.2.1.1", "2.16.76.3.2.2.1", "2.16.76.3.2.3.1", "2.16.76.3.2.4.1"]
    return _ca(
        FINAL_NAME,
        key,
        intermediate,
        days=365 * 12,
        path_length=0,
        policies=policies,
        crl_url=urls.crl("intermediaria"),
    )


def make_eat(key: rsa.RSAPrivateKey, root: KeyPair, urls: Urls) -> KeyPair:
    return _ca(
        EAT_NAME,
        key,
        root,
        days=365 * 12,
        path_length=0,
        policies=["2.16.76.3.1.0"],
        crl_url=urls.crl("raiz"),
    )


def make_tsa(key: rsa.RSAPrivateKey, eat: KeyPair, urls: Urls) -> KeyPair:
    now = _utcnow() - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(TSA_NAME)
        .issuer_name(eat.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(eat.key.public_key()), critical=False
        )
        .add_extension(_crl_dp(urls.crl("eat")), critical=False)
        .sign(eat.key, hashes.SHA256())
    )
    return KeyPair(cert, key)


def make_alvara(tsa: KeyPair, eat: KeyPair) -> KeyPair:
    """The "alvará" the staging TSTInfo carries (extension 1.3.6.1.4.1.44588.100.4.2.1, §3.3): the AC EAT
    vouching for the time-stamping server. Its observed content names issuer ``AC EAT`` and
    ``cert-sas-assinatura-alvara``; its exact ASN.1 is UNCONFIRMED, so here it is a certificate with that
    subject, issued by the sandbox AC EAT over the TSA's key."""
    now = _utcnow() - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(ALVARA_NAME)
        .issuer_name(eat.certificate.subject)
        .public_key(tsa.key.public_key())
        .serial_number(serial_8_bytes())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(eat.key.public_key()), critical=False
        )
        .sign(eat.key, hashes.SHA256())
    )
    return KeyPair(cert, tsa.key)


# --- the citizen's certificate (§4.1) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """What the certificate says about the citizen. NIS and RG are unknown to the sandbox: zeros."""

    nome: str
    cpf: str
    data_nascimento: dt.date
    email: str | None = None
    nis: str = "0" * 11
    rg: str = "0" * 15

    @property
    def pf_dados(self) -> str:
        """2.16.76.1.3.1: DDMMYYYY + CPF + NIS + RG = 45 digits; the CPF is at positions 9-19."""
        value = self.data_nascimento.strftime("%d%m%Y") + self.cpf + self.nis + self.rg
        assert len(value) == 45 and value.isdigit(), value
        return value


def _octet_string(text: str) -> bytes:
    """DER OCTET STRING: the real otherName values are ``[0] EXPLICIT OCTET STRING`` (cryptography adds the [0])."""
    return der.octet_string(text.encode("utf-8"))


def holder_san(holder: Holder) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [
        x509.OtherName(OID_PF_DADOS, _octet_string(holder.pf_dados)),
        x509.OtherName(OID_PF_CEI, _octet_string("0" * 12)),
        x509.OtherName(OID_PF_TITULO, _octet_string("0" * 19)),
        x509.OtherName(OID_GOVBR_NOME, _octet_string(holder.nome)),
    ]
    if holder.email:
        names.append(x509.RFC822Name(holder.email))
    return names


def issue_holder_certificate(
    holder: Holder,
    key: rsa.RSAPrivateKey,
    final: KeyPair,
    urls: Urls,
    *,
    days: int = 365,
    now: dt.datetime | None = None,
) -> x509.Certificate:
    """Issued on demand: ``notBefore`` is the time of issue, as observed in staging (§4.1, §5.6).

    Extensions in the order the real certificates carry them: SAN, BasicConstraints, AKI,
    CertificatePolicies, CRLDP, KeyUsage, EKU, SKI, AIA; an 8-byte serial, as theirs."""
    not_before = (now or _utcnow()).replace(microsecond=0)
    return (
        x509.CertificateBuilder()
        .subject_name(_name((NameOID.COMMON_NAME, holder.nome[:64])))
        .issuer_name(final.certificate.subject)
        .public_key(key.public_key())
        .serial_number(serial_8_bytes())
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(holder_san(holder)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(final.key.public_key()), critical=False
        )
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(ObjectIdentifier(POLICY_GOVBR), [urls.dpc])]),
            critical=False,
        )
        .add_extension(_crl_dp(urls.crl("final")), critical=False)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(urls.cadeia_p7b),
                    )
                ]
            ),
            critical=False,
        )
        .sign(final.key, hashes.SHA256())
    )


def serial_8_bytes() -> int:
    """A positive serial whose DER INTEGER content is exactly 8 bytes (first byte 0x01-0x7f)."""
    return secrets.randbelow((1 << 63) - (1 << 56)) + (1 << 56)


def cpf_from_certificate(cert: x509.Certificate) -> str | None:
    """The CPF the way clients must read it: SAN 2.16.76.1.3.1, positions 9-19 (§4.1)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    for general in san:
        if isinstance(general, x509.OtherName) and general.type_id == OID_PF_DADOS:
            raw = general.value
            text = raw[2:].decode("ascii", "replace") if raw[:1] == b"\x04" else ""
            return text[8:19] if len(text) == 45 else None
    return None


def empty_crl(issuer: KeyPair, *, days: int = 7) -> x509.CertificateRevocationList:
    now = _utcnow()
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
        .sign(issuer.key, hashes.SHA512())
    )
