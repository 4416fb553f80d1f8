"""One signature authorization, one story: with three partitions the authorize request, its code, the token,
the certificate and three signatures of a signature_session all have the key ``<client_id>/<autorizacao_id>``,
land on one partition and arrive in causal order, read from the real broker."""

from __future__ import annotations

import pytest

from .conftest import DEV_LOCAL, MARIA, access_token, hash_b64

PREFIX = "br.gov.sandbox.assinatura."
FLOW = [
    "authorization.requested",
    "authorization.granted",
    "token.issued",
    "certificate.issued",
    "signature.created",
    "signature.created",
    "signature.created",
]


@pytest.fixture
def sandbox_settings(sandbox_settings):
    return sandbox_settings.model_copy(update={"topic_partitions": 3})


async def test_a_signature_session_is_one_key_one_partition_in_order(assinatura, dev_secret, sandbox_events):
    token = await access_token(assinatura, dev_secret, MARIA, "signature_session")
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await assinatura.get("/externo/v2/certificadoPublico", headers=bearer)).status_code == 200
    for n in range(3):
        signed = await assinatura.post(
            "/externo/v2/assinarPKCS7", json={"hashBase64": hash_b64(b"doc %d" % n)}, headers=bearer
        )
        assert signed.status_code == 200, signed.text

    last = await sandbox_events.wait_for(
        type=PREFIX + "signature.created", match={"usadas_na_sessao": 3}, timeout=30
    )
    key = f"{DEV_LOCAL}/{last.data['autorizacao_id']}"
    assert last.key == key
    story = [e for e in sandbox_events.received if e.key == key]
    assert [e.type.removeprefix(PREFIX) for e in story] == FLOW
    related = [
        e for e in sandbox_events.received if e.data.get("autorizacao_id") == last.data["autorizacao_id"]
    ]
    assert {e.key for e in related} == {key}
    assert len({(e.topic, e.partition) for e in story}) == 1
    offsets = [e.offset for e in story]
    assert offsets == sorted(offsets)
