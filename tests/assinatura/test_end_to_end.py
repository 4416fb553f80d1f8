"""The whole story against real components: the registry as a real process on a TCP port (the assinatura
service reads it over HTTP, as in production), the assinatura app, and the real broker. Every event the
story produced validates against the AsyncAPI document and carries no secret."""

from __future__ import annotations

import hashlib
import json

import pytest

from .conftest import DEV_LOCAL, MARIA, REDIRECT, hash_b64, headless_code

pytestmark = pytest.mark.e2e


@pytest.mark.storage
async def test_full_story_with_registry_process(
    sandbox_process, sandbox_service, sandbox_settings, sandbox_events, validate_event
):
    sandbox_process("registry")
    assinatura = await sandbox_service("assinatura")
    secret = json.loads((sandbox_settings.data_dir / "seed.json").read_text())["assinatura_client"][
        "client_secret"
    ]

    code = await headless_code(assinatura, MARIA, "signature_session")
    token_response = await assinatura.post(
        "/oauth2.0/token",
        params={
            "code": code,
            "client_id": DEV_LOCAL,
            "client_secret": secret,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
        },
    )
    assert token_response.status_code == 200, token_response.text
    access = token_response.json()["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    pem = await assinatura.get("/externo/v2/certificadoPublico", headers=headers)
    assert pem.status_code == 200 and pem.text.startswith("-----BEGIN CERTIFICATE-----")
    document = b"conteudo do documento"
    signed = await assinatura.post(
        "/externo/v2/assinarPKCS7", json={"hashBase64": hash_b64(document)}, headers=headers
    )
    assert signed.status_code == 200
    bad = await assinatura.post(
        "/externo/v2/assinarPKCS7", json={"hashBase64": hashlib.sha256(document).hexdigest()}, headers=headers
    )
    assert bad.status_code == 400
    again = await assinatura.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": DEV_LOCAL,
            "client_secret": secret,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
        },
    )
    assert again.status_code == 400
    report = await assinatura.post(
        "/sandbox/verificar",
        files={
            "assinatura": ("d.p7s", signed.content, "application/octet-stream"),
            "arquivo": ("d", document, "text/plain"),
        },
    )
    assert report.json()["veredito"] == "valida"

    expected = [
        "authorization.requested",
        "authorization.granted",
        "token.issued",
        "certificate.issued",
        "signature.created",
        "signature.refused",
        "token.rejected",
        "verification.completed",
    ]
    for kind in expected:
        await sandbox_events.wait_for(type=f"br.gov.sandbox.assinatura.{kind}", timeout=15)
    ours = [e for e in sandbox_events.received if e.type.startswith("br.gov.sandbox.assinatura.")]
    for received in ours:
        validate_event(received)
        text = json.dumps(received.data)
        for secret_value in (secret, access, code):
            assert secret_value not in text, received.type
    story = [e for e in ours if e.data.get("cpf") == MARIA and e.topic.endswith("govbr.3550308.assinatura")]
    assert {e.type.rsplit(".", 2)[-2] + "." + e.type.rsplit(".", 1)[-1] for e in story} >= {
        "authorization.granted",
        "token.issued",
        "certificate.issued",
        "signature.created",
    }
