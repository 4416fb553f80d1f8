"""Assinatura test helpers: the registry and the assinatura service, both in-process with their real
lifespans; the assinatura service reads the registry over HTTP semantics (httpx on the registry's ASGI app).

The sandbox signing CAs (four RSA-4096 keys) are made once per test session in a shared directory
(``SANDBOX_ASSINATURA_PKI_DIR``) instead of once per test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from contextlib import AsyncExitStack
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest

from assinatura_mock.app import create_app
from assinatura_mock.settings import AssinaturaSettings
from sandbox_kernel.secrets import admin_token

DEV_LOCAL = "devLocal"
REDIRECT = "http://127.0.0.1:8080/retorno"
MARIA = "99900000188"  # ouro, CPF regular
JOAO = "99900000269"  # prata
ANA = "99900000340"  # bronze
ANTONIO = "99900000935"  # prata, CPF de falecido
ROBERTO = "99900000854"  # bronze, CPF cancelado


@pytest.fixture(scope="session", autouse=True)
def shared_signing_pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("assinatura-pki")
    previous = os.environ.get("SANDBOX_ASSINATURA_PKI_DIR")
    os.environ["SANDBOX_ASSINATURA_PKI_DIR"] = str(directory)
    yield directory
    if previous is None:
        os.environ.pop("SANDBOX_ASSINATURA_PKI_DIR", None)
    else:
        os.environ["SANDBOX_ASSINATURA_PKI_DIR"] = previous


@pytest.fixture
async def registry(sandbox_service, sandbox_settings):
    client = await sandbox_service("registry")
    token, _ = admin_token(sandbox_settings)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
async def start_assinatura(registry, sandbox_settings):
    """``await start_assinatura(**settings)`` → an httpx client on a fresh assinatura app (lifespan running)."""
    async with AsyncExitStack() as stack:

        async def start(**overrides) -> httpx.AsyncClient:
            app = create_app(
                sandbox_settings.with_services(AssinaturaSettings(**overrides)),
                registry_transport=httpx.ASGITransport(app=registry.app),
            )
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://assinatura.sandbox.test"
            )
            await stack.enter_async_context(client)
            client.app = app  # type: ignore[attr-defined]
            return client

        yield start


@pytest.fixture
async def assinatura(start_assinatura):
    return await start_assinatura()


@pytest.fixture
async def assinatura_with_picker(start_assinatura):
    """Users chosen on the assinatura's own persona page (SANDBOX_ASSINATURA_LOGIN=personas)."""
    return await start_assinatura(login="personas")


@pytest.fixture
def dev_secret(sandbox_settings, registry) -> str:
    seed = json.loads((sandbox_settings.data_dir / "seed.json").read_text())
    return seed["assinatura_client"]["client_secret"]


def hash_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


async def headless_code(
    client: httpx.AsyncClient,
    cpf: str = MARIA,
    scope: str = "sign",
    state: str = "xyz",
    redirect: str = REDIRECT,
) -> str:
    response = await client.get(
        "/oauth2.0/authorize",
        params={
            "response_type": "code",
            "client_id": DEV_LOCAL,
            "scope": scope,
            "redirect_uri": redirect,
            "state": state,
            "nonce": "n-1",
            "login_hint": cpf,
        },
    )
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(redirect + "?")
    query = query_of(location)
    assert query["state"] == state
    return query["code"]


async def access_token(client: httpx.AsyncClient, secret: str, cpf: str = MARIA, scope: str = "sign") -> str:
    code = await headless_code(client, cpf, scope)
    response = await client.post(
        "/oauth2.0/token",
        data={
            "code": code,
            "client_id": DEV_LOCAL,
            "client_secret": secret,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def openssl(*args: str):
    """Run the openssl CLI (an independent verifier); returns the CompletedProcess (bytes output)."""
    return await anyio.run_process(["openssl", *args], check=False)
