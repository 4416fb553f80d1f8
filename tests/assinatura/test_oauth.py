"""The CAS side over HTTP: /oauth2.0/authorize (pages and headless), /oauth2.0/token, with events."""

from __future__ import annotations

import base64
import re

import pytest

from .conftest import ANA, DEV_LOCAL, MARIA, REDIRECT, access_token, headless_code, query_of

AUTHORIZE = "/oauth2.0/authorize"


def _params(**overrides) -> dict:
    params = {
        "response_type": "code",
        "client_id": DEV_LOCAL,
        "scope": "sign",
        "redirect_uri": REDIRECT,
        "state": "st-1",
        "nonce": "no-1",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def _token_params(code: str, secret: str, **overrides) -> dict:
    params = {
        "code": code,
        "client_id": DEV_LOCAL,
        "client_secret": secret,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


@pytest.mark.storage
async def test_headless_auto_approve_returns_code_and_state_and_emits_events(assinatura, sandbox_events):
    code = await headless_code(assinatura, MARIA, "signature_session govbr", state="abc")
    assert code.startswith("OC-")
    granted = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.granted", match={"cpf": MARIA}
    )
    assert granted.data["via"] == "auto_approve"
    assert granted.data["scopes"] == ["signature_session", "govbr"]
    assert granted.event.get_attributes()["ente"] == "3550308"
    assert (
        granted.topic.endswith("govbr.3550308.assinatura")
        and granted.key == f"{DEV_LOCAL}/{granted.data['autorizacao_id']}"
    )
    assert code not in str(granted.data)


async def test_redirect_uri_mismatch_and_unknown_client_get_the_401_page(assinatura, sandbox_events):
    wrong = await assinatura.get(AUTHORIZE, params=_params(redirect_uri="https://evil.example/cb"))
    assert wrong.status_code == 401
    assert "Acesso não Autorizado" in wrong.text and "text/html" in wrong.headers["content-type"]
    unknown = await assinatura.get(AUTHORIZE, params=_params(client_id="naoexiste"))
    assert unknown.status_code == 401 and "Acesso não Autorizado" in unknown.text
    denied = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.denied", match={"check": "redirect_uri"}
    )
    assert denied.data["recebido"] == "https://evil.example/cb"
    assert "127.0.0.1" in denied.data["expected"]


async def test_scope_rules(assinatura):
    for scope in ("sign signature_session", "govbr", "", "sign admin"):
        response = await assinatura.get(AUTHORIZE, params=_params(scope=scope, login_hint=MARIA))
        assert response.status_code == 400, scope
        assert "Escopo inválido" in response.text
    # "+" in the URL is a space: signature_session+govbr+icp_brasil (the manual's example)
    ok = await assinatura.get(
        f"{AUTHORIZE}?response_type=code&client_id={DEV_LOCAL}&scope=signature_session+govbr+icp_brasil"
        f"&redirect_uri={REDIRECT}&login_hint={MARIA}"
    )
    assert ok.status_code == 302 and "code=" in ok.headers["location"]
    bad_type = await assinatura.get(AUTHORIZE, params=_params(response_type="token"))
    assert bad_type.status_code == 400


async def test_token_success_body_is_exactly_the_documented_one(assinatura, dev_secret, sandbox_events):
    code = await headless_code(assinatura)
    response = await assinatura.post("/oauth2.0/token", data=_token_params(code, dev_secret))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 600
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", body["access_token"]) and len(body["access_token"]) > 40
    issued = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.issued", match={"cpf": MARIA}
    )
    assert issued.data["token_kind"] == "sign" and issued.data["assinaturas_permitidas"] == 1
    assert body["access_token"] not in str(issued.data) and dev_secret not in str(issued.data)


async def test_token_accepts_query_string_any_content_type_and_http_basic(assinatura, dev_secret):
    # the official PHP example: everything in the query string, empty body, form content type
    code = await headless_code(assinatura)
    php = await assinatura.post(
        "/oauth2.0/token",
        params=_token_params(code, dev_secret),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert php.status_code == 200, php.text
    # FeliciLab: query string with Content-Type application/json and an empty body
    code = await headless_code(assinatura)
    felici = await assinatura.post(
        "/oauth2.0/token",
        params=_token_params(code, dev_secret),
        headers={"Content-Type": "application/json"},
    )
    assert felici.status_code == 200, felici.text
    # requests-oauthlib style: HTTP Basic client authentication, rest in a form body
    code = await headless_code(assinatura)
    basic = base64.b64encode(f"{DEV_LOCAL}:{dev_secret}".encode()).decode()
    form = _token_params(code, dev_secret, client_id=None, client_secret=None)
    via_basic = await assinatura.post(
        "/oauth2.0/token", data=form, headers={"Authorization": f"Basic {basic}"}
    )
    assert via_basic.status_code == 200, via_basic.text


@pytest.mark.storage
async def test_code_is_single_use_and_unknown_code_is_400_plain_text(assinatura, dev_secret, sandbox_events):
    code = await headless_code(assinatura)
    first = await assinatura.post("/oauth2.0/token", data=_token_params(code, dev_secret))
    assert first.status_code == 200
    again = await assinatura.post("/oauth2.0/token", data=_token_params(code, dev_secret))
    assert again.status_code == 400
    assert again.text == "error=invalid_request"
    assert again.headers["content-type"].startswith("text/plain")
    unknown = await assinatura.post("/oauth2.0/token", data=_token_params("OC-1-nada", dev_secret))
    assert (unknown.status_code, unknown.text) == (400, "error=invalid_request")
    rejected = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.rejected", match={"check": "code_replayed"}
    )
    assert rejected.data["status"] == 400 and "code novo" in rejected.data["expected"]
    assert code not in str(rejected.data)


async def test_bad_client_secret_or_redirect_is_spring_401(assinatura, dev_secret, sandbox_events):
    code = await headless_code(assinatura)
    wrong_secret = await assinatura.post("/oauth2.0/token", data=_token_params(code, "errado"))
    assert wrong_secret.status_code == 401
    body = wrong_secret.json()
    assert list(body) == ["timestamp", "status", "error", "message", "path"]
    assert body["status"] == 401 and body["error"] == "Unauthorized" and body["path"] == "/oauth2.0/token"
    assert isinstance(body["timestamp"], int)
    wrong_client = await assinatura.post(
        "/oauth2.0/token", data=_token_params(code, dev_secret, client_id="x-y-z")
    )
    assert wrong_client.status_code == 401
    wrong_redirect = await assinatura.post(
        "/oauth2.0/token", data=_token_params(code, dev_secret, redirect_uri="http://127.0.0.1:9999/outra")
    )
    assert wrong_redirect.status_code == 401
    # the refusals did not burn the code
    ok = await assinatura.post("/oauth2.0/token", data=_token_params(code, dev_secret))
    assert ok.status_code == 200
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.rejected", match={"check": "bad_secret"}
    )
    assert event.data["status"] == 401 and "errado" not in str(event.data)
    redirect_event = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.token.rejected", match={"check": "redirect_mismatch"}
    )
    assert REDIRECT in redirect_event.data["expected"]


async def test_missing_grant_type_is_invalid_request(assinatura, dev_secret):
    code = await headless_code(assinatura)
    response = await assinatura.post("/oauth2.0/token", data=_token_params(code, dev_secret, grant_type=None))
    assert (response.status_code, response.text) == (400, "error=invalid_request")


async def test_consent_page_flow_with_wrong_code_then_12345(
    assinatura_with_picker, dev_secret, sandbox_events
):
    assinatura = assinatura_with_picker  # the page flow of the persona choice (no login_mock here)
    start = await assinatura.get(AUTHORIZE, params=_params(state="s-9"))
    assert start.status_code == 302
    picker = await assinatura.get(start.headers["location"])
    assert picker.status_code == 200 and "Maria da Silva Santos" in picker.text
    authorization_id = query_of(start.headers["location"])["autorizacao"]
    chosen = await assinatura.post("/oauth2.0/login", data={"autorizacao": authorization_id, "cpf": MARIA})
    assert chosen.status_code == 303
    consent = await assinatura.get(chosen.headers["location"])
    assert consent.status_code == 200
    assert (
        "autorizar o uso do certificado" in consent.text.lower()
        or "Autorização de uso do certificado" in consent.text
    )
    assert 'name="codigo"' in consent.text
    wrong = await assinatura.post(
        "/oauth2.0/consent", data={"autorizacao": authorization_id, "codigo": "99999", "acao": "autorizar"}
    )
    assert wrong.status_code == 400 and "Código de autorização inválido" in wrong.text
    assert 'name="codigo"' in wrong.text  # the user can retry
    failed = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.consent.failed", match={"cpf": MARIA}
    )
    assert failed.data["tentativas"] == 1
    ok = await assinatura.post(
        "/oauth2.0/consent", data={"autorizacao": authorization_id, "codigo": "12345", "acao": "autorizar"}
    )
    assert ok.status_code == 303
    query = query_of(ok.headers["location"])
    assert ok.headers["location"].startswith(REDIRECT) and query["state"] == "s-9"
    token = await assinatura.post("/oauth2.0/token", data=_token_params(query["code"], dev_secret))
    assert token.status_code == 200
    granted = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.granted", match={"via": "consentimento"}
    )
    assert granted.data["autorizacao_id"] == authorization_id


async def test_bronze_persona_gets_the_manual_message_instead_of_consent(
    assinatura_with_picker, sandbox_events
):
    assinatura = assinatura_with_picker  # the page flow of the persona choice (no login_mock here)
    start = await assinatura.get(AUTHORIZE, params=_params())
    authorization_id = query_of(start.headers["location"])["autorizacao"]
    chosen = await assinatura.post("/oauth2.0/login", data={"autorizacao": authorization_id, "cpf": ANA})
    refusal = await assinatura.get(chosen.headers["location"])
    assert refusal.status_code == 403
    assert "Cidadão não possui a identidade (Prata ou Ouro) necessária" in refusal.text
    assert "confiabilidades.acesso.gov.br" in refusal.text and 'name="codigo"' not in refusal.text
    denied = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.authorization.denied", match={"check": "nivel", "cpf": ANA}
    )
    assert denied.data["autorizacao_id"] == authorization_id
    # the authorization is over: consenting afterwards does not give a code
    late = await assinatura.post(
        "/oauth2.0/consent", data={"autorizacao": authorization_id, "codigo": "12345"}
    )
    assert late.status_code == 400 and "location" not in late.headers


async def test_cancel_redirects_with_access_denied(assinatura_with_picker):
    assinatura = assinatura_with_picker  # the page flow of the persona choice (no login_mock here)
    start = await assinatura.get(AUTHORIZE, params=_params(state="c1"))
    authorization_id = query_of(start.headers["location"])["autorizacao"]
    await assinatura.post("/oauth2.0/login", data={"autorizacao": authorization_id, "cpf": MARIA})
    cancel = await assinatura.post(
        "/oauth2.0/consent", data={"autorizacao": authorization_id, "acao": "cancelar"}
    )
    assert cancel.status_code == 303
    assert query_of(cancel.headers["location"]) == {"error": "access_denied", "state": "c1"}


async def test_access_token_helper_works_for_session_scope(assinatura, dev_secret):
    assert await access_token(assinatura, dev_secret, MARIA, "signature_session")
