"""POST /sandbox/verificar: the VALIDAR-like report, for good signatures and each classic mistake."""

from __future__ import annotations

import base64
import hashlib

from asn1crypto import cms

from .conftest import MARIA, access_token

SIGN = "/externo/v2/assinarPKCS7"
DOCUMENT = b"Decreto municipal n. 1/2026\n" * 10


async def _session(assinatura, dev_secret) -> str:
    return await access_token(assinatura, dev_secret, MARIA, "signature_session")


async def _sign_digest(assinatura, token: str, digest: bytes) -> bytes:
    response = await assinatura.post(
        SIGN,
        json={"hashBase64": base64.b64encode(digest).decode()},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.content


async def _verify(assinatura, signature: bytes, original: bytes | None = None, name: str = "doc.p7s") -> dict:
    files = {"assinatura": (name, signature, "application/octet-stream")}
    if original is not None:
        files["arquivo"] = ("doc.txt", original, "text/plain")
    response = await assinatura.post("/sandbox/verificar", files=files)
    assert response.status_code == 200, response.text
    return response.json()


def _checks(report: dict) -> dict[str, str]:
    return {c["id"]: c["resultado"] for c in report["verificacoes"]}


async def test_a_good_p7s_is_valid_and_the_event_says_so(assinatura, dev_secret, sandbox_events):
    token = await _session(assinatura, dev_secret)
    p7s = await _sign_digest(assinatura, token, hashlib.sha256(DOCUMENT).digest())
    report = await _verify(assinatura, p7s, DOCUMENT)
    assert report["veredito"] == "valida", report
    checks = _checks(report)
    for check in (
        "estrutura",
        "assinatura_criptografica",
        "cadeia",
        "horario_da_assinatura",
        "message_digest",
        "carimbo_do_tempo",
    ):
        assert checks[check] == "ok", (check, report)
    assert report["assinante"]["cpf"] == MARIA and report["problemas"] == []
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.verification.completed",
        match={"verificacao_id": report["verificacao_id"]},
    )
    assert event.data["veredito"] == "valida" and event.topic.endswith("govbr.sandbox.assinatura")


async def test_wrong_file_hash_of_hash_and_hexdigest_are_named(assinatura, dev_secret, sandbox_events):
    token = await _session(assinatura, dev_secret)
    digest = hashlib.sha256(DOCUMENT).digest()
    p7s = await _sign_digest(assinatura, token, digest)
    wrong = await _verify(assinatura, p7s, DOCUMENT + b"!")
    assert wrong["veredito"] == "invalida" and "arquivo_diferente" in wrong["problemas"]
    hash_of_hash = await _verify(
        assinatura, await _sign_digest(assinatura, token, hashlib.sha256(digest).digest()), DOCUMENT
    )
    assert hash_of_hash["veredito"] == "invalida" and "hash_do_hash" in hash_of_hash["problemas"]
    assert any("hash do hash" in c["mensagem"] for c in hash_of_hash["verificacoes"])
    hexdigest = hashlib.sha256(hashlib.sha256(DOCUMENT).hexdigest().encode()).digest()
    hex_report = await _verify(assinatura, await _sign_digest(assinatura, token, hexdigest), DOCUMENT)
    assert "hash_do_hexdigest" in hex_report["problemas"]
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.verification.completed",
        match={"verificacao_id": hash_of_hash["verificacao_id"]},
    )
    assert event.data["veredito"] == "invalida" and "hash_do_hash" in event.data["problemas"]


async def test_p7s_saved_as_hex_or_base64_is_named_but_still_read(assinatura, dev_secret):
    token = await _session(assinatura, dev_secret)
    p7s = await _sign_digest(assinatura, token, hashlib.sha256(DOCUMENT).digest())
    as_hex = await _verify(assinatura, p7s.hex().encode(), DOCUMENT)
    assert "p7s_hexadecimal" in as_hex["problemas"] and _checks(as_hex)["message_digest"] == "ok"
    as_b64 = await _verify(assinatura, base64.b64encode(p7s), DOCUMENT)
    assert "p7s_base64" in as_b64["problemas"] and _checks(as_b64)["message_digest"] == "ok"


async def test_rewrapped_cms_is_named(assinatura, dev_secret):
    token = await _session(assinatura, dev_secret)
    p7s = await _sign_digest(assinatura, token, hashlib.sha256(DOCUMENT).digest())
    info = cms.ContentInfo.load(p7s)
    signer = info["content"]["signer_infos"][0]
    attrs = [a for a in signer["signed_attrs"] if a["type"].native != "cms_algorithm_protection"]
    signer["signed_attrs"] = cms.CMSAttributes(attrs)
    rewrapped = cms.ContentInfo({"content_type": "signed_data", "content": info["content"]}).dump(force=True)
    report = await _verify(assinatura, rewrapped, DOCUMENT)
    assert report["veredito"] == "invalida"
    assert (
        "cms_reembrulhado" in report["problemas"] and _checks(report)["assinatura_criptografica"] == "falha"
    )


async def test_bad_upload_is_400(assinatura):
    response = await assinatura.post("/sandbox/verificar", files={"outro": ("x", b"1", "text/plain")})
    assert response.status_code == 400 and response.json()["erro"] == "dados_invalidos"
    page = await assinatura.get("/sandbox/verificar")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text


async def test_html_report(assinatura, dev_secret):
    token = await _session(assinatura, dev_secret)
    p7s = await _sign_digest(assinatura, token, hashlib.sha256(DOCUMENT).digest())
    response = await assinatura.post(
        "/sandbox/verificar",
        data={"formato": "html"},
        files={
            "assinatura": ("doc.p7s", p7s, "application/pkcs7-signature"),
            "arquivo": ("d", DOCUMENT, "text/plain"),
        },
    )
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "Assinatura válida" in response.text and "Maria da Silva Santos" in response.text


# --- PDF (PAdES-style, §3.4): prepare → digest of the /ByteRange → assinarPKCS7 → embed ----------------------

ORIGINAL_PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R /Size 4 >>\n%%EOF\n"
)
PLACEHOLDER = 16384  # hex digits reserved in /Contents (8 KB of CMS)


def prepare_pdf(signing_date: str | None = None) -> tuple[bytes, tuple[int, int, int, int]]:
    date = f" /M (D:{signing_date})".encode() if signing_date else b""
    update = (
        b"4 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
        b"/ByteRange [0 0000000000 0000000000 0000000000]"
        + date
        + b" /Contents <"
        + b"0" * PLACEHOLDER
        + b"> >>\n"
        b"endobj\ntrailer\n<< /Root 1 0 R /Size 5 /Prev 0 >>\n%%EOF\n"
    )
    pdf = ORIGINAL_PDF + update
    start = pdf.index(b"/Contents <") + len(b"/Contents ")
    end = start + PLACEHOLDER + 2
    byte_range = (0, start, end, len(pdf) - end)
    filled = f"[0 {start:010d} {end:010d} {len(pdf) - end:010d}]".encode()
    pdf = pdf.replace(b"[0 0000000000 0000000000 0000000000]", filled, 1)
    return pdf, byte_range


def byte_range_digest(pdf: bytes, byte_range: tuple[int, int, int, int]) -> bytes:
    a, b, c, d = byte_range
    return hashlib.sha256(pdf[a : a + b] + pdf[c : c + d]).digest()


def embed(pdf: bytes, byte_range: tuple[int, int, int, int], cms_bytes: bytes) -> bytes:
    _, start, end, _ = byte_range
    hex_cms = cms_bytes.hex().encode()
    assert len(hex_cms) <= PLACEHOLDER
    return pdf[: start + 1] + hex_cms.ljust(PLACEHOLDER, b"0") + pdf[end - 1 :]


async def test_pdf_signed_through_the_api_is_valid(assinatura, dev_secret):
    token = await _session(assinatura, dev_secret)
    pdf, byte_range = prepare_pdf()
    signed = embed(pdf, byte_range, await _sign_digest(assinatura, token, byte_range_digest(pdf, byte_range)))
    assert len(signed) == len(pdf)
    report = await _verify(assinatura, signed, name="doc.pdf")
    assert report["tipo"] == "pdf" and report["veredito"] == "valida", report
    assert _checks(report)["message_digest"] == "ok"


async def test_pdf_classic_mistakes_are_named(assinatura, dev_secret):
    token = await _session(assinatura, dev_secret)
    # hash of the original file instead of the prepared PDF's /ByteRange
    pdf, byte_range = prepare_pdf()
    original = embed(
        pdf, byte_range, await _sign_digest(assinatura, token, hashlib.sha256(ORIGINAL_PDF).digest())
    )
    report = await _verify(assinatura, original, name="doc.pdf")
    assert "hash_do_arquivo_original" in report["problemas"] and report["veredito"] == "invalida"
    # /Contents truncated: the CMS cut short
    cms_bytes = await _sign_digest(assinatura, token, byte_range_digest(pdf, byte_range))
    truncated = embed(pdf, byte_range, cms_bytes[: len(cms_bytes) // 2])
    report = await _verify(assinatura, truncated, name="doc.pdf")
    assert "contents_truncado" in report["problemas"] and report["veredito"] == "invalida"
    # /M written before calling the API: a date before the certificate's notBefore
    dated, dated_range = prepare_pdf("20200101000000Z")
    early = embed(
        dated, dated_range, await _sign_digest(assinatura, token, byte_range_digest(dated, dated_range))
    )
    report = await _verify(assinatura, early, name="doc.pdf")
    assert "data_antes_do_certificado" in report["problemas"]
    assert any("SignDate" in c["mensagem"] for c in report["verificacoes"])
    # a PDF without a signature
    report = await _verify(assinatura, ORIGINAL_PDF, name="doc.pdf")
    assert report["problemas"] == ["pdf_sem_assinatura"]


async def test_p7s_without_the_original_is_indeterminate(assinatura, dev_secret):
    token = await _session(assinatura, dev_secret)
    p7s = await _sign_digest(assinatura, token, hashlib.sha256(DOCUMENT).digest())
    report = await _verify(assinatura, p7s)
    assert report["veredito"] == "indeterminada" and _checks(report)["assinatura_criptografica"] == "ok"
    garbage = await _verify(assinatura, b"isto nao e um p7s")
    assert garbage["veredito"] == "invalida" and garbage["problemas"] == ["estrutura"]
