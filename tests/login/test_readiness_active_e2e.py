"""The active readiness run against two real relying parties (end to end): the careful authlib client refuses every
crafted id_token; the naive one (decodes without verifying) fails exactly the id_token cases."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import httpx
import pytest

from sandbox_kernel.secrets import admin_token

from .relying_parties import free_port, relying_party, serving

ID_TOKEN_RULES = {f"LOGIN-{n}" for n in range(21, 29)}


async def _register(registry_url: str, token: str, port: int) -> dict:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        response = await http.post(
            f"{registry_url}/sandbox/registry/entes/3550308/login-clients",
            json={"nome": f"Serviço {port}", "redirect_uris": [f"http://127.0.0.1:{port}/retorno"]},
        )
    assert response.status_code == 201, response.text
    return response.json()


def _run(settings, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")} | settings.as_env()
    command = [sys.executable, "-m", "sandbox_kernel.cli", "readiness", "login", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.e2e
async def test_careful_client_passes_naive_client_fails_the_id_token_cases(sandbox_process, sandbox_settings):
    registry = sandbox_process("registry")
    sandbox_process("login")
    token, _ = admin_token(sandbox_settings)
    issuer = sandbox_settings.login_issuer_url
    results = {}
    for name, careful in (("careful", True), ("naive", False)):
        port = free_port()
        client = await _register(registry.url, token, port)
        app = relying_party(issuer, client["client_id"], client["client_secret"], port, careful)
        async with serving(app, port) as base:
            run = await asyncio.to_thread(
                _run,
                sandbox_settings,
                "--client",
                client["client_id"],
                "--start-url",
                f"{base}/entrar",
                "--json",
            )
        assert run.returncode in (0, 1), run.stdout + run.stderr
        report = json.loads(run.stdout)
        results[name] = (run.returncode, {f["regra"]: f for f in report["achados"]})
        assert client["client_secret"] not in run.stdout

    code, careful = results["careful"]
    assert code == 0, {k: (f["resultado"], f["explicacao"]) for k, f in careful.items() if k >= "LOGIN-20"}
    for rule in ID_TOKEN_RULES | {"LOGIN-11", "LOGIN-20", "LOGIN-29"}:
        assert careful[rule]["resultado"] == "passa", careful[rule]

    code, naive = results["naive"]
    assert code == 1
    failed = {rule for rule, f in naive.items() if f["resultado"] == "falha"}
    # the naive client also exchanged the replayed callback's code again: the passive rule sees it too
    assert failed == ID_TOKEN_RULES | {"LOGIN-11", "LOGIN-06"}
    assert naive["LOGIN-06"]["evidencias"][0]["detalhe"]["check"] == "code_replayed"
    assert careful["LOGIN-06"]["resultado"] == "passa"  # the careful one never sent the code twice
    assert naive["LOGIN-20"]["resultado"] == "passa"
    wrong_iss = naive["LOGIN-21"]
    browser = next(e for e in wrong_iss["evidencias"] if e["type"] == "navegador")
    assert browser["detalhe"]["pagina_final_http"] == 200 and browser["detalhe"]["token_usado"] is True
    assert any(e["type"].endswith("fault.injected") for e in wrong_iss["evidencias"])
    assert "iss" in wrong_iss["correcao"]
