"""Registry test helpers: a running registry (in-process, real lifespan) and its admin token."""

from __future__ import annotations

import pytest

from sandbox_kernel.secrets import admin_token


@pytest.fixture
async def registry(sandbox_service, sandbox_settings):
    client = await sandbox_service("registry")
    token, _ = admin_token(sandbox_settings)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


async def new_ente(registry, ibge="3304557", nome="Rio de Janeiro", uf="RJ") -> dict:
    response = await registry.post("/sandbox/registry/entes", json={"ibge": ibge, "nome": nome, "uf": uf})
    assert response.status_code == 201, response.text
    return response.json()
