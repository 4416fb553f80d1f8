"""The outbox loses nothing: events committed while the broker is down, across a crash and a restart,
all arrive once it comes back, in commit order per key, duplicated (if ever) only with the same id."""

from __future__ import annotations

import asyncio
import signal
from collections import defaultdict

import httpx
import pytest

from sandbox_kernel.broker import EmbeddedBroker
from sandbox_kernel.testing.events import EventsHelper
from sandbox_kernel.testing.processes import free_port

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (see the plugin)


async def _ping(url: str, n: int, start: int) -> list[str]:
    ids = []
    async with httpx.AsyncClient(base_url=url) as client:
        for i in range(start, start + n):
            response = await client.post("/sandbox/ping", params={"ente": "3304557", "message": f"#{i:03d}"})
            assert response.status_code == 202, response.text
            ids.append(response.json()["id"])
    return ids


async def test_events_survive_broker_outage_crash_and_restart(sandbox_settings, sandbox_process):
    broker = EmbeddedBroker("127.0.0.1", free_port())  # not started yet: the broker is "down"
    settings = sandbox_settings.model_copy(update={"kafka_bootstrap_servers": broker.bootstrap_servers})

    first = sandbox_process("login", settings)
    health = first.wait_responding(10)
    assert health.status_code == 503 and health.json()["status"] == "degraded"
    committed = await _ping(first.url, 40, 0)
    first.stop(signal.SIGKILL)  # crash: nothing flushed, nothing confirmed

    second = sandbox_process("login", settings)
    committed += await _ping(second.url, 40, 40)
    assert second.wait_responding(5).status_code == 503

    await broker.astart()
    events = await EventsHelper(settings.bootstrap_servers, settings.topic_namespace).start()
    try:
        await events.wait_for(type="br.gov.sandbox.login.ping.received", count=80, timeout=30)
        await events.wait_for(type="br.gov.sandbox.login.service.started", count=2, timeout=10)

        pings = events.matching(type="br.gov.sandbox.login.ping.received")
        ids_by_message = defaultdict(set)
        for e in pings:
            ids_by_message[e.data["message"]].add(e.event.get_id())
        assert all(len(ids) == 1 for ids in ids_by_message.values()), "a duplicate came with a new id"

        unique = events.unique(type="br.gov.sandbox.login.ping.received")
        assert [e.event.get_id() for e in unique] == committed  # none lost, commit order kept for the key
        async with httpx.AsyncClient(base_url=second.url) as client:
            for _ in range(50):  # the relay confirms, then health recovers
                if (await client.get("/sandbox/health")).status_code == 200:
                    break
                await asyncio.sleep(0.2)
            body = (await client.get("/sandbox/health")).json()
        assert body["status"] == "ok" and body["outbox"]["pending"] == 0
    finally:
        await events.stop()
        second.stop()
        broker.stop()
