"""Record and replay: an ente's day exported as JSON lines and imported as another ente's, same types and order."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx

from sandbox_kernel.events.replay import export_events, parse_lines
from sandbox_kernel.secrets import admin_token

SOURCE, TARGET = "3550308", "3304557"


async def test_export_import_round_trip(sandbox_server, sandbox_settings, tmp_path):
    registry = sandbox_server("registry")
    token, _ = admin_token(sandbox_settings)
    async with httpx.AsyncClient(
        base_url=f"{registry.url}/sandbox/registry", headers={"Authorization": f"Bearer {token}"}
    ) as http:
        rule = (await http.post(f"/entes/{SOURCE}/faults", json={"service": "login", "status": 503})).json()
        await http.post(f"/entes/{SOURCE}/clock/advance", json={"by": "8d"})
        await http.delete(f"/entes/{SOURCE}/faults/{rule['id']}")
    env = {**os.environ, **sandbox_settings.as_env()}
    day = tmp_path / "dia.ndjson"

    def cli(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "sandbox_kernel.cli", "events", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    exported = await asyncio.to_thread(cli, "export", "--ente", SOURCE)
    assert exported.returncode == 0, exported.stderr
    day.write_text(exported.stdout)
    original = parse_lines(exported.stdout.splitlines())
    types = [e["type"] for e in original]
    assert (
        "br.gov.sandbox.registry.ente.created" in types and "br.gov.sandbox.registry.clock.changed" in types
    )
    assert types.index("br.gov.sandbox.registry.fault.created") < types.index(
        "br.gov.sandbox.registry.fault.removed"
    )

    imported = await asyncio.to_thread(cli, "import", str(day), "--ente", TARGET, "--rate", "200")
    assert imported.returncode == 0, imported.stderr
    replayed = await export_events(
        sandbox_settings.bootstrap_servers, sandbox_settings.topic_namespace, TARGET
    )
    assert [e["type"] for e in replayed] == types
    assert not {e["id"] for e in replayed} & {e["id"] for e in original}  # fresh ids
    assert all(e["ente"] == TARGET and e["source"].endswith(TARGET) for e in replayed)
    clock = next(e for e in replayed if e["type"].endswith("clock.changed"))
    assert clock["subject"] == f"clock/{TARGET}" and clock["data"]["ente"] == TARGET
    created = next(e for e in replayed if e["type"].endswith("fault.created"))
    removed = next(e for e in replayed if e["type"].endswith("fault.removed"))
    assert created["subject"] == removed["subject"]  # consistently mapped

    broken = tmp_path / "quebrado.ndjson"
    broken.write_text('{"id": "1"}\n')
    refused = await asyncio.to_thread(cli, "import", str(broken), "--ente", TARGET)
    assert refused.returncode == 2 and "linha 1" in refused.stderr
