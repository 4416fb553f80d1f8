"""The code flow as a real OIDC client runs it: authlib through discovery, PKCE, id_token against the JWKS,
userinfo, confiabilidades and empresas — with each of the three client-authentication forms."""

from __future__ import annotations

import base64

import httpx
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from .conftest import ALL_SCOPES, OURO, REDIRECT, authorize_params, headless_code, pkce, query_of


async def _exchange(stack, form: str, client: dict, code: str, verifier: str) -> httpx.Response:
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    if form == "client_secret_basic":
        basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
        return await stack.login.post("/token", data=fields, headers={"Authorization": f"Basic {basic}"})
    if form == "client_secret_post":
        return await stack.login.post(
            "/token",
            data=fields | {"client_id": client["client_id"], "client_secret": client["client_secret"]},
        )
    # the official Java example: every parameter in the query string, empty body
    query = fields | {"client_id": client["client_id"], "client_secret": client["client_secret"]}
    return await stack.login.post("/token", params=query, content=b"")


@pytest.mark.storage
@pytest.mark.parametrize("form", ["client_secret_basic", "client_secret_post", "query"])
async def test_authlib_client_full_flow(form, stack, sandbox_events, validate_event):
    client = await stack.register(scopes=ALL_SCOPES, auto_approve=True)
    discovery = (await stack.login.get("/.well-known/openid-configuration")).json()
    assert discovery["issuer"] == stack.issuer and stack.issuer.endswith("/")
    assert discovery["jwks_uri"].endswith("/jwk") and "end_session_endpoint" not in discovery

    oauth = AsyncOAuth2Client(
        client["client_id"],
        client["client_secret"],
        scope=" ".join(ALL_SCOPES),
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if form == "query" else form,
        transport=httpx.ASGITransport(app=stack.login.app),
    )
    verifier, _ = pkce()
    url, state = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="nonce-xyz", login_hint=OURO
    )
    callback = await stack.login.get(url)
    query = query_of(callback)
    assert query["state"] == state
    if form == "query":
        response = await _exchange(stack, form, client, query["code"], verifier)
        assert response.status_code == 200, response.text
        token = response.json()
    else:
        token = await oauth.fetch_token(
            discovery["token_endpoint"], code=query["code"], code_verifier=verifier, state=state
        )
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3599
    assert token["scope"] == " ".join(ALL_SCOPES)

    jwks = KeySet.import_key_set((await stack.login.get(discovery["jwks_uri"])).json())
    assert len(jwks.keys) == 1
    id_token = jwt.decode(token["id_token"], jwks)
    assert id_token.header == {"kid": "rsa1", "alg": "RS256"}
    JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": client["client_id"]},
        nonce={"essential": True, "value": "nonce-xyz"},
    ).validate(id_token.claims)
    claims = id_token.claims
    assert claims["sub"] == OURO == claims["preferred_username"]
    assert claims["exp"] - claims["iat"] == 60
    assert claims["scope"] == ALL_SCOPES
    assert claims["email_verified"] is True and claims["email"]
    assert claims["reliability_info"]["level"] == "gold"
    assert all(r["updatedAt"][-5:] == "-0300" for r in claims["reliability_info"]["reliabilities"])

    access = jwt.decode(token["access_token"], jwks).claims
    assert access["aud"] == client["client_id"] and access["iss"] == stack.issuer
    assert access["exp"] - access["iat"] == 3600 and isinstance(access["scope"], list)

    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    for path in ("/userinfo", "/userinfo/"):
        info = (await stack.login.get(path, headers=bearer)).json()
        assert (
            info["sub"] == OURO and info["email_verified"] is True and info["phone_number_verified"] is True
        )
    niveis = (
        await stack.login.get(f"/confiabilidades/v3/contas/{OURO}/niveis?response-type=ids", headers=bearer)
    ).json()
    assert niveis[0]["id"] == "3"
    selos = (
        await stack.login.get(f"/confiabilidades/v3/contas/{OURO}/confiabilidades", headers=bearer)
    ).json()
    assert {s["id"] for s in selos} == {r["id"] for r in claims["reliability_info"]["reliabilities"]}
    assert (
        await stack.login.get(
            "/empresas/v2/empresas", params={"filtrar-por-participante": OURO}, headers=bearer
        )
    ).status_code == 200
    picture = await stack.login.get("/userinfo/picture", headers=bearer)
    assert picture.headers["content-type"] == "image/png" and picture.content.startswith(b"\x89PNG")

    issued = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.issued", match={"client_id": client["client_id"]}
    )
    assert issued.data["client_auth"] == ("query" if form == "query" else form)
    assert issued.topic.endswith("govbr.3550308.login")
    await sandbox_events.wait_for(type="br.gov.sandbox.login.userinfo.served")
    text = str([(e.event.get_attributes(), e.data) for e in sandbox_events.received])
    for secret in (
        client["client_secret"],
        query["code"],
        verifier,
        token["access_token"],
        token["id_token"],
    ):
        assert secret not in text
    for received in sandbox_events.received:
        validate_event(received)


@pytest.mark.storage
async def test_company_certificate_login_carries_cnpj_claims(stack):
    client = await stack.register(scopes=ALL_SCOPES, auto_approve=True)
    personas = stack.registry.get("/personas").json()
    company = next(
        p
        for p in personas
        if "x509" in p["amr"] and any(e["atuacao"] == "REPRESENTANTE_LEGAL" for e in p["empresas"])
    )
    code, verifier, _ = await headless_code(
        stack, client["client_id"], company["cpf"], scope=" ".join(ALL_SCOPES)
    )
    token = (await _exchange(stack, "client_secret_post", client, code, verifier)).json()
    claims = jwt.decode(
        token["id_token"], KeySet.import_key_set((await stack.login.get("/jwk")).json())
    ).claims
    assert claims["cnpj"].count(".") == 2 and "/" in claims["cnpj"]
    assert claims["cnpj_certificate_name"]
    x509 = (
        await stack.login.get("/api/x509/info", headers={"Authorization": f"Bearer {token['access_token']}"})
    ).json()
    assert x509["type"] in ("device", "cloud") and all(a.startswith("x509") for a in x509["amr"])


async def test_per_client_claim_formats(stack):
    client = await stack.register(
        scopes=ALL_SCOPES,
        auto_approve=True,
        sub_format="formatted",
        verified_as_string=True,
        id_token_ttl=600,
    )
    code, verifier, _ = await headless_code(stack, client["client_id"], scope="openid email phone")
    token = (await _exchange(stack, "client_secret_basic", client, code, verifier)).json()
    claims = jwt.decode(
        token["id_token"], KeySet.import_key_set((await stack.login.get("/jwk")).json())
    ).claims
    assert claims["sub"] == "999000001-88" and claims["preferred_username"] == OURO
    assert claims["email_verified"] == "true" and claims["phone_number_verified"] == "true"
    assert claims["exp"] - claims["iat"] == 600


async def test_unverified_email_is_omitted(stack):
    client = await stack.register(scopes=ALL_SCOPES, auto_approve=True)
    personas = stack.registry.get("/personas").json()
    unverified = next(
        p for p in personas if p.get("email") and not p["email_verificado"] and not p["bloqueada"]
    )
    code, verifier, _ = await headless_code(stack, client["client_id"], unverified["cpf"])
    token = (await _exchange(stack, "client_secret_basic", client, code, verifier)).json()
    claims = jwt.decode(
        token["id_token"], KeySet.import_key_set((await stack.login.get("/jwk")).json())
    ).claims
    assert "email" not in claims and claims["email_verified"] is False


async def test_seeded_sandbox_local_client_works_with_any_loopback_redirect(stack):
    seeded = stack.seed["login_client"]
    verifier, challenge = pkce()
    params = authorize_params(
        seeded["client_id"], challenge, login_hint=OURO, redirect_uri="http://localhost:5173/callback"
    )
    query = query_of(await stack.login.get("/authorize", params=params))
    response = await stack.login.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": "http://localhost:5173/callback",
            "code_verifier": verifier,
            "client_id": seeded["client_id"],
            "client_secret": seeded["client_secret"],
        },
    )
    assert response.status_code == 200, response.text
