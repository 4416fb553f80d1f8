"""Every rule the real platform states, each with a negative test, and the events that explain refusals."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest

from login_mock.settings import LoginSettings
from sandbox_kernel.testing.processes import free_port

from .conftest import LOGOUT, OURO, REDIRECT, authorize_params, headless_code, pkce, query_of


async def _token(stack, client, code, verifier, redirect_uri=REDIRECT, secret=None):
    basic = base64.b64encode(f"{client['client_id']}:{secret or client['client_secret']}".encode()).decode()
    return await stack.login.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        headers={"Authorization": f"Basic {basic}"},
    )


async def test_unknown_client_and_unregistered_redirect_get_a_page_not_a_redirect(stack, sandbox_events):
    client = await stack.register()
    _, challenge = pkce()
    unknown = await stack.login.get("/authorize", params=authorize_params("nao-existe", challenge))
    assert unknown.status_code == 400 and "text/html" in unknown.headers["content-type"]
    assert "não cadastrado" in unknown.text
    evil = await stack.login.get(
        "/authorize",
        params=authorize_params(client["client_id"], challenge, redirect_uri="https://evil.example/cb"),
    )
    assert evil.status_code == 400 and "location" not in evil.headers
    assert REDIRECT in evil.text  # the page says what would have matched
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.authorize.rejected", match={"check": "redirect_uri_mismatch"}
    )
    assert event.data["redirected"] is False and REDIRECT in event.data["expected"]


async def test_query_string_added_to_a_registered_redirect_does_not_match(stack):
    client = await stack.register()
    _, challenge = pkce()
    response = await stack.login.get(
        "/authorize", params=authorize_params(client["client_id"], challenge, redirect_uri=REDIRECT + "?x=1")
    )
    assert response.status_code == 400


async def test_authorize_rules_redirect_back_with_error_and_state(stack, sandbox_events):
    client = await stack.register(scopes=["openid", "email", "profile"])
    verifier, challenge = pkce()
    cases = {
        "scope_not_registered": authorize_params(
            client["client_id"], challenge, scope="openid govbr_empresa"
        ),
        "scope_openid": authorize_params(client["client_id"], challenge, scope="email"),
        "pkce_missing": authorize_params(client["client_id"], None),
        "pkce_method": authorize_params(client["client_id"], challenge, code_challenge_method="plain"),
        "state_missing": authorize_params(client["client_id"], challenge, state=None),
        "nonce_missing": authorize_params(client["client_id"], challenge, nonce=None),
    }
    for check, params in cases.items():
        query = query_of(await stack.login.get("/authorize", params=params))
        assert query["error"] in ("invalid_scope", "invalid_request"), (check, query)
        assert query.get("state") == params.get("state")
        assert query["error_description"]
        await sandbox_events.wait_for(type="br.gov.sandbox.login.authorize.rejected", match={"check": check})


@pytest.mark.storage
async def test_legacy_client_may_omit_pkce_state_and_nonce_and_the_event_says_so(stack, sandbox_events):
    client = await stack.register(legacy_mode=True, auto_approve=True)
    params = authorize_params(client["client_id"], None, state=None, nonce=None, login_hint=OURO)
    query = query_of(await stack.login.get("/authorize", params=params))
    assert "code" in query
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.authorize.requested", match={"client_id": client["client_id"]}
    )
    assert set(event.data["legacy_omissions"]) == {"state", "nonce", "pkce"}
    token = await stack.login.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": REDIRECT,
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert token.status_code == 200 and "nonce" not in token.text


async def test_bad_secret_unknown_client_and_wrong_grant(stack, sandbox_events):
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    bad = await _token(stack, client, code, verifier, secret="errado")
    assert bad.status_code == 401
    assert bad.json() == {
        "error": "unauthorized",
        "error_description": "Bad credentials",
        "erro_description": "Bad credentials",
    }
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.rejected", match={"check": "bad_secret"}
    )
    assert "errado" not in str(event.data)
    unknown = await stack.login.post(
        "/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": "x", "client_secret": "y"},
    )
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    grant = await stack.login.post(
        "/token", data={"grant_type": "password", "client_id": client["client_id"]}
    )
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    # the code survived the failed attempts: the right secret still works once
    assert (await _token(stack, client, code, verifier)).status_code == 200


async def test_a_secret_sent_as_the_client_id_stays_out_of_the_events(stack, sandbox_events):
    """Swapped HTTP Basic credentials (secret:client_id), a common slip: the refusal event must not carry
    the secret, though it says which check failed and shows enough of the value to recognise it."""
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    swapped = {"client_id": client["client_secret"], "client_secret": client["client_id"]}
    refused = await _token(stack, swapped, code, verifier)
    assert refused.status_code == 401 and client["client_secret"] not in refused.text
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.rejected",
        match={
            "check": "unknown_client",
            "client_id": f"{client['client_secret'][:4]}…({len(client['client_secret'])} caracteres)",
        },
    )
    whole = json.dumps(event.data) + (event.key or "") + str(event.event.get_attributes())
    assert client["client_secret"] not in whole


@pytest.mark.storage
async def test_replayed_code_is_refused_and_revokes_what_it_issued(stack, sandbox_events):
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    first = (await _token(stack, client, code, verifier)).json()
    bearer = {"Authorization": f"Bearer {first['access_token']}"}
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 200
    replay = await _token(stack, client, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    revoked = await stack.login.get("/userinfo", headers=bearer)
    assert revoked.status_code == 401 and revoked.json()["errors"][0]["code"] == "ACCESSTOKEN_MUSTBEVALID"
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.rejected", match={"check": "code_replayed"}
    )
    assert event.data["revoked_tokens"] == 1
    # the revoked token's refusal is the ente's, in the story of its login (readiness LOGIN-08 sees it)
    used = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.api.rejected", match={"check": "revoked", "client_id": client["client_id"]}
    )
    assert used.topic.endswith("govbr.3550308.login") and used.key == event.key


@pytest.mark.storage
async def test_concurrent_exchanges_of_one_code_give_one_token(stack):
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    results = await asyncio.gather(*[_token(stack, client, code, verifier) for _ in range(5)])
    assert sorted(r.status_code for r in results) == [200, 400, 400, 400, 400]


async def test_redirect_uri_and_pkce_must_match_at_token(stack, sandbox_events):
    client = await stack.register(auto_approve=True, redirect_uris=[REDIRECT, REDIRECT + "2"])
    code, verifier, _ = await headless_code(stack, client["client_id"])
    other = await _token(stack, client, code, verifier, redirect_uri=REDIRECT + "2")
    assert other.status_code == 400 and other.json()["error"] == "invalid_grant"
    await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.rejected", match={"check": "redirect_mismatch"}
    )
    code2, _, _ = await headless_code(stack, client["client_id"])
    wrong, _ = pkce()
    mismatch = await _token(stack, client, code2, wrong)
    assert mismatch.status_code == 400 and "code_verifier" in mismatch.json()["error_description"]
    await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.rejected", match={"check": "pkce_mismatch"}
    )


@pytest.mark.storage
async def test_expired_code_is_refused(stack, sandbox_settings, sandbox_faults):
    stack.login.app.state.runtime.settings = sandbox_settings.with_services(LoginSettings(code_ttl=5))
    sandbox_faults.clients.append(stack.login)
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    await sandbox_faults.advance_clock("3550308", "6s")  # the ente's virtual clock, instead of a 5.5 s sleep
    response = await _token(stack, client, code, verifier)
    assert response.status_code == 400 and "expirado" in response.json()["error_description"]


async def test_apps_in_one_process_keep_their_own_clocks(
    stack, sandbox_settings, sandbox_faults, sandbox_server, sandbox_service, tmp_path
):
    """A second sandbox in the same process (as in tests), whose registry has no clock set, refreshing its
    overrides must not reset the first one's: each app reads its own copy of the offsets."""
    stack.login.app.state.runtime.settings = sandbox_settings.with_services(LoginSettings(code_ttl=5))
    sandbox_faults.clients.append(stack.login)
    other = sandbox_settings.model_copy(
        update={"data_dir": tmp_path / "other", "registry_port": free_port(), "login_port": free_port()}
    )
    sandbox_server("registry", settings=other)
    other_login = await sandbox_service("login", settings=other)

    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    await sandbox_faults.advance_clock("3550308", "6s")
    assert (await other_login.post("/sandbox/overrides/refresh")).json()["clocks"] == {}
    assert (await stack.login.get("/sandbox/overrides")).json()["clocks"] == {"3550308": 6.0}
    response = await _token(stack, client, code, verifier)
    assert response.status_code == 400 and "expirado" in response.json()["error_description"]


async def test_api_scope_token_and_cpf_rules(stack):
    client = await stack.register(
        auto_approve=True, scopes=["openid", "email", "profile", "govbr_confiabilidades"]
    )
    code, verifier, _ = await headless_code(stack, client["client_id"], scope="openid email")
    token = (await _token(stack, client, code, verifier)).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    no_scope = await stack.login.get(f"/confiabilidades/v3/contas/{OURO}/niveis", headers=bearer)
    assert no_scope.status_code == 401
    assert no_scope.json()["errors"][0]["code"] == "ACCESSTOKEN_SCOPE_MUSTCONTAINSEXPECTEDSCOPE"
    assert "govbr_confiabilidades" in no_scope.json()["erro_description"]
    forged = await stack.login.get("/userinfo", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401 and forged.json()["error"] == "ACCESSTOKEN_MUSTBEVALID"
    id_as_access = await stack.login.get(
        "/userinfo", headers={"Authorization": f"Bearer {token['id_token']}"}
    )
    assert id_as_access.status_code == 401

    code, verifier, _ = await headless_code(stack, client["client_id"], scope="openid govbr_confiabilidades")
    token = (await _token(stack, client, code, verifier)).json()
    other = await stack.login.get(
        "/confiabilidades/v3/contas/99900000269/niveis",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert other.status_code == 403


async def test_blocked_persona_cannot_log_in_headless(stack, sandbox_events):
    client = await stack.register(auto_approve=True)
    blocked = next(p for p in stack.registry.get("/personas").json() if p["bloqueada"])
    _, challenge = pkce()
    query = query_of(
        await stack.login.get(
            "/authorize", params=authorize_params(client["client_id"], challenge, login_hint=blocked["cpf"])
        )
    )
    assert query["error"] == "access_denied"
    await sandbox_events.wait_for(
        type="br.gov.sandbox.login.authentication.failed", match={"check": "blocked"}
    )


async def test_logout_matches_the_registered_uri_exactly(stack, sandbox_events):
    client = await stack.register()
    ok = await stack.login.get(
        "/logout", params={"post_logout_redirect_uri": LOGOUT, "client_id": client["client_id"]}
    )
    assert ok.status_code == 302 and ok.headers["location"] == LOGOUT
    with_query = await stack.login.get(
        "/logout", params={"post_logout_redirect_uri": LOGOUT + "?tipo=GOV", "client_id": client["client_id"]}
    )
    assert with_query.status_code == 400 and "location" not in with_query.headers
    await sandbox_events.wait_for(type="br.gov.sandbox.login.logout.completed", match={"redirected": False})


@pytest.mark.storage
async def test_jwk_rotation_keeps_one_key(stack):
    before = (await stack.login.get("/jwk")).json()["keys"]
    anonymous = await stack.login.post("/sandbox/jwk/rotate")  # every ente's tokens hang on this key
    assert anonymous.status_code == 401 and "administrador" in anonymous.json()["error_description"]
    admin = {"Authorization": stack.registry.headers["Authorization"]}
    rotated = (await stack.login.post("/sandbox/jwk/rotate", headers=admin)).json()
    after = (await stack.login.post("/jwk")).json()["keys"]
    assert len(before) == len(after) == 1
    assert rotated["kid"] == "rsa2" == after[0]["kid"] and after[0]["n"] != before[0]["n"]


async def test_sandbox_personas_lists_what_the_login_page_offers(stack):
    personas = (await stack.login.get("/sandbox/personas")).json()
    assert {"cpf", "nome", "nivel", "bloqueada"} <= set(personas[0])
    assert any(p["cpf"] == OURO for p in personas)


async def test_auth_time_iat_and_exp_follow_the_entes_clock(stack, sandbox_faults):
    sandbox_faults.clients.append(stack.login)
    client = await stack.register(auto_approve=True)
    await sandbox_faults.advance_clock("3550308", "1d")
    code, verifier, _ = await headless_code(stack, client["client_id"])
    token = (await _token(stack, client, code, verifier)).json()
    payload = token["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tomorrow = time.time() + 86400
    for claim in ("auth_time", "iat"):
        assert abs(claims[claim] - tomorrow) < 120, (claim, claims)
    assert claims["exp"] > tomorrow
