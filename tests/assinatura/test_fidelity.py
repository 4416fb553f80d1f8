"""Byte-level fidelity of the user certificate and the timestamp token to the real staging responses
(reference assinatura-govbr.md §3.3, §4.1), read with asn1crypto: an independent DER parser."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

import pytest
from asn1crypto import cms, tsp
from asn1crypto import x509 as ax509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from assinatura_mock.app import load_signing_pki
from assinatura_mock.domain import certificates as certs
from assinatura_mock.domain import tsa
from assinatura_mock.domain.certificates import Holder, Urls
from sandbox_kernel.pki import new_key

from .conftest import DEV_LOCAL, REDIRECT, headless_code

HOLDER = Holder(
    nome="Maria da Silva Santos",
    cpf="99900000188",
    data_nascimento=dt.date(1985, 3, 12),
    email="maria.santos@exemplo.test",
)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return load_signing_pki(tmp_path_factory.mktemp("pki"), Urls("http://sandbox.test"), 2048)


@pytest.fixture(scope="module")
def user_cert(pki) -> ax509.Certificate:
    issued = certs.issue_holder_certificate(HOLDER, new_key(2048), pki.final, pki.urls)
    return ax509.Certificate.load(issued.public_bytes(serialization.Encoding.DER))


def test_user_certificate_extensions_come_in_the_real_order(user_cert):
    order = [e["extn_id"].dotted for e in user_cert["tbs_certificate"]["extensions"]]
    assert order == [
        "2.5.29.17",  # SubjectAltName
        "2.5.29.19",  # BasicConstraints
        "2.5.29.35",  # AuthorityKeyIdentifier
        "2.5.29.32",  # CertificatePolicies
        "2.5.29.31",  # CRLDistributionPoints
        "2.5.29.15",  # KeyUsage
        "2.5.29.37",  # ExtendedKeyUsage
        "2.5.29.14",  # SubjectKeyIdentifier
        "1.3.6.1.5.5.7.1.1",  # AuthorityInformationAccess
    ]


def test_user_certificate_serial_is_8_bytes(user_cert, pki):
    serial_tlv = user_cert["tbs_certificate"]["serial_number"].dump()
    assert serial_tlv[0] == 0x02 and serial_tlv[1] == 8 and 0 < serial_tlv[2] < 0x80
    many = {certs.serial_8_bytes() for _ in range(200)}
    assert all(1 << 56 <= s < 1 << 63 for s in many) and len(many) == 200


def test_user_san_carries_the_name_other_name_as_explicit_octet_string(user_cert):
    san = next(e for e in user_cert["tbs_certificate"]["extensions"] if e["extn_id"].dotted == "2.5.29.17")
    names = san["extn_value"].parsed
    others = [n.chosen for n in names if n.name == "other_name"]
    assert [o["type_id"].dotted for o in others] == [
        "2.16.76.1.3.1",
        "2.16.76.1.3.6",
        "2.16.76.1.3.5",
        "2.16.76.1.4.3",
    ]
    # otherName value: [0] EXPLICIT OCTET STRING holding the name, like the 2.16.76.1.3.x ones
    explicit = others[3]["value"].dump()
    assert explicit[0] == 0xA0 and explicit[2] == 0x04 and explicit[4:].decode() == HOLDER.nome
    assert others[0]["value"].dump()[2] == 0x04
    assert [n.chosen.native for n in names if n.name == "rfc822_name"] == [HOLDER.email]


def _token(pki, **kwargs) -> cms.ContentInfo:
    imprint = hashlib.sha256(b"assinatura").digest()
    return cms.ContentInfo.load(tsa.timestamp_token(imprint, pki.tsa, alvara=pki.alvara.cert_der, **kwargs))


def test_tst_info_has_a_nonce_no_accuracy_and_the_alvara(pki):
    token = _token(pki, nonce=1234567)
    tst_der = token["content"]["encap_content_info"]["content"].parsed.dump()
    tst = tsp.TSTInfo.load(tst_der)
    assert tst["nonce"].native == 1234567
    assert tst["accuracy"].native is None
    assert tst["policy"].dotted == "2.16.76.1.6.2"
    (extension,) = tst["extensions"]
    assert extension["extn_id"].dotted == "1.3.6.1.4.1.44588.100.4.2.1"
    alvara = ax509.Certificate.load(extension["extn_value"].native)
    assert alvara.issuer.native["common_name"] == "AC EAT SANDBOX"
    assert alvara.issuer.native["organization_name"] == "EAT-ITI"
    assert alvara.issuer.native["organizational_unit_name"] == "DINFRA-ITI"
    assert alvara.subject.native["common_name"] == "cert-sas-assinatura-alvara"
    # a nonce is always there, even when the caller gives none
    assert _token(pki)["content"]["encap_content_info"]["content"].parsed["nonce"].native is not None


@pytest.mark.parametrize(
    ("microsecond", "encoded"),
    [
        (123456, b"20230819211815.12Z"),
        (100000, b"20230819211815.1Z"),
        (9999, b"20230819211815Z"),
        (0, b"20230819211815Z"),
    ],
)
def test_gen_time_is_in_centiseconds_with_trailing_zeros_trimmed(pki, microsecond, encoded):
    moment = dt.datetime(2023, 8, 19, 21, 18, 15, microsecond, tzinfo=dt.UTC)
    tst = _token(pki, gen_time=moment)["content"]["encap_content_info"]["content"].parsed
    gen_time = tst["gen_time"].dump()
    assert gen_time[0] == 0x18 and gen_time[2:] == encoded


def test_tsa_signer_names_rsa_encryption_and_its_dn_has_state_and_locality(pki):
    token = _token(pki)
    sd = token["content"]
    (signer,) = sd["signer_infos"]
    assert signer["signature_algorithm"]["algorithm"].dotted == "1.2.840.113549.1.1.1"
    assert signer["digest_algorithm"]["algorithm"].native == "sha256"
    (tsa_cert,) = sd["certificates"]
    subject = tsa_cert.chosen.subject
    attributes = [(rdn[0]["type"].native, rdn[0]["value"].native) for rdn in subject.chosen]
    assert ("state_or_province_name", "DF") in attributes
    assert ("locality_name", "BRASILIA") in attributes
    assert ("common_name", "ASSINATURA-CARIMBO SANDBOX") in attributes
    # the signature still verifies: PKCS#1 v1.5 with SHA-256 over DER(signedAttrs)
    signed = cms.CMSAttributes(list(signer["signed_attrs"])).dump()
    pki.tsa.certificate.public_key().verify(
        signer["signature"].native, signed, padding.PKCS1v15(), hashes.SHA256()
    )


async def test_dev_local_uses_the_historic_public_secret_of_the_official_php_example(assinatura, dev_secret):
    # exemploApiPhp.zip src/assinar.php: every parameter in the query string, empty form-typed body (§2.3)
    assert dev_secret == "younIrtyij3"
    code = await headless_code(assinatura)
    query = urlencode(
        {
            "code": code,
            "client_id": DEV_LOCAL,
            "grant_type": "authorization_code",
            "client_secret": "younIrtyij3",
            "redirect_uri": REDIRECT,
        }
    )
    response = await assinatura.post(
        f"/oauth2.0/token?{query}",
        content=b"",
        headers={"Content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
