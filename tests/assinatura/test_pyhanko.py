"""Acceptance: a PDF signed through the API with pyHanko's external-signing flow (prepare → digest →
assinarPKCS7 → embed) validates with pyHanko against the sandbox root.

pyHanko is an independent PAdES implementation: it prepares the signature placeholder, computes the
/ByteRange digest, embeds the CMS the API returned byte for byte, and validates the result with its own
certificate path validation, trusting only the sandbox root from ``/sandbox/cadeia.pem``.
"""

from __future__ import annotations

import base64
import hashlib
from io import BytesIO

from asn1crypto import pem, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .conftest import MARIA, access_token

SIGN = "/externo/v2/assinarPKCS7"
ROOT_NAME = "Autoridade Certificadora Raiz do Governo Federal SANDBOX v1"
FIELD = "AssinaturaGovBr"
# gov.br signing certificates carry KeyUsage digitalSignature only (no nonRepudiation; reference
# assinatura-govbr.md §4.1), and the sandbox persona certificates copy that. pyHanko's default PDF policy
# asks for nonRepudiation, so a validator of gov.br signatures must accept digitalSignature explicitly.
GOVBR_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature"})


def _blank_pdf() -> bytes:
    writer = PdfFileWriter()
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _certs(pem_bytes: bytes) -> list[x509.Certificate]:
    return [x509.Certificate.load(der) for _, _, der in pem.unarmor(pem_bytes, multiple=True)]


def _is_root(cert: x509.Certificate) -> bool:
    return cert.self_signed != "no"  # asn1crypto answers "no" / "maybe" / "yes"


def _sandbox_root(chain_pem: bytes) -> x509.Certificate:
    roots = [c for c in _certs(chain_pem) if _is_root(c)]
    assert [c.subject.native["common_name"] for c in roots] == [ROOT_NAME]
    return roots[0]


def _sandbox_intermediates(chain_pem: bytes) -> list[x509.Certificate]:
    return [c for c in _certs(chain_pem) if not _is_root(c)]


async def _sign_pdf_through_api(assinatura, dev_secret) -> tuple[bytes, bytes, bytes]:
    """Returns (signed PDF, CMS returned by the API, sandbox chain PEM)."""
    token = await access_token(assinatura, dev_secret, MARIA, "signature_session")
    headers = {"Authorization": f"Bearer {token}"}
    cert_response = await assinatura.get("/externo/v2/certificadoPublico", headers=headers)
    assert cert_response.status_code == 200, cert_response.text
    chain_response = await assinatura.get("/sandbox/cadeia.pem")
    assert chain_response.status_code == 200, chain_response.text
    (signing_cert,) = _certs(cert_response.content)
    intermediates = _sandbox_intermediates(chain_response.content)

    # 1. prepare: pyHanko allocates the signature field and /Contents placeholder (adbe.pkcs7.detached)
    external = signers.ExternalSigner(
        signing_cert=signing_cert,
        cert_registry=SimpleCertificateStore.from_certs(intermediates),
        signature_value=bytes(512),
    )
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        ),
        signer=external,
    )
    writer = IncrementalPdfFileWriter(BytesIO(_blank_pdf()))
    # 2. digest of the /ByteRange
    prepared, _tbs, output = await pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=16384)
    prepared_pdf = output.getvalue()
    start, end = prepared.reserved_region_start, prepared.reserved_region_end
    assert prepared.document_digest == hashlib.sha256(prepared_pdf[:start] + prepared_pdf[end:]).digest()

    # 3. the API signs that digest
    response = await assinatura.post(
        SIGN,
        json={"hashBase64": base64.b64encode(prepared.document_digest).decode()},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    api_cms = response.content

    # 4. embed the API's CMS unchanged
    await PdfTBSDocument.async_finish_signing(output, prepared, api_cms)
    return output.getvalue(), api_cms, chain_response.content


def _validation_context(chain_pem: bytes) -> ValidationContext:
    # Only the sandbox root is trusted. The API's CMS carries just the signer's certificate (and the TSA
    # token just the TSA's), so the intermediates published in cadeia.pem are given as untrusted
    # path-building material, as a verifier with the sandbox chain installed would have them.
    return ValidationContext(
        trust_roots=[_sandbox_root(chain_pem)],
        other_certs=_sandbox_intermediates(chain_pem),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


async def test_pdf_signed_with_pyhanko_external_flow_validates_against_sandbox_root(assinatura, dev_secret):
    signed_pdf, api_cms, chain_pem = await _sign_pdf_through_api(assinatura, dev_secret)

    reader = PdfFileReader(BytesIO(signed_pdf))
    (embedded,) = reader.embedded_signatures
    assert embedded.field_name == FIELD
    assert embedded.sig_object["/SubFilter"] == "/adbe.pkcs7.detached"
    contents = embedded.sig_object["/Contents"]
    # the API's CMS byte for byte (BER, as returned), then the placeholder's zero padding
    embedded_cms = contents.original_bytes
    assert embedded_cms[: len(api_cms)] == api_cms and not embedded_cms[len(api_cms) :].strip(b"\x00")

    status = await async_validate_pdf_signature(
        embedded, _validation_context(chain_pem), key_usage_settings=GOVBR_KEY_USAGE
    )
    assert status.intact, status.pretty_print_details()
    assert status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.bottom_line, status.pretty_print_details()
    assert status.md_algorithm == "sha256"
    assert status.signing_cert.subject.native == {"common_name": "Maria da Silva Santos"}
    path = [c.subject.native["common_name"] for c in status.validation_path.iter_certs(include_root=True)]
    assert path == [
        ROOT_NAME,
        "AC Intermediaria do Governo Federal do Brasil SANDBOX",
        "AC Final do Governo Federal do Brasil SANDBOX",
        "Maria da Silva Santos",
    ]
    assert status.coverage.name == "ENTIRE_FILE"
    # the API's signature timestamp (AC EAT SANDBOX → ASSINATURA-CARIMBO) also chains to the sandbox root
    timestamp = status.timestamp_validity
    assert timestamp is not None and timestamp.intact and timestamp.valid and timestamp.trusted


async def test_pdf_modified_after_embedding_is_not_intact(assinatura, dev_secret):
    signed_pdf, _api_cms, chain_pem = await _sign_pdf_through_api(assinatura, dev_secret)
    reader = PdfFileReader(BytesIO(signed_pdf))
    (embedded,) = reader.embedded_signatures
    first_range_end = embedded.byte_range[1]
    # flip a byte of the page's MediaBox, inside the signed byte range (before /Contents)
    target = signed_pdf.index(b"595", 0, first_range_end)
    tampered = signed_pdf[:target] + b"596" + signed_pdf[target + 3 :]
    assert len(tampered) == len(signed_pdf)

    (tampered_sig,) = PdfFileReader(BytesIO(tampered)).embedded_signatures
    status = await async_validate_pdf_signature(
        tampered_sig, _validation_context(chain_pem), key_usage_settings=GOVBR_KEY_USAGE
    )
    assert not status.intact, status.pretty_print_details()
    # the signed attributes are untouched (pyHanko's ``valid``); the messageDigest no longer matches
    assert not status.bottom_line


async def test_pyhanko_default_key_usage_policy_rejects_the_govbr_certificate(assinatura, dev_secret):
    """Pins the finding: with pyHanko's default policy (nonRepudiation) the signature is intact and
    cryptographically valid, but the signer certificate is refused for its key usage, as a real gov.br one is."""
    signed_pdf, _api_cms, chain_pem = await _sign_pdf_through_api(assinatura, dev_secret)
    (embedded,) = PdfFileReader(BytesIO(signed_pdf)).embedded_signatures
    status = await async_validate_pdf_signature(embedded, _validation_context(chain_pem))
    assert status.intact and status.valid
    assert not status.trusted and not status.bottom_line
    assert "non_repudiation" not in status.signing_cert.key_usage_value.native
    assert "digital_signature" in status.signing_cert.key_usage_value.native
