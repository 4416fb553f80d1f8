"""The embedded broker is in memory: when it dies, the outboxes are the durable log that refills it.

SIGKILL the broker in the middle of a burst and while the relay is idle, with three partitions, on each
storage backend. Afterwards a fresh consumer reading every topic from offset 0 must find every event the
outbox holds (before and after the kill), each key's events in commit order, and health must have said
``degraded`` while the re-publishing lasted and show it afterwards.
"""

from __future__ import annotations

import asyncio
import re
import signal

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import select

from sandbox_kernel.broker import EmbeddedBroker
from sandbox_kernel.events.models.common import PingReceived
from sandbox_kernel.events.reader import EventReader
from sandbox_kernel.events.topics import topic_pattern
from sandbox_kernel.testing.processes import free_port

ENTES = ["3550308", "3304557", "5300108"]
KEYS = [f"story-{i}" for i in range(12)]


async def _commit(runtime, start: int, count: int) -> None:
    """``count`` events in small transactions, spread over 3 topics and 12 keys (stories)."""
    for i in range(start, start + count, 5):
        async with runtime.transaction() as tx:
            for n in range(i, min(i + 5, start + count)):
                tx.emit(
                    PingReceived(message=f"#{n:04d}", ente=ENTES[n % 3]),
                    key=KEYS[n % len(KEYS)],
                    subject="ping",
                    ente=ENTES[n % 3],
                )
        await asyncio.sleep(0.005)


async def _outbox(runtime) -> list[tuple[str, str, str]]:
    """(id, topic, key) of every row the outbox holds, in commit order."""
    table = runtime.outbox.table
    async with runtime.db.session() as session:
        rows = (await session.execute(select(table).order_by(table.c.seq))).all()
    return [(r.event_id, r.topic, r.key) for r in rows]


async def _read_everything(bootstrap: str, namespace: str, expected: int, timeout: float = 60.0):
    """A fresh consumer from offset 0 of every topic of the namespace."""
    seen: dict[str, tuple[str, int, str]] = {}
    order: dict[str, list[str]] = {}
    async with EventReader(bootstrap, topic_pattern(namespace), from_beginning=True) as reader:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async for batch in reader.batches(poll_ms=100):
            for e in batch:
                event_id = e.event.get_id()
                seen.setdefault(event_id, (e.topic, e.partition, e.key))
                order.setdefault((e.topic, e.key), []).append(event_id)  # every copy, as it came
            if len(seen) >= expected or loop.time() > deadline:
                break
    return seen, order


async def _watch_health(client, bodies: list[dict], stop: asyncio.Event) -> None:
    while not stop.is_set():
        bodies.append((await client.get("/sandbox/health")).json())
        await asyncio.sleep(0.02)


async def _until_ok(client, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        body = (await client.get("/sandbox/health")).json()
        if body["status"] == "ok" and body["outbox"]["pending"] == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"health never came back: {body}")


@pytest.mark.storage  # the outbox is the durable log: on both backends
@pytest.mark.parametrize("moment", ["burst", "idle"])
async def test_broker_sigkill_loses_nothing(moment, sandbox_settings, sandbox_service):
    broker = EmbeddedBroker("127.0.0.1", free_port())
    await broker.astart()
    settings = sandbox_settings.model_copy(
        update={"kafka_bootstrap_servers": broker.bootstrap_servers, "topic_partitions": 3}
    )
    try:
        client = await sandbox_service("login", settings)
        runtime = client.app.state.runtime
        await _commit(runtime, 0, 150)
        for _ in range(100):  # delivered to the first incarnation
            if (await client.get("/sandbox/health")).json()["outbox"]["pending"] == 0:
                break
            await asyncio.sleep(0.1)
        first = runtime.relay.status.incarnation

        bodies: list[dict] = []
        stop_watching = asyncio.Event()
        watcher = asyncio.create_task(_watch_health(client, bodies, stop_watching))
        if moment == "burst":
            burst = asyncio.create_task(_commit(runtime, 150, 300))
            await asyncio.sleep(0.3)
        broker.process.send_signal(signal.SIGKILL)
        broker.process.wait()
        broker.process = None
        if moment == "burst":
            await asyncio.sleep(0.3)  # events keep committing while the broker is gone
        await broker.astart()  # same port, empty memory, a new cluster id
        if moment == "burst":
            await burst
        else:
            await _commit(runtime, 150, 30)

        await _until_ok(client)
        stop_watching.set()
        await watcher
        # While it lasted, health said degraded and why; an idle re-publish can end between two polls,
        # so health also keeps the last one.
        degraded = [b for b in bodies if b["status"] == "degraded"]
        assert all("republicando" in b["reason"] or "broker" in b["reason"] for b in degraded)
        last = (await client.get("/sandbox/health")).json()["outbox"]["last_republish"]
        assert last["events"] >= 150 and last["incarnation"] == runtime.relay.status.incarnation
        assert runtime.relay.status.incarnation != first
        assert runtime.relay.status.republished_total >= 150

        outbox = await _outbox(runtime)
        seen, order = await _read_everything(
            settings.bootstrap_servers, settings.topic_namespace, len(outbox)
        )
        missing = [event_id for event_id, _, _ in outbox if event_id not in seen]
        assert not missing, f"{len(missing)} of {len(outbox)} committed events are not on the new broker"
        for event_id, topic, key in outbox:
            assert seen[event_id][0] == topic and seen[event_id][2] == key
        for topic, key in {(t, k) for _, t, k in outbox}:  # each story in commit order, one partition
            committed = [i for i, t, k in outbox if (t, k) == (topic, key)]
            # A consumer that keeps the first copy of each id sees commit order: the relay drops its producer
            # the moment the broker connection breaks, so no in-flight batch reaches the new broker ahead of
            # the re-published log (aiokafka would otherwise retry it there by itself).
            copies = order[(topic, key)]
            assert list(dict.fromkeys(copies)) == committed, f"story {key} out of order in {topic}"
            assert list(dict.fromkeys(reversed(copies)))[::-1] == committed  # and so does the last copy
            assert len({seen[i][1] for i in committed}) == 1
        assert len({seen[i][1] for i, _, _ in outbox}) == 3  # the stories spread over the 3 partitions

        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
        await admin.start()
        try:
            ours = [
                t for t in await admin.list_topics() if re.match(topic_pattern(settings.topic_namespace), t)
            ]
            described = await admin.describe_topics(ours)
        finally:
            await admin.close()
        assert {len(t["partitions"]) for t in described} == {3}, "topics recreated without their partitions"
    finally:
        broker.stop()
