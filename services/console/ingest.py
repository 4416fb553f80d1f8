"""The console's consumer: every ``[ns.]govbr.*`` topic into the read model, deduplicated on CloudEvent id.

It assigns partitions by hand (no consumer group: the embedded broker's groups are slow to join) and reads
from the beginning on every start, so the read model rebuilds itself and new topics are picked up as
they appear. A broker that goes away (or comes back empty, as the in-memory one does) is noticed: the
stream is marked paused with the reason, and the re-published events are deduplicated when it returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from sandbox_kernel.events.envelope import event_as_dict, from_kafka_record
from sandbox_kernel.events.topics import topic_pattern
from sandbox_kernel.storage import Database

from . import storage
from .domain.events import from_cloudevent
from .domain.milestones import milestone_of
from .hub import Hub

log = logging.getLogger("govbr_sandbox.console")
REFRESH_SECONDS = 1.0


class Ingest:
    def __init__(self, bootstrap_servers: str, namespace: str, db: Database, hub: Hub) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.pattern = topic_pattern(namespace)
        self.db = db
        self.hub = hub
        self.next_seq = 1
        self._task: asyncio.Task | None = None
        self._assigned: set[TopicPartition] = set()

    async def start(self) -> None:
        self.next_seq = await storage.last_seq(self.db) + 1
        self.hub.start_at(self.next_seq - 1)
        self._task = asyncio.create_task(self._run(), name="console-ingest")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                metadata_max_age_ms=1000,
                fetch_max_wait_ms=20,
                request_timeout_ms=5000,
                client_id="govbr-sandbox-console",
            )
            try:
                await asyncio.wait_for(consumer.start(), 10)
                self._assigned = set()
                await self._consume(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker away at start, or the client gave up: retry
                self._pause(exc)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await consumer.stop()

    def _pause(self, exc: BaseException) -> None:
        reason = f"broker Kafka inacessível em {self.bootstrap_servers} ({type(exc).__name__})"
        if self.hub.status.state != "pausado":
            log.warning("event stream paused: %s", reason)
        self.hub.set_status("pausado", reason)

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        last_refresh = 0.0
        while True:
            if time.monotonic() - last_refresh > REFRESH_SECONDS:
                last_refresh = time.monotonic()
                try:
                    await asyncio.wait_for(self._refresh(consumer), 5)
                    self.hub.set_status("ao_vivo")
                except (KafkaError, TimeoutError, OSError) as exc:
                    self._pause(exc)
                    await asyncio.sleep(0.5)
                    continue
            if not self._assigned:
                await asyncio.sleep(0.2)
                continue
            records = await consumer.getmany(timeout_ms=200, max_records=1000)
            if records:
                await self._store(records)

    async def _refresh(self, consumer: AIOKafkaConsumer) -> None:
        cluster = await consumer._client.fetch_all_metadata()  # public topics() drops partitions
        partitions = {
            TopicPartition(topic, p)
            for topic in cluster.topics()
            if self.pattern.match(topic)
            for p in cluster.partitions_for_topic(topic) or ()
        }
        new = partitions - self._assigned
        if new:
            self._assigned |= partitions
            consumer.assign(sorted(self._assigned))
            await consumer.seek_to_beginning(*new)

    async def _store(self, records: dict) -> None:
        parsed: list[tuple[str, dict]] = []
        for tp, messages in records.items():
            for m in messages:
                parsed.append((tp.topic, _cloudevent(tp, m)))
        known = await storage.known_ids(self.db, [ce["id"] for _, ce in parsed])
        rows, events = [], []
        for topic, ce in parsed:
            if ce["id"] in known:
                continue
            known.add(ce["id"])
            event = from_cloudevent(self.next_seq, topic, ce)
            milestone = milestone_of(event)
            rows.append(
                {
                    "seq": self.next_seq,
                    "event_id": event.id,
                    "topic": topic,
                    "ente": event.ente,
                    "service": event.service,
                    "type": event.type[:255],
                    "key": event.key[:255],
                    "cpf": event.cpf[:11] if event.cpf else None,
                    "ts": _epoch(event.time),
                    "milestone": milestone.value if milestone else None,
                    "body": json.dumps(ce, ensure_ascii=False),
                }
            )
            events.append(event)
            self.next_seq += 1
        await storage.insert_events(self.db, rows)
        self.hub.publish(events)


def _cloudevent(tp: TopicPartition, message) -> dict:
    """The structured JSON of a record; a record that is not a CloudEvent is kept raw, never dropped."""
    try:
        ce = event_as_dict(from_kafka_record(message.headers, message.key, message.value))
        if ce.get("id"):
            return ce
    except Exception:
        pass
    raw = (message.value or b"").decode(errors="replace")
    return {
        "specversion": "1.0",
        "id": f"kafka:{tp.topic}:{tp.partition}:{message.offset}",
        "type": "(registro que não é CloudEvent)",
        "source": f"kafka://{tp.topic}",
        "data": {"bruto": raw[:4000]},
    }


def _epoch(value: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return time.time()
