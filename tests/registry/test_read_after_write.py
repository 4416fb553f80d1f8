"""Over real HTTP, what a 201 announced is there for the very next request (the transaction commits before
the response leaves; a client such as the CLI or a lab script reads right after it writes)."""

from __future__ import annotations

import secrets

import httpx
import pytest

from sandbox_kernel.secrets import admin_token


@pytest.mark.storage
def test_a_created_persona_is_readable_by_the_next_request(sandbox_server, sandbox_settings):
    registry = sandbox_server("registry")
    token, _ = admin_token(sandbox_settings)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{registry.url}/sandbox/registry", headers=headers) as client:
        missing = []
        for _ in range(40):
            spec = {"quantidade": 1, "semente": secrets.randbelow(10**9), "ente": "3550308"}
            created = client.post("/personas/generate", json=spec)
            assert created.status_code == 201, created.text
            cpf = created.json()[0]["cpf"]
            if client.get(f"/personas/{cpf}").status_code != 200:
                missing.append(cpf)
        assert not missing, f"{len(missing)} of 40 personas answered 201 but were not there right after"
