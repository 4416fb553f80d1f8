"""Login faults against the running login_mock: statuses with the real error bodies, latency, authorize
refusals, and the eight id_token faults — each one refused by authlib, as a correct client must."""

from __future__ import annotations

import time

import pytest
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from login_mock.keys import SigningKey
from sandbox_kernel.faults.catalog import ID_TOKEN_EFFECTS
from sandbox_kernel.faults.id_token import split

from ..login.conftest import OURO, REDIRECT, authorize_params, headless_code, pkce, query_of

ENTE = "3550308"
INJECTED = "br.gov.sandbox.login.fault.injected"


async def _token(stack, client: dict, code: str, verifier: str):
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
    }
    return await stack.login.post("/token", data=fields)


@pytest.fixture
def faults(sandbox_faults, stack):
    sandbox_faults.clients.append(stack.login)  # in-process login_mock: refresh it directly
    return sandbox_faults


async def test_unknown_names_get_422_naming_field_and_allowed_values(stack, faults):
    cases = [
        ({"service": "sefaz", "status": 503}, "service", "login, assinatura, tramita"),
        ({"service": "login", "endpoint": "tokens", "status": 503}, "endpoint", "token"),
        ({"service": "login", "effect": "meteoro"}, "effect", "id_token_alg_none, jwks_rotation"),
        ({"service": "login", "endpoint": "token", "status": 200}, "status", "400 a 599"),
        ({"service": "tramita", "effect": "bronze_forbidden"}, "effect", "silent_pendencias"),
        ({"service": "login", "status": 503, "probability": 2}, "probability", ""),
    ]
    catalog = (await faults.registry.get("/faults/catalog")).json()  # what `faults catalog` prints
    assert "jwks_rotation" in catalog["login"]["effects"] and "token" in catalog["login"]["endpoints"]
    for spec, field, allowed in cases:
        response = await faults.registry.post(f"/entes/{ENTE}/faults", json=spec)
        assert response.status_code == 422, response.text
        campo = response.json()["campos"][0]
        assert campo["campo"] == field and allowed in campo["mensagem"], (spec, campo)


async def test_token_503_once_with_the_oauth_body_then_normal(stack, faults, sandbox_events, validate_event):
    client = await stack.register(auto_approve=True)
    rule = await faults.add(ENTE, service="login", endpoint="token", status=503, count=1, description="queda")
    code, verifier, _ = await headless_code(stack, client["client_id"])
    failed = await _token(stack, client, code, verifier)
    assert failed.status_code == 503
    assert failed.json()["error"] == "temporarily_unavailable" and failed.json()["error_description"]
    retried = await _token(stack, client, code, verifier)  # the fault never reached the code: it still works
    assert retried.status_code == 200, retried.text
    event = await sandbox_events.wait_for(type=INJECTED, match={"rule_id": rule["id"]})
    validate_event(event)
    assert event.data["status"] == 503 and event.data["client_id"] == client["client_id"]
    assert event.topic.endswith(f"govbr.{ENTE}.login")
    assert await faults.list(ENTE) == []  # spent
    await sandbox_events.wait_for(
        type="br.gov.sandbox.registry.fault.removed", match={"rule_id": rule["id"], "reason": "esgotada"}
    )


async def test_userinfo_latency_and_5xx_on_apis(stack, faults, sandbox_events):
    client = await stack.register(auto_approve=True, scopes=["openid", "profile", "govbr_confiabilidades"])
    code, verifier, _ = await headless_code(
        stack, client["client_id"], scope="openid profile govbr_confiabilidades"
    )
    token = (await _token(stack, client, code, verifier)).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    await faults.add(ENTE, service="login", endpoint="userinfo", latency_ms=400, count=1)
    started = time.monotonic()
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 200
    assert time.monotonic() - started >= 0.4
    await sandbox_events.wait_for(type=INJECTED, match={"effect": "latency", "latency_ms": 400})

    await faults.add(ENTE, service="login", endpoint="confiabilidades", status=502, persona=OURO)
    failed = await stack.login.get(f"/confiabilidades/v3/contas/{OURO}/niveis", headers=bearer)
    assert failed.status_code == 502 and failed.json()["errors"][0]["status"] == 502


async def test_another_entes_rule_does_not_touch_this_one(stack, faults):
    other = await faults.registry.post(
        "/entes", json={"ibge": "3304557", "nome": "Rio de Janeiro", "uf": "RJ"}
    )
    assert other.status_code == 201
    await faults.add("3304557", service="login", endpoint="token", status=500)
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    assert (await _token(stack, client, code, verifier)).status_code == 200


@pytest.mark.parametrize("effect", ["access_denied", "temporarily_unavailable"])
async def test_authorize_refusals_reach_the_redirect_uri(effect, stack, faults, sandbox_events):
    client = await stack.register(auto_approve=True)
    await faults.add(ENTE, service="login", effect=effect, client_id=client["client_id"], count=1)
    _, challenge = pkce()
    params = authorize_params(client["client_id"], challenge, login_hint=OURO)
    query = query_of(await stack.login.get("/authorize", params=params))
    assert query["error"] == effect and query["state"] == params["state"] and "code" not in query
    await sandbox_events.wait_for(type=INJECTED, match={"effect": effect})


@pytest.mark.parametrize("effect", ID_TOKEN_EFFECTS)
async def test_every_id_token_fault_is_refused_by_authlib(effect, stack, faults, sandbox_events):
    client = await stack.register(auto_approve=True)
    discovery = (await stack.login.get("/.well-known/openid-configuration")).json()
    jwks = JsonWebKey.import_key_set((await stack.login.get("/jwk")).json())
    rule = await faults.add(ENTE, service="login", effect=effect, count=1)
    code, verifier, params = await headless_code(stack, client["client_id"])
    response = await _token(stack, client, code, verifier)
    assert response.status_code == 200, response.text

    def parse(id_token: str):
        # What authlib's OIDC integrations do (_parse_id_token): the provider's algs, the JWKS, iss, aud, nonce.
        claims = JsonWebToken(discovery["id_token_signing_alg_values_supported"]).decode(
            id_token,
            key=jwks,
            claims_cls=CodeIDToken,
            claims_options={"iss": {"values": [discovery["issuer"]]}},
            claims_params={"nonce": params["nonce"], "client_id": client["client_id"]},
        )
        claims.validate(leeway=120)
        return claims

    with pytest.raises(Exception) as refused:
        parse(response.json()["id_token"])
    library = refused.type.__module__.split(".")[0] in ("authlib", "joserfc")
    assert library or isinstance(refused.value, ValueError), refused  # "Key not found": authlib's own
    await sandbox_events.wait_for(type=INJECTED, match={"rule_id": rule["id"], "effect": effect})

    code, verifier, params = await headless_code(stack, client["client_id"])  # the rule is spent
    assert parse((await _token(stack, client, code, verifier)).json()["id_token"])["sub"] == OURO


async def test_the_entes_clock_expires_codes_and_moves_iat(stack, faults):
    client = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, client["client_id"])
    await faults.advance_clock(ENTE, "2m")  # the code lives 60 s on the ente's clock
    expired = await _token(stack, client, code, verifier)
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant", expired.text

    code, verifier, _ = await headless_code(stack, client["client_id"])
    token = (await _token(stack, client, code, verifier)).json()
    iat = JsonWebToken(["RS256"]).decode(
        token["id_token"], JsonWebKey.import_key_set((await stack.login.get("/jwk")).json())
    )["iat"]
    assert iat >= time.time() + 110  # exp/iat follow the ente's clock
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 200
    await faults.advance_clock(ENTE, "2h")  # past the access token's hour
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 401


async def test_jwks_rotation_signs_with_the_next_kid_that_only_a_refetch_finds(
    stack, faults, sandbox_events, sandbox_settings
):
    client = await stack.register(auto_approve=True, scopes=["openid", "profile"])
    other = await stack.register(auto_approve=True)
    discovery = (await stack.login.get("/.well-known/openid-configuration")).json()
    cached = (await stack.login.get("/jwk")).json()  # what a client fetched at start-up, before the rule
    assert [k["kid"] for k in cached["keys"]] == ["rsa1"]
    rule = await faults.add(
        ENTE, service="login", effect="jwks_rotation", client_id=client["client_id"], count=1
    )
    assert rule["endpoint"] == "token"
    announced = (await stack.login.get("/jwk")).json()["keys"]
    assert [k["kid"] for k in announced] == ["rsa1", "rsa2"]  # keys[0] is still the key in use

    def parse(id_token: str, jwks: dict, params: dict, client_id: str):
        claims = JsonWebToken(discovery["id_token_signing_alg_values_supported"]).decode(
            id_token,
            key=JsonWebKey.import_key_set(jwks),
            claims_cls=CodeIDToken,
            claims_options={"iss": {"values": [discovery["issuer"]]}},
            claims_params={"nonce": params["nonce"], "client_id": client_id},
        )
        claims.validate(leeway=120)
        return claims

    # another client of the ente is not hit: current key, the cached JWKS validates it
    code, verifier, params = await headless_code(stack, other["client_id"])
    plain = (await _token(stack, other, code, verifier)).json()
    assert parse(plain["id_token"], cached, params, other["client_id"])["sub"] == OURO

    code, verifier, params = await headless_code(stack, client["client_id"], scope="openid profile")
    response = await _token(stack, client, code, verifier)
    assert response.status_code == 200, response.text
    token = response.json()
    assert split(token["id_token"])[0] == split(token["access_token"])[0] == {"kid": "rsa2", "alg": "RS256"}
    with pytest.raises(ValueError):  # authlib: the kid is not in the cached set ("Key not found")
        parse(token["id_token"], cached, params, client["client_id"])
    # a client that re-fetches the JWKS on an unknown kid (authlib's integrations do) accepts it
    fresh = (await stack.login.get("/jwk")).json()
    assert parse(token["id_token"], fresh, params, client["client_id"])["sub"] == OURO
    verified = jwt.decode(token["id_token"], KeySet.import_key_set(fresh), algorithms=["RS256"])  # joserfc
    assert verified.header["kid"] == "rsa2" and verified.claims["aud"] == client["client_id"]
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 200
    event = await sandbox_events.wait_for(type=INJECTED, match={"rule_id": rule["id"]})
    assert event.data["effect"] == "jwks_rotation" and event.data["client_id"] == client["client_id"]

    # spent: the current key again, while rsa2 stays published until the tokens it signed expire
    code, verifier, params = await headless_code(stack, client["client_id"], scope="openid profile")
    again = (await _token(stack, client, code, verifier)).json()
    assert split(again["id_token"])[0]["kid"] == "rsa1"
    assert [k["kid"] for k in (await stack.login.get("/jwk")).json()["keys"]] == ["rsa1", "rsa2"]
    same = SigningKey(sandbox_settings.data_dir / "login", "rsa1")  # what a restart reads back
    assert same.kid == "rsa1" and same.next_key()[0] == "rsa2"
    assert same.jwks()["keys"][1]["n"] == announced[1]["n"]

    # the global rotation promotes the announced key: tokens signed with it keep working
    admin = {"Authorization": stack.registry.headers["Authorization"]}
    assert (await stack.login.post("/sandbox/jwk/rotate", headers=admin)).json()["kid"] == "rsa2"
    assert (await stack.login.get("/jwk")).json()["keys"] == [announced[1]]
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 200
