"""Record and replay an ente's day: export its CloudEvents as JSON lines, import them into another ente.

The import gives every event a fresh id (the same old id always maps to the same new one, so duplicates of an
at-least-once stream stay duplicates), moves ``ente``, ``source``, subject and partition key to the new ente,
maps correlation ids consistently, and shifts the times so the day starts now. Types and order are kept: a team
tests its consumers against a recorded day without touching the ente it came from.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from .catalog import TYPE_PREFIX
from .envelope import EventRecord, binary_record, event_as_dict, to_kafka_message
from .reader import EventReader
from .topics import topic_for, topic_pattern

QUIET_SECONDS = 1.5  # no new event for this long after the topics were read: the export is complete


async def export_events(
    bootstrap: str, namespace: str, ente: str, since: datetime | None = None, quiet: float = QUIET_SECONDS
) -> list[dict]:
    """Every event on the ente's topics (deduplicated by id), oldest first."""
    seen: dict[str, tuple[datetime, int, dict]] = {}
    loop = asyncio.get_running_loop()
    last_news = loop.time()
    async with EventReader(bootstrap, topic_pattern(namespace, ente), from_beginning=True) as reader:
        async for batch in reader.batches(poll_ms=100):
            for item in batch:
                moment = item.event.get_time() or datetime.min.replace(tzinfo=UTC)
                if since and moment < since:
                    continue
                seen.setdefault(item.event.get_id(), (moment, len(seen), event_as_dict(item.event)))
            if batch:
                last_news = loop.time()
            elif loop.time() - last_news > quiet:
                break
    return [entry for _, _, entry in sorted(seen.values(), key=lambda e: (e[0], e[1]))]


class Mapper:
    """Consistent renaming from one ente's stream to another's."""

    def __init__(self, old: str | None, new: str) -> None:
        self.old, self.new = old, new
        self.ids: dict[str, str] = {}
        self.correlations: dict[str, str] = {}

    def text(self, value: str | None) -> str | None:
        if value is None or not self.old:
            return value
        return value.replace(self.old, self.new)

    def data(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return self.new if isinstance(value, str) and value == self.old else value

    def record(self, event: dict, shift: timedelta, namespace: str) -> EventRecord:
        service = event["type"].removeprefix(TYPE_PREFIX + ".").split(".")[0]
        moment = datetime.fromisoformat(event["time"].replace("Z", "+00:00")) + shift
        correlation = event.get("correlationid")
        if correlation:
            correlation = self.correlations.setdefault(correlation, uuid.uuid4().hex)
        return EventRecord(
            id=self.ids.setdefault(event["id"], str(uuid.uuid4())),
            topic=topic_for(service, self.new, namespace),
            key=self.text(event.get("partitionkey")) or self.new,
            type=event["type"],
            source=self.text(event["source"]) or event["source"],
            subject=self.text(event.get("subject")),
            time=moment,
            correlationid=correlation,
            ente=self.new,
            data=self.data(event.get("data") or {}),
        )


def parse_lines(lines: Iterable[str]) -> list[dict]:
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"linha {number}: JSON inválido ({exc})") from None
        missing = [k for k in ("id", "type", "source", "time") if k not in event]
        if missing:
            raise ValueError(f"linha {number}: faltam os atributos CloudEvents {', '.join(missing)}")
        events.append(event)
    return events


async def import_events(
    bootstrap: str,
    namespace: str,
    events: list[dict],
    ente: str,
    rate: float | None = None,
    mode: str = "binary",
    partitions: int = 1,
) -> int:
    """Publish ``events`` as ``ente``'s, in order; ``rate`` events per second (None: as fast as possible)."""
    if not events:
        return 0
    mapper = Mapper(events[0].get("ente"), ente)
    first = datetime.fromisoformat(events[0]["time"].replace("Z", "+00:00"))
    shift = datetime.now(UTC) - first
    records = [mapper.record(event, shift, namespace) for event in events]
    await _ensure_topics(bootstrap, {r.topic for r in records}, partitions)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for index, record in enumerate(records):
            if mode == "structured":
                message = to_kafka_message(record, "structured")
                headers, value = list(message.headers.items()), message.value
            else:
                headers, value = binary_record(record)
            await producer.send_and_wait(record.topic, value, key=record.key.encode(), headers=headers)
            if rate and index + 1 < len(events):
                await asyncio.sleep(1 / rate)
    finally:
        await producer.stop()
    return len(events)


async def _ensure_topics(bootstrap: str, topics: set[str], partitions: int) -> None:
    """The new ente's topics may not exist yet (the relay creates them the same way)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        missing = topics - set(await admin.list_topics())
        if missing:
            try:
                await admin.create_topics([NewTopic(name, partitions, 1) for name in sorted(missing)])
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()
