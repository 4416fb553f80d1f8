"""The signature API over HTTP: certificadoPublico (§3.1, §4.1) and assinarPKCS7 (§3.2, §3.3).

The CMS is checked with an independent parser (asn1crypto) and the RSA signatures with cryptography,
byte layout included; the chain with openssl."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from .conftest import ANA, ANTONIO, JOAO, MARIA, ROBERTO, access_token, hash_b64, openssl

CERT = "/externo/v2/certificadoPublico"
SIGN = "/externo/v2/assinarPKCS7"
DOCUMENT = "Ofício nº 123/2026 — Prefeitura de São Paulo\n".encode()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def test_certificate_is_shaped_like_the_real_staging_ones(assinatura, dev_secret, sandbox_events):
    token = await access_token(assinatura, dev_secret, MARIA, "sign")
    response = await assinatura.get(CERT, headers=bearer(token))
    assert response.status_code == 200, response.text
    pem = response.text
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n") and pem.count("BEGIN CERTIFICATE") == 1
    assert all(len(line) <= 64 for line in pem.splitlines()) and "\r" not in pem
    cert = x509.load_pem_x509_certificate(pem.encode())
    # subject: CN=<name> only
    assert cert.subject.rfc4514_string() == "CN=Maria da Silva Santos"
    assert "SANDBOX" in cert.issuer.rfc4514_string() and "O=Gov-Br" in cert.issuer.rfc4514_string()
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048 and key.public_numbers().e == 65537
    assert cert.signature_hash_algorithm.name == "sha256"
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 365
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    others = {o.type_id.dotted_string: o.value for o in san.get_values_for_type(x509.OtherName)}
    # [0] EXPLICIT OCTET STRING: cryptography hands back the inner DER, tag 0x04
    pf = others["2.16.76.1.3.1"]
    assert pf[0] == 0x04 and pf[1] == 45
    digits = pf[2:].decode()
    assert digits == "12031985" + MARIA + "0" * 11 + "0" * 15
    assert digits[8:19] == MARIA  # where clients must read the CPF
    assert others["2.16.76.1.3.6"] == b"\x04\x0c" + b"0" * 12
    assert others["2.16.76.1.3.5"] == b"\x04\x13" + b"0" * 19
    assert san.get_values_for_type(x509.RFC822Name) == ["maria.santos@exemplo.test"]
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and not ku.value.key_cert_sign
    assert not ku.value.content_commitment and not ku.value.key_encipherment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION}
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == ["2.16.76.3.2.1.1"]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    # reused while valid: same certificate on the next call, even with another token
    again = await assinatura.get(CERT, headers=bearer(await access_token(assinatura, dev_secret, MARIA)))
    assert again.text == pem
    issued = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.certificate.issued", match={"cpf": MARIA}
    )
    assert issued.data["serial"] == format(cert.serial_number, "x")
    assert len(sandbox_events.unique("br.gov.sandbox.assinatura.certificate.issued", {"cpf": MARIA})) == 1


async def test_certificate_chains_to_the_sandbox_root(assinatura, dev_secret, tmp_path):
    token = await access_token(assinatura, dev_secret, JOAO)
    pem = (await assinatura.get(CERT, headers=bearer(token))).text
    chain = (await assinatura.get("/sandbox/cadeia.pem")).text
    names = [c.subject.rfc4514_string() for c in x509.load_pem_x509_certificates(chain.encode())]
    assert all("SANDBOX" in n for n in names)
    assert any("Raiz" in n for n in names) and any("Intermediaria" in n for n in names)
    (tmp_path / "user.pem").write_text(pem)
    (tmp_path / "chain.pem").write_text(chain)
    result = await openssl("verify", "-CAfile", str(tmp_path / "chain.pem"), str(tmp_path / "user.pem"))
    assert result.returncode == 0, result.stdout + result.stderr
    p7b = await assinatura.get("/sandbox/cadeia.p7b")
    assert p7b.status_code == 200 and p7b.content[:1] == b"\x30"


async def _sign(assinatura, token: str, digest_b64: str):
    return await assinatura.post(SIGN, json={"hashBase64": digest_b64}, headers=bearer(token))


async def test_assinar_pkcs7_returns_the_observed_ber_layout(
    assinatura, dev_secret, sandbox_events, tmp_path
):
    token = await access_token(assinatura, dev_secret, MARIA, "sign")
    digest = hashlib.sha256(DOCUMENT).digest()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    response = await _sign(assinatura, token, base64.b64encode(digest).decode())
    assert response.status_code == 200, response.text
    raw = response.content
    # BER, indefinite lengths, as BouncyCastle writes it; ends with end-of-content octets
    assert raw.startswith(bytes.fromhex("308006092a864886f70d010702a080"))
    assert raw.endswith(b"\x00\x00\x00\x00\x00\x00")
    info = cms.ContentInfo.load(raw)
    assert info["content_type"].native == "signed_data"
    sd = info["content"]
    assert sd["version"].native == "v1"
    assert [a["algorithm"].native for a in sd["digest_algorithms"]] == ["sha256"]
    assert sd["digest_algorithms"][0].dump() == bytes.fromhex("300b0609608648016503040201")  # no NULL
    assert sd["encap_content_info"]["content_type"].native == "data"
    assert sd["encap_content_info"]["content"].native is None  # detached
    assert len(sd["certificates"]) == 1 and not sd["crls"]
    cert_der = sd["certificates"][0].chosen.dump()
    pem = (await assinatura.get(CERT, headers=bearer(token))).text
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert_der == cert.public_bytes(serialization.Encoding.DER)
    (signer,) = sd["signer_infos"]
    assert signer["version"].native == "v1"
    assert signer["sid"].name == "issuer_and_serial_number"
    assert signer["sid"].chosen["serial_number"].native == cert.serial_number
    assert signer["digest_algorithm"]["algorithm"].native == "sha256"
    assert signer["signature_algorithm"]["algorithm"].dotted == "1.2.840.113549.1.1.11"
    attrs = signer["signed_attrs"]
    assert [a["type"].dotted for a in attrs] == [
        "1.2.840.113549.1.9.3",
        "1.2.840.113549.1.9.5",
        "1.2.840.113549.1.9.52",
        "1.2.840.113549.1.9.4",
    ]
    values = {a["type"].native: a["values"][0] for a in attrs}
    assert values["content_type"].native == "data"
    assert values["signing_time"].name == "utc_time"
    signing_time = values["signing_time"].native
    assert (
        before - dt.timedelta(seconds=2) <= signing_time <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    )
    protection = values["cms_algorithm_protection"]
    assert protection["digest_algorithm"]["algorithm"].native == "sha256"
    assert (
        protection["signature_algorithm"]["algorithm"].dotted
        == signer["signature_algorithm"]["algorithm"].dotted
    )
    assert values["message_digest"].native == digest  # exactly the 32 bytes received
    # the RSA PKCS#1 v1.5 signature over DER(signedAttrs) as a SET, verified independently
    signed_set = cms.CMSAttributes(list(attrs)).dump()
    cert.public_key().verify(signer["signature"].native, signed_set, padding.PKCS1v15(), hashes.SHA256())
    # RFC 3161 timestamp over the signature value
    (unsigned,) = signer["unsigned_attrs"]
    assert unsigned["type"].dotted == "1.2.840.113549.1.9.16.2.14"
    token_info = unsigned["values"][0]["content"]
    tst = token_info["encap_content_info"]["content"].parsed
    assert isinstance(tst, tsp.TSTInfo)
    assert tst["policy"].dotted == "2.16.76.1.6.2"
    assert (
        tst["message_imprint"]["hashed_message"].native == hashlib.sha256(signer["signature"].native).digest()
    )
    tsa_signer = token_info["signer_infos"][0]
    assert {a["type"].native for a in tsa_signer["signed_attrs"]} == {
        "content_type",
        "message_digest",
        "signing_certificate_v2",
    }
    # openssl agrees: detached .p7s verifies against the file and the sandbox chain
    (tmp_path / "doc.txt").write_bytes(DOCUMENT)
    (tmp_path / "doc.p7s").write_bytes(raw)
    (tmp_path / "chain.pem").write_text((await assinatura.get("/sandbox/cadeia.pem")).text)
    result = await openssl(
        "cms",
        "-verify",
        "-binary",
        "-content",
        str(tmp_path / "doc.txt"),
        "-inform",
        "DER",
        "-in",
        str(tmp_path / "doc.p7s"),
        "-CAfile",
        str(tmp_path / "chain.pem"),
        "-out",
        "/dev/null",
    )
    assert result.returncode == 0, result.stderr
    # and it refuses another file
    (tmp_path / "other.txt").write_bytes(DOCUMENT + b"x")
    wrong = await openssl(
        "cms",
        "-verify",
        "-binary",
        "-content",
        str(tmp_path / "other.txt"),
        "-inform",
        "DER",
        "-in",
        str(tmp_path / "doc.p7s"),
        "-CAfile",
        str(tmp_path / "chain.pem"),
        "-out",
        "/dev/null",
    )
    assert wrong.returncode != 0
    created = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.signature.created", match={"cpf": MARIA}
    )
    assert created.data["hash_base64"] == base64.b64encode(digest).decode()
    assert created.data["token_kind"] == "sign" and created.data["usadas_na_sessao"] == 1
    assert created.data["restantes"] == 0 and created.data["certificado_serial"] == format(
        cert.serial_number, "x"
    )
    # one story per authorization: the signature is keyed like the code and token that led to it
    assert created.key == f"{created.data['client_id']}/{created.data['autorizacao_id']}"


async def test_der_encoding_and_no_timestamp_by_setting(start_assinatura, dev_secret):
    assinatura = await start_assinatura(encoding="der", timestamp=False)
    token = await access_token(assinatura, dev_secret, JOAO)
    response = await _sign(assinatura, token, hash_b64(DOCUMENT))
    assert response.status_code == 200
    raw = response.content
    assert raw[:2] == b"\x30\x82"  # definite length
    info = cms.ContentInfo.load(raw)
    assert info.dump(force=True) == raw  # canonical DER
    signer = info["content"]["signer_infos"][0]
    assert not signer["unsigned_attrs"]
    assert 1500 < len(raw) < 3000  # ~2.3 KB without a timestamp, like samples A and B


@pytest.mark.storage
async def test_sign_token_signs_once(assinatura, dev_secret, sandbox_events):
    token = await access_token(assinatura, dev_secret, MARIA, "sign")
    assert (await _sign(assinatura, token, hash_b64(b"1"))).status_code == 200
    second = await _sign(assinatura, token, hash_b64(b"2"))
    assert second.status_code == 401
    assert second.json()["path"] == SIGN and "sign" in second.json()["message"]
    refused = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.signature.refused", match={"check": "token_ja_usado"}
    )
    assert "signature_session" in refused.data["expected"]


@pytest.mark.storage
async def test_signature_session_signs_up_to_the_limit(start_assinatura, dev_secret, sandbox_events):
    assinatura = await start_assinatura(session_limit=3, timestamp=False)
    token = await access_token(assinatura, dev_secret, MARIA, "signature_session")
    for i in range(3):
        response = await _sign(assinatura, token, hash_b64(str(i).encode()))
        assert response.status_code == 200, (i, response.text)
    over = await _sign(assinatura, token, hash_b64(b"4"))
    assert over.status_code == 401
    last = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.signature.created", match={"usadas_na_sessao": 3}
    )
    assert last.data["token_kind"] == "signature_session" and last.data["restantes"] == 0
    await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.signature.refused", match={"check": "limite_da_sessao"}
    )


async def test_default_session_limit_is_100(assinatura, dev_secret, sandbox_events):
    await access_token(assinatura, dev_secret, MARIA, "signature_session")
    issued = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.issued", match={"token_kind": "signature_session"}
    )
    assert issued.data["assinaturas_permitidas"] == 100


@pytest.mark.parametrize(
    ("value", "check", "words"),
    [
        (hashlib.sha256(DOCUMENT).hexdigest(), "hash_hexadecimal", "hexadecimal"),
        (hashlib.sha1(DOCUMENT).hexdigest(), "hash_hexadecimal", "SHA-1"),
        (base64.b64encode(hashlib.sha1(DOCUMENT).digest()).decode(), "hash_tamanho", "SHA-1"),
        (
            base64.b64encode(hashlib.sha256(DOCUMENT).hexdigest().encode()).decode(),
            "hash_base64_de_hexadecimal",
            "hexdigest",
        ),
        ("", "hash_vazio", "vazio"),
        (None, "hash_ausente", "ausente"),
        ("não é base64!", "hash_nao_base64", "Base64"),
        (base64.urlsafe_b64encode(b"\xfb" * 32).decode(), "hash_base64url", "URL-safe"),
    ],
)
async def test_bad_hashes_are_400_naming_the_mistake(
    assinatura, dev_secret, sandbox_events, value, check, words
):
    token = await access_token(assinatura, dev_secret, MARIA, "sign")
    body = {} if value is None else {"hashBase64": value}
    response = await assinatura.post(SIGN, json=body, headers=bearer(token))
    assert response.status_code == 400
    assert words in response.text and "32 bytes" in response.text
    assert response.headers["content-type"].startswith("text/plain")
    await sandbox_events.wait_for(type="br.gov.sandbox.assinatura.signature.refused", match={"check": check})
    # a refused request does not consume the sign token
    assert (await _sign(assinatura, token, hash_b64(DOCUMENT))).status_code == 200


async def test_non_json_body_is_400(assinatura, dev_secret):
    token = await access_token(assinatura, dev_secret, MARIA, "sign")
    response = await assinatura.post(SIGN, content=b"hashBase64=abc", headers=bearer(token))
    assert response.status_code == 400 and "JSON" in response.text


@pytest.mark.parametrize(
    ("cpf", "message"),
    [
        (
            ANA,
            "Cidadão não possui a identidade (Prata ou Ouro) necessária para uso da assinatura eletrônica digital.",
        ),
        (
            ROBERTO,
            "Cidadão não possui a identidade (Prata ou Ouro) necessária para uso da assinatura eletrônica digital.",
        ),
        (
            ANTONIO,
            "CPF com situação cancelada, nula ou falecido na Receita Federal não permite uso da assinatura eletrônica digital.",
        ),
    ],
)
async def test_ineligible_accounts_get_403_plain_text_on_both_endpoints(assinatura, dev_secret, cpf, message):
    token = await access_token(assinatura, dev_secret, cpf, "signature_session")
    cert = await assinatura.get(CERT, headers=bearer(token))
    assert (cert.status_code, cert.text) == (403, message)
    assert cert.headers["content-type"].startswith("text/plain")
    sign = await _sign(assinatura, token, hash_b64(DOCUMENT))
    assert (sign.status_code, sign.text) == (403, message)


@pytest.mark.storage
async def test_level_is_checked_before_each_signature(assinatura, registry, dev_secret):
    token = await access_token(assinatura, dev_secret, JOAO, "signature_session")
    assert (await _sign(assinatura, token, hash_b64(b"a"))).status_code == 200
    patched = await registry.patch(f"/sandbox/registry/personas/{JOAO}", json={"situacao_cpf": "cancelada"})
    assert patched.status_code == 200, patched.text
    assinatura.app.state.assinatura.registry.invalidate()
    refused = await _sign(assinatura, token, hash_b64(b"b"))
    assert refused.status_code == 403 and refused.text.startswith("CPF com situação cancelada")


async def test_bad_bearer_tokens_are_401(assinatura):
    missing = await assinatura.get(CERT)
    assert missing.status_code == 401 and missing.json()["status"] == 401
    unknown = await assinatura.post(SIGN, json={"hashBase64": hash_b64(b"x")}, headers=bearer("AT-1-nada"))
    assert unknown.status_code == 401 and unknown.json()["path"] == SIGN


@pytest.mark.storage
async def test_expired_token_is_401(start_assinatura, dev_secret):
    assinatura = await start_assinatura(token_ttl=10)
    token = await access_token(assinatura, dev_secret, MARIA)
    ctx = assinatura.app.state.assinatura
    from sqlalchemy import update

    from assinatura_mock.storage import TokenRow

    async with ctx.runtime.db.sessionmaker() as session, session.begin():
        await session.execute(
            update(TokenRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    response = await _sign(assinatura, token, hash_b64(b"x"))
    assert response.status_code == 401 and "expirado" in response.json()["message"]


async def test_timestamp_token_verifies_with_openssl_ts(assinatura, dev_secret, tmp_path):
    token = await access_token(assinatura, dev_secret, JOAO, "sign")
    raw = (await _sign(assinatura, token, hash_b64(DOCUMENT))).content
    signer = cms.ContentInfo.load(raw)["content"]["signer_infos"][0]
    (tmp_path / "token.der").write_bytes(signer["unsigned_attrs"][0]["values"][0].dump())
    (tmp_path / "chain.pem").write_text((await assinatura.get("/sandbox/cadeia.pem")).text)
    imprint = hashlib.sha256(signer["signature"].native).hexdigest()
    args = [
        "ts",
        "-verify",
        "-token_in",
        "-in",
        str(tmp_path / "token.der"),
        "-CAfile",
        str(tmp_path / "chain.pem"),
    ]
    ok = await openssl(*args, "-digest", imprint)
    assert ok.returncode == 0 and b"Verification: OK" in ok.stdout, ok.stdout + ok.stderr
    other = await openssl(*args, "-digest", hashlib.sha256(b"outra coisa").hexdigest())
    assert other.returncode != 0
