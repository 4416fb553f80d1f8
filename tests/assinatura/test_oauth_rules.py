"""More CAS rules, each with a negative test: exact redirect_uri for a registered (non-loopback) client,
the client's own scopes, codes bound to their client and expiring, single use under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import update

from assinatura_mock.storage import CodeRow

from .conftest import DEV_LOCAL, MARIA, REDIRECT, access_token, hash_b64, headless_code, query_of

RIO_REDIRECT = "https://portal.rio.rj.gov.br/assinatura/retorno"


async def _rio_client(registry) -> dict:
    ente = await registry.post(
        "/sandbox/registry/entes", json={"ibge": "3304557", "nome": "Rio de Janeiro", "uf": "RJ"}
    )
    assert ente.status_code == 201, ente.text
    client = await registry.post(
        "/sandbox/registry/entes/3304557/assinatura-clients",
        json={
            "nome": "Portal Rio",
            "redirect_uris": [RIO_REDIRECT],
            "scopes": ["sign", "govbr"],
            "auto_approve": True,
        },
    )
    assert client.status_code == 201, client.text
    return client.json()


def _authorize(client_id: str, redirect: str, scope: str = "sign", **extra) -> dict:
    return {
        "response_type": "code",
        "client_id": client_id,
        "scope": scope,
        "redirect_uri": redirect,
        "state": "s",
        **extra,
    }


async def test_registered_redirect_must_match_exactly_and_scopes_are_the_clients(
    assinatura, registry, sandbox_events
):
    rio = await _rio_client(registry)
    cid = rio["client_id"]
    ok = await assinatura.get("/oauth2.0/authorize", params=_authorize(cid, RIO_REDIRECT, login_hint=MARIA))
    assert ok.status_code == 302 and ok.headers["location"].startswith(RIO_REDIRECT + "?code=")
    for near_miss in (
        RIO_REDIRECT + "/",
        RIO_REDIRECT.replace("https", "http"),
        RIO_REDIRECT.upper(),
        REDIRECT,
    ):
        response = await assinatura.get(
            "/oauth2.0/authorize", params=_authorize(cid, near_miss, login_hint=MARIA)
        )
        assert response.status_code == 401, near_miss
    not_allowed = await assinatura.get(
        "/oauth2.0/authorize", params=_authorize(cid, RIO_REDIRECT, "signature_session", login_hint=MARIA)
    )
    assert not_allowed.status_code == 400 and "não liberado" in not_allowed.text
    denied = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.denied",
        match={"client_id": cid, "check": "scope"},
    )
    assert denied.topic.endswith("govbr.3304557.assinatura")
    # this client's code cannot be redeemed with devLocal's credentials
    code = query_of(ok.headers["location"])["code"]
    stolen = await assinatura.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": DEV_LOCAL,
            "client_secret": "x",
            "grant_type": "authorization_code",
            "redirect_uri": RIO_REDIRECT,
        },
    )
    assert stolen.status_code == 401  # devLocal's secret is wrong first
    redeemed = await assinatura.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": cid,
            "client_secret": rio["client_secret"],
            "grant_type": "authorization_code",
            "redirect_uri": RIO_REDIRECT,
        },
    )
    assert redeemed.status_code == 200, redeemed.text


async def test_code_of_another_client_is_invalid_request(assinatura, registry, dev_secret, sandbox_events):
    rio = await _rio_client(registry)
    ok = await assinatura.get(
        "/oauth2.0/authorize", params=_authorize(rio["client_id"], RIO_REDIRECT, login_hint=MARIA)
    )
    code = query_of(ok.headers["location"])["code"]
    response = await assinatura.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": DEV_LOCAL,
            "client_secret": dev_secret,
            "grant_type": "authorization_code",
            "redirect_uri": RIO_REDIRECT,
        },
    )
    assert (response.status_code, response.text) == (400, "error=invalid_request")
    await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.rejected", match={"check": "client_mismatch"}
    )


@pytest.mark.storage
async def test_expired_code_is_invalid_request(assinatura, dev_secret, sandbox_events):
    code = await headless_code(assinatura)
    ctx = assinatura.app.state.assinatura
    async with ctx.runtime.db.sessionmaker() as session, session.begin():
        await session.execute(
            update(CodeRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    response = await assinatura.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": DEV_LOCAL,
            "client_secret": dev_secret,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
        },
    )
    assert (response.status_code, response.text) == (400, "error=invalid_request")
    await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.rejected", match={"check": "code_expired"}
    )


@pytest.mark.storage
async def test_concurrent_redemptions_of_one_code_give_one_token(assinatura, dev_secret):
    code = await headless_code(assinatura)
    data = {
        "code": code,
        "client_id": DEV_LOCAL,
        "client_secret": dev_secret,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
    }
    responses = await asyncio.gather(*(assinatura.post("/oauth2.0/token", data=data) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400, 400]


@pytest.mark.storage
async def test_concurrent_signatures_with_a_sign_token_sign_once(assinatura, dev_secret):
    token = await access_token(assinatura, dev_secret, MARIA, "sign")
    headers = {"Authorization": f"Bearer {token}"}
    responses = await asyncio.gather(
        *(
            assinatura.post(
                "/externo/v2/assinarPKCS7", json={"hashBase64": hash_b64(bytes([i]))}, headers=headers
            )
            for i in range(4)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 401, 401, 401]


async def test_unknown_login_hint_and_stale_pages(assinatura):
    unknown = await assinatura.get(
        "/oauth2.0/authorize", params=_authorize(DEV_LOCAL, REDIRECT, login_hint="11144477735")
    )
    assert unknown.status_code == 400 and "nenhuma persona" in unknown.text
    stale = await assinatura.get("/oauth2.0/consent", params={"autorizacao": "nao-existe"})
    assert stale.status_code == 400 and "expirou" in stale.text
    picker = await assinatura.get("/oauth2.0/login", params={"autorizacao": "nao-existe"})
    assert picker.status_code == 400


async def test_registry_down_is_503_not_a_stack_trace(sandbox_settings):
    import httpx

    from assinatura_mock.app import create_app

    app = create_app(
        sandbox_settings.model_copy(update={"registry_url": "http://127.0.0.1:9"}),
    )
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x")
        response = await client.get(
            "/oauth2.0/authorize", params=_authorize(DEV_LOCAL, REDIRECT, login_hint=MARIA)
        )
        assert response.status_code == 503 and "indisponível" in response.text
        token = await client.post(
            "/oauth2.0/token", data={"grant_type": "authorization_code", "client_id": "x"}
        )
        assert token.status_code == 503


async def test_headless_path_applies_the_login_account_checks(assinatura, registry, sandbox_events):
    """login_hint skips the pages, not the checks the gov.br login makes: blocked accounts and personas
    of another ente get no code (as login_mock's headless path)."""
    blocked = "99900001079"  # Juliana: bloqueada
    refused = await assinatura.get(
        "/oauth2.0/authorize", params=_authorize(DEV_LOCAL, REDIRECT, login_hint=blocked)
    )
    assert refused.status_code == 403 and "code=" not in refused.headers.get("location", "")
    denied = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.denied", match={"check": "bloqueada", "cpf": blocked}
    )
    assert denied.key == f"{DEV_LOCAL}/{denied.data['autorizacao_id']}"
    await _rio_client(registry)
    generated = await registry.post(
        "/sandbox/registry/personas/generate", json={"ente": "3304557", "quantidade": 1, "semente": 7}
    )
    assert generated.status_code == 201, generated.text
    other = generated.json()[0]["cpf"]
    elsewhere = await assinatura.get(
        "/oauth2.0/authorize", params=_authorize(DEV_LOCAL, REDIRECT, login_hint=other)
    )
    assert elsewhere.status_code == 400 and "nenhuma persona" in elsewhere.text
    await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.denied", match={"check": "login_hint", "cpf": other}
    )
