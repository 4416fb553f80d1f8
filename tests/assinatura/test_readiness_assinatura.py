"""Readiness report, signature rules: a flow that sends the hex digest is flagged (ASSIN-01) with the rule, the
fix and the refused request as evidence; after the fix the signature rules pass."""

from __future__ import annotations

import asyncio
import hashlib

from sandbox_kernel.readiness.catalogue import rules
from sandbox_kernel.readiness.judge import build_report
from sandbox_kernel.readiness.model import Outcome
from sandbox_kernel.readiness.source import ente_events

from .conftest import access_token, hash_b64

ENTE = "3550308"
DOCUMENT = b"Termo de adesao - documento de teste"


async def _findings(settings, wanted: str):
    for _ in range(50):
        events = await ente_events(settings.bootstrap_servers, settings.topic_namespace, ENTE)
        if any(e["type"] == wanted for e in events):
            break
        await asyncio.sleep(0.2)
    report = build_report(ENTE, list(rules("assinatura")), events)
    return report, {f.regra: f for f in report.achados}


async def test_hex_digest_is_flagged_with_rule_and_fix(assinatura, dev_secret, sandbox_settings):
    token = await access_token(assinatura, dev_secret, scope="signature_session")
    headers = {"Authorization": f"Bearer {token}"}
    hexdigest = hashlib.sha256(DOCUMENT).hexdigest()
    refused = await assinatura.post(
        "/externo/v2/assinarPKCS7", json={"hashBase64": hexdigest}, headers=headers
    )
    assert refused.status_code == 400

    report, by_rule = await _findings(sandbox_settings, "br.gov.sandbox.assinatura.signature.refused")
    hex_rule = by_rule["ASSIN-01"]
    assert hex_rule.resultado is Outcome.FALHA and "ASSIN-01" in report.resumo.bloqueios
    assert "base64(sha256(conteúdo).digest())" in hex_rule.correcao
    assert hex_rule.referencia.startswith("assinatura-govbr.md §3.2")
    (evidence,) = hex_rule.evidencias
    assert evidence.type == "br.gov.sandbox.assinatura.signature.refused"
    assert "hash_hexadecimal" in evidence.detalhe.values() and evidence.detalhe["status"] == 400
    assert by_rule["ASSIN-05"].resultado is Outcome.FALHA  # no signature yet
    assert token not in report.model_dump_json()

    signed = await assinatura.post(
        "/externo/v2/assinarPKCS7", json={"hashBase64": hash_b64(DOCUMENT)}, headers=headers
    )
    assert signed.status_code == 200
    _, by_rule = await _findings(sandbox_settings, "br.gov.sandbox.assinatura.signature.created")
    assert by_rule["ASSIN-05"].resultado is Outcome.PASSA
    assert by_rule["ASSIN-01"].resultado is Outcome.FALHA  # the history keeps the mistake as evidence
