"""login_mock test stack: the registry served over real HTTP from a thread, login_mock in-process."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox_kernel.acesso_scopes import ACESSO_GOVBR_SCOPES
from sandbox_kernel.secrets import admin_token

REDIRECT = "https://app.prefeitura.sp.gov.br/retorno"
LOGOUT = "https://app.prefeitura.sp.gov.br/saiu"
ALL_SCOPES = list(ACESSO_GOVBR_SCOPES)
OURO = "99900000188"  # first default persona: ouro, regular, verified contacts


@dataclass
class Stack:
    login: httpx.AsyncClient
    registry: httpx.Client
    issuer: str
    seed: dict

    async def register(self, **fields) -> dict:
        body = {
            "nome": "App de teste",
            "redirect_uris": [REDIRECT],
            "post_logout_redirect_uris": [LOGOUT],
        } | fields
        response = self.registry.post("/entes/3550308/login-clients", json=body)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
async def stack(sandbox_server, sandbox_service, sandbox_settings) -> Stack:
    registry_proc = sandbox_server("registry")
    token, _ = admin_token(sandbox_settings)
    registry = httpx.Client(
        base_url=f"{registry_proc.url}/sandbox/registry", headers={"Authorization": f"Bearer {token}"}
    )
    login = await sandbox_service("login")
    login.base_url = sandbox_settings.login_issuer_url
    seed = json.loads((sandbox_settings.data_dir / "seed.json").read_text())
    yield Stack(login, registry, sandbox_settings.login_issuer_url, seed)
    registry.close()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(client_id: str, challenge: str | None, **extra) -> dict:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "scope": "openid email profile",
        "redirect_uri": REDIRECT,
        "state": "st-" + secrets.token_hex(4),
        "nonce": "n-" + secrets.token_hex(4),
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return {k: v for k, v in (params | extra).items() if v is not None}


def query_of(response: httpx.Response) -> dict:
    assert response.status_code == 302, (response.status_code, response.text[:500])
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


async def headless_code(stack: Stack, client_id: str, cpf: str = OURO, **extra) -> tuple[str, str, dict]:
    """(code, verifier, params) through the auto-approve path."""
    verifier, challenge = pkce()
    params = authorize_params(client_id, challenge, login_hint=cpf, **extra)
    query = query_of(await stack.login.get("/authorize", params=params))
    assert "code" in query, query
    assert query["state"] == params["state"]
    return query["code"], verifier, params
