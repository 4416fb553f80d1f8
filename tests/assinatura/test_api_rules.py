"""The signature API's rules as pure functions (domain/api_rules.py); HTTP tests replay them end to end."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest

from assinatura_mock.domain import api_rules as rules

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_body_must_be_json_with_the_base64_of_32_bytes():
    digest = hashlib.sha256(b"x").digest()
    assert rules.hash_from_body(b'{"hashBase64": "%s"}' % base64.b64encode(digest)) == digest
    with pytest.raises(rules.Refusal) as not_json:
        rules.hash_from_body(b"hashBase64=abc")
    assert (not_json.value.status, not_json.value.check) == (400, "corpo_invalido")
    assert "JSON" in not_json.value.body
    with pytest.raises(rules.Refusal) as hexed:
        rules.hash_from_body(b'{"hashBase64": "%s"}' % hashlib.sha256(b"x").hexdigest().encode())
    assert (hexed.value.status, hexed.value.check) == (400, "hash_hexadecimal")


def test_tokens_expire_and_sign_tokens_sign_once():
    later = NOW + dt.timedelta(seconds=1)
    rules.check_token(expires_at=later, uses=0, max_uses=1, kind="sign", now=NOW, consuming=True)
    with pytest.raises(rules.Refusal) as expired:
        rules.check_token(expires_at=NOW, uses=0, max_uses=1, kind="sign", now=later, consuming=False)
    assert (expired.value.status, expired.value.check, expired.value.body) == (401, "token_expirado", None)
    with pytest.raises(rules.Refusal) as used:
        rules.check_token(expires_at=later, uses=1, max_uses=1, kind="sign", now=NOW, consuming=True)
    assert used.value.check == "token_ja_usado" and "signature_session" in used.value.expected
    # reading the certificate does not consume: a used sign token still reads it
    rules.check_token(expires_at=later, uses=1, max_uses=1, kind="sign", now=NOW, consuming=False)
    assert rules.used_up("signature_session", 100).check == "limite_da_sessao"


def test_only_prata_or_ouro_with_a_regular_cpf_may_sign():
    assert rules.check_signer({"nivel": "ouro", "situacao_cpf": "regular"})["nivel"] == "ouro"
    with pytest.raises(rules.Refusal) as bronze:
        rules.check_signer({"nivel": "bronze"})
    assert bronze.value.status == 403 and bronze.value.body.startswith("Cidadão não possui a identidade")
    with pytest.raises(rules.Refusal) as dead:
        rules.check_signer({"nivel": "prata", "situacao_cpf": "falecido"})
    assert dead.value.status == 403 and dead.value.body.startswith("CPF com situação cancelada")
    with pytest.raises(rules.Refusal) as gone:
        rules.check_signer(None)
    assert (gone.value.status, gone.value.check) == (401, "usuario_removido")
