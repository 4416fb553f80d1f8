"""The sandbox signing PKI, shaped like the real gov.br hierarchy (reference assinatura-govbr.md §4).

- CA chain: Raiz → Intermediária → Final, with the DNs of the production "v1" hierarchy (§4.2) and
  SANDBOX in every CA name, so nothing here can be mistaken for the real ITI keys.
- The citizen's certificate (§4.1): subject ``CN=<name>`` only; SAN otherNames 2.16.76.1.3.1
  (DDMMYYYY + CPF + NIS + RG, 45 digits), 2.16.76.1.3.6 and 2.16.76.1.3.5 (zeros) and the e-mail;
  policy 2.16.76.3.2.1.1; KeyUsage digitalSignature (critical); EKU clientAuth + emailProtection; RSA-2048.
- A time-stamping authority shaped like the one seen in staging CMSes (§3.3: ``AC EAT`` → ``ASSINATURA-CARIMBO``).

Only the ITI profile lives here (names, policies, URLs, extension order); building, signing and keeping
certificates is the kernel PKI's job (``sandbox_kernel.pki``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from sandbox_kernel import pki
from sandbox_kernel.pki import Issued

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


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _ca(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: Issued | None,
    *,
    days: int,
    path_length: int | None,
    policies: list[str],
    crl_url: str | None,
) -> Issued:
    return pki.issue(
        subject,
        issuer,
        key=key,
        ca=True,
        path_length=path_length,
        days=days,
        policies=policies,
        crl_url=crl_url,
        hash_algorithm=hashes.SHA512(),  # as the real gov.br CAs (§4.2)
    )


def make_root(key: rsa.RSAPrivateKey) -> Issued:
    return _ca(
        ROOT_NAME, key, None, days=365 * 13, path_length=None, policies=["2.16.76.3.1.0"], crl_url=None
    )


def make_intermediate(key: rsa.RSAPrivateKey, root: Issued, urls: Urls) -> Issued:
    return _ca(
        INTERMEDIATE_NAME,
        key,
        root,
        days=365 * 12,
        path_length=1,
        policies=["2.16.76.3.1.0"],
        crl_url=urls.crl("raiz"),
    )


def make_final(key: rsa.RSAPrivateKey, intermediate: Issued, urls: Urls) -> Issued:
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


def make_eat(key: rsa.RSAPrivateKey, root: Issued, urls: Urls) -> Issued:
    return _ca(
        EAT_NAME,
        key,
        root,
        days=365 * 12,
        path_length=0,
        policies=["2.16.76.3.1.0"],
        crl_url=urls.crl("raiz"),
    )


def make_tsa(key: rsa.RSAPrivateKey, eat: Issued, urls: Urls) -> Issued:
    return pki.issue(
        TSA_NAME,
        eat,
        key=key,
        days=365 * 10,
        key_usage={"content_commitment": True},
        extended_key_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        critical_extended_key_usage=True,  # RFC 3161 §2.3
        crl_url=urls.crl("eat"),
    )


def make_alvara(tsa: Issued, eat: Issued) -> Issued:
    """The "alvará" the staging TSTInfo carries (extension 1.3.6.1.4.1.44588.100.4.2.1, §3.3): the AC EAT
    vouching for the time-stamping server. Its observed content names issuer ``AC EAT`` and
    ``cert-sas-assinatura-alvara``; its exact ASN.1 is UNCONFIRMED, so here it is a certificate with that
    subject, issued by the sandbox AC EAT over the TSA's key."""
    cert = pki.build(
        ALVARA_NAME,
        tsa.key.public_key(),
        eat,
        [
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(eat.key.public_key()), False),
        ],
        not_before=_utcnow() - dt.timedelta(minutes=5),
        days=365 * 10,
        serial=serial_8_bytes(),
    )
    return Issued(cert, tsa.key)


@dataclass(frozen=True)
class SigningPKI:
    """The sandbox ITI chain: Raiz → Intermediária → Final (citizens), Raiz → AC EAT → TSA (timestamps)."""

    root: Issued
    intermediate: Issued
    final: Issued
    eat: Issued
    tsa: Issued
    alvara: Issued
    urls: Urls

    @property
    def chain(self) -> list[Issued]:
        """Final → Intermediária → Raiz: what a validator needs above a citizen's certificate."""
        return [self.final, self.intermediate, self.root]

    def chain_pem(self) -> bytes:
        return b"".join(k.cert_pem for k in [*self.chain, self.eat])

    def chain_p7b(self) -> bytes:
        return pkcs7.serialize_certificates(
            [k.certificate for k in [*self.chain, self.eat]], serialization.Encoding.DER
        )

    def crl_issuer(self, stem: str) -> Issued | None:
        return {
            "raiz": self.root,
            "intermediaria": self.intermediate,
            "final": self.final,
            "eat": self.eat,
        }.get(stem)


def signing_pki(
    urls: Urls, kept: Callable[[str, Callable[[], Issued]], Issued], ca_key_bits: int = 4096
) -> SigningPKI:
    """The chain, each piece loaded or made by ``kept(stem, make)`` (the kernel keeps them on disk)."""
    root = kept("raiz", lambda: make_root(pki.new_key(ca_key_bits)))
    intermediate = kept("intermediaria", lambda: make_intermediate(pki.new_key(ca_key_bits), root, urls))
    final = kept("final", lambda: make_final(pki.new_key(ca_key_bits), intermediate, urls))
    eat = kept("eat", lambda: make_eat(pki.new_key(ca_key_bits), root, urls))
    tsa = kept("tsa", lambda: make_tsa(pki.new_key(2048), eat, urls))
    alvara = kept("alvara", lambda: make_alvara(tsa, eat))
    return SigningPKI(root, intermediate, final, eat, tsa, alvara, urls)


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
    final: Issued,
    urls: Urls,
    *,
    days: int = 365,
    now: dt.datetime | None = None,
) -> x509.Certificate:
    """Issued on demand: ``notBefore`` is the time of issue, as observed in staging (§4.1, §5.6).

    Extensions in the order the real certificates carry them: SAN, BasicConstraints, AKI,
    CertificatePolicies, CRLDP, KeyUsage, EKU, SKI, AIA; an 8-byte serial, as theirs."""
    aia = x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(urls.cadeia_p7b),
            )
        ]
    )
    policies = x509.CertificatePolicies([x509.PolicyInformation(ObjectIdentifier(POLICY_GOVBR), [urls.dpc])])
    return pki.build(
        _name((NameOID.COMMON_NAME, holder.nome[:64])),
        key.public_key(),
        final,
        [
            (x509.SubjectAlternativeName(holder_san(holder)), False),
            (x509.BasicConstraints(ca=False, path_length=None), False),
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(final.key.public_key()), False),
            (policies, False),
            (pki.crl_distribution_points(urls.crl("final")), False),
            (x509.KeyUsage(True, False, False, False, False, False, False, False, False), True),
            (
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
                ),
                False,
            ),
            (x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False),
            (aia, False),
        ],
        not_before=(now or _utcnow()).replace(microsecond=0),
        days=days,
        serial=serial_8_bytes(),
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


def empty_crl(issuer: Issued, *, days: int = 7) -> x509.CertificateRevocationList:
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
