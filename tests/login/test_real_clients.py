"""Requests shaped as real Acesso GOV.BR clients send them (issue #11): the official PHP example's 171-character
code_verifier, an omniauth strategy (Decidim/Participa) that sends no nonce, old clients calling the 2019
``/api/info/usuario/selo``, and errors sent back by redirect."""

from __future__ import annotations

import base64
import hashlib
import os

from .conftest import OURO, REDIRECT, authorize_params, query_of


def php_example_pkce() -> tuple[str, str]:
    """exemplo-php.zip: ``base64url(random_bytes(128))`` (171 characters), S256."""
    verifier = base64.urlsafe_b64encode(os.urandom(128)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def _php_exchange(stack, client: dict, verifier: str, challenge: str):
    params = authorize_params(client["client_id"], challenge, login_hint=OURO)
    code = query_of(await stack.login.get("/authorize", params=params))["code"]
    # The PHP example posts everything, client_id and client_secret included, as a form body.
    return await stack.login.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )


async def test_php_example_171_character_verifier_is_accepted_with_a_warning(stack, sandbox_events):
    verifier, challenge = php_example_pkce()
    assert len(verifier) == 171
    client = await stack.register(auto_approve=True)
    token = await _php_exchange(stack, client, verifier, challenge)
    assert token.status_code == 200, token.text
    issued = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.issued", match={"client_id": client["client_id"]}
    )
    assert issued.data["warnings"] == ["code_verifier_length"]
    assert "171 caracteres" in issued.data["warning"] and "43 a 128" in issued.data["warning"]
    assert verifier not in str(issued.data)

    strict = await stack.register(auto_approve=True, pkce_verifier_strict=True)
    refused = await _php_exchange(stack, strict, verifier, challenge)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert "43 a 128" in refused.json()["erro_description"]
    rejected = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.token.rejected", match={"client_id": strict["client_id"]}
    )
    assert rejected.data["check"] == "pkce_verifier_length"
    assert rejected.data["reference"] == "acesso-govbr.md §2.2"


async def test_omniauth_without_nonce_on_a_legacy_client_and_the_legacy_selo_api(stack, sandbox_events):
    client = await stack.register(auto_approve=True, legacy_mode=True, scopes=["openid", "profile"])
    # omniauth-oauth2 style: state but no nonce and no PKCE; secret by HTTP Basic.
    params = authorize_params(client["client_id"], None, nonce=None, login_hint=OURO, scope="openid profile")
    assert "nonce" not in params
    code = query_of(await stack.login.get("/authorize", params=params))["code"]
    token = await stack.login.post(
        "/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert token.status_code == 200, token.text
    requested = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.authorize.requested", match={"client_id": client["client_id"]}
    )
    assert set(requested.data["legacy_omissions"]) == {"nonce", "pkce"}

    # dtedesco/govbr-oauth and the 2019 roteiro: GET /api/info/usuario/selo with only the bearer token.
    selos = await stack.login.get(
        "/api/info/usuario/selo",
        headers={"Accept": "application/json", "Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert selos.status_code == 200, selos.text
    body = selos.json()
    assert body and all(set(item) == {"id", "nivel", "descricao"} for item in body)
    assert all(isinstance(item["nivel"], int) for item in body)
    # the ouro persona: Receita (201) and a bank (604) → Conformidade; CIN facial (901) → Biometria
    assert body == [
        {"id": 0, "nivel": 1, "descricao": "Conformidade"},
        {"id": 0, "nivel": 4, "descricao": "Biometria"},
    ]
    forged = await stack.login.get("/api/info/usuario/selo", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401 and forged.json()["errors"][0]["code"] == "ACCESSTOKEN_MUSTBEVALID"


async def test_redirect_errors_carry_both_descriptions_and_the_seeded_client(stack):
    client = await stack.register(auto_approve=True)
    bad = query_of(
        await stack.login.get("/authorize", params=authorize_params(client["client_id"], None, scope="email"))
    )
    assert bad["error"] == "invalid_scope" and bad["error_description"] == bad["erro_description"]
    blocked = next(p for p in stack.registry.get("/personas").json() if p["bloqueada"])
    verifier_less = authorize_params(client["client_id"], "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    denied = query_of(
        await stack.login.get("/authorize", params=verifier_less | {"login_hint": blocked["cpf"]})
    )
    assert denied["error"] == "access_denied" and denied["erro_description"] == denied["error_description"]

    # The secret is shown once, at registration: the registry keeps only its hash.
    shown = stack.registry.get(f"/entes/3550308/login-clients/{client['client_id']}").json()
    assert "client_secret" not in shown and client["client_secret"] not in str(shown)
    seeded = stack.registry.get(
        f"/entes/3550308/login-clients/{stack.seed['login_client']['client_id']}"
    ).json()
    assert "govbr_empresa" in seeded["scopes"]
