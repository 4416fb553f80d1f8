"""Assinatura faults against the running ITI emulator: the bronze 403 text, an expired user certificate, a
signature without its timestamp, and a 5xx with the CAS's Spring body — on /externo/v2 narrowed to the token's
owner."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from asn1crypto import cms
from cryptography import x509

from assinatura_mock.app import create_app
from assinatura_mock.domain.oauth import BRONZE_MESSAGE
from sandbox_kernel.faults.engine import engine_of

from .conftest import DEV_LOCAL, MARIA, REDIRECT, access_token, hash_b64

ENTE = "3550308"
SIGN = "/externo/v2/assinarPKCS7"
INJECTED = "br.gov.sandbox.assinatura.fault.injected"


@pytest.fixture
async def itis(sandbox_server, sandbox_settings, sandbox_faults):
    """The ITI emulator in-process, reading a registry served over real HTTP (the fault engine reads it as in
    production) and kept in step by ``sandbox_faults``; yields the client and devLocal's secret."""
    sandbox_server("registry")
    secret = json.loads((sandbox_settings.data_dir / "seed.json").read_text())["assinatura_client"][
        "client_secret"
    ]
    app = create_app(sandbox_settings)
    async with app.router.lifespan_context(app):
        sandbox_faults.clients.append(app)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://iti.test"
        ) as iti:
            iti.app = app  # type: ignore[attr-defined]  # tests reach the app through its client
            yield iti, secret


async def test_signing_faults(itis, sandbox_faults, sandbox_events):
    iti, secret = itis
    assert engine_of(iti.app) is not None
    token = await access_token(iti, secret, MARIA, "signature_session")
    bearer = {"Authorization": f"Bearer {token}"}

    async def sign() -> httpx.Response:
        return await iti.post(SIGN, json={"hashBase64": hash_b64(b"oficio")}, headers=bearer)

    await sandbox_faults.add(ENTE, service="assinatura", effect="bronze_forbidden", count=1)
    refused = await sign()
    assert refused.status_code == 403 and refused.text == BRONZE_MESSAGE

    await sandbox_faults.add(ENTE, service="assinatura", effect="no_timestamp", count=1)
    plain = cms.ContentInfo.load((await sign()).content)
    assert not plain["content"]["signer_infos"][0]["unsigned_attrs"]
    stamped = cms.ContentInfo.load((await sign()).content)  # the rule is spent: the stamp is back
    assert stamped["content"]["signer_infos"][0]["unsigned_attrs"]

    await sandbox_faults.add(ENTE, service="assinatura", effect="expired_certificate", count=1)
    signed = cms.ContentInfo.load((await sign()).content)
    not_after = [
        c.chosen["tbs_certificate"]["validity"]["not_after"].native for c in signed["content"]["certificates"]
    ]
    assert min(not_after) < dt.datetime.now(dt.UTC)  # the signer's certificate has expired

    # A status rule on /externo/v2 narrows through the opaque bearer token's owner (ente, persona).
    await sandbox_faults.add(
        ENTE,
        service="assinatura",
        endpoint="assinarPKCS7",
        persona="99900000270",
        status=503,
        count=1,
    )
    assert (await sign()).status_code == 200  # another persona's rule leaves Maria alone
    await sandbox_faults.add(
        ENTE, service="assinatura", endpoint="assinarPKCS7", persona=MARIA, status=503, count=1
    )
    busy = await sign()
    assert busy.status_code == 503 and busy.json()["path"] == SIGN, busy.text

    await sandbox_faults.add(ENTE, service="assinatura", endpoint="token", status=503, count=1)
    down = await iti.post(
        "/oauth2.0/token",
        data={"code": "x", "client_id": DEV_LOCAL, "client_secret": secret,
              "grant_type": "authorization_code", "redirect_uri": REDIRECT},
    )  # fmt: skip
    assert down.status_code == 503
    assert down.json()["status"] == 503 and down.json()["path"] == "/oauth2.0/token"
    for effect in ("bronze_forbidden", "no_timestamp", "expired_certificate", "status"):
        await sandbox_events.wait_for(type=INJECTED, match={"effect": effect})


async def test_certificates_and_signatures_follow_the_entes_clock(itis, sandbox_faults):
    """Advanced past the certificate's end, the ente's people get a new one, issued (and used) in its time."""
    iti, secret = itis

    async def certificate_and_signature() -> tuple[x509.Certificate, cms.ContentInfo]:
        bearer = {"Authorization": f"Bearer {await access_token(iti, secret, MARIA, 'signature_session')}"}
        pem = await iti.get("/externo/v2/certificadoPublico", headers=bearer)
        signed = await iti.post(SIGN, json={"hashBase64": hash_b64(b"oficio")}, headers=bearer)
        assert pem.status_code == 200 and signed.status_code == 200, signed.text
        return x509.load_pem_x509_certificate(pem.content), cms.ContentInfo.load(signed.content)

    today, _ = await certificate_and_signature()
    await sandbox_faults.advance_clock(ENTE, "400d")  # past the 365-day certificate
    later, signature = await certificate_and_signature()
    virtual_now = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert later.serial_number != today.serial_number
    assert abs(later.not_valid_before_utc - virtual_now) < dt.timedelta(minutes=10)
    signer = signature["content"]["signer_infos"][0]
    signing_time = next(
        a["values"][0].native for a in signer["signed_attrs"] if a["type"].native == "signing_time"
    )
    assert abs(signing_time - virtual_now) < dt.timedelta(minutes=10)
