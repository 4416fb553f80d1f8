"""The active readiness run refuses, with a clear explanation, a client it cannot drive from this machine."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx

from sandbox_kernel.secrets import admin_token


def _run(settings, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")} | settings.as_env()
    command = [sys.executable, "-m", "sandbox_kernel.cli", "readiness", "login", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


async def test_a_client_off_loopback_gets_a_clear_explanation(sandbox_process, sandbox_settings):
    registry = sandbox_process("registry")
    token, _ = admin_token(sandbox_settings)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        response = await http.post(
            f"{registry.url}/sandbox/registry/entes/3550308/login-clients",
            json={"nome": "Portal", "redirect_uris": ["https://portal.prefeitura.sp.gov.br/retorno"]},
        )
    client = response.json()
    run = await asyncio.to_thread(
        _run,
        sandbox_settings,
        "--client",
        client["client_id"],
        "--start-url",
        "https://portal.prefeitura.sp.gov.br/",
    )
    assert run.returncode == 2
    assert "nenhuma redirect_uri do cliente está em 127.0.0.1/localhost" in run.stdout
    assert "https://portal.prefeitura.sp.gov.br/retorno" in run.stdout
