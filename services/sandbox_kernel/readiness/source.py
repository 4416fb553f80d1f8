"""What the judge reads: every event of one ente, from offset 0 of its topics, deduplicated by id."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition

from ..events.envelope import event_as_dict, from_kafka_record
from ..events.reader import start_consumer
from ..events.topics import topic_pattern


async def ente_events(bootstrap_servers: str, namespace: str, ente: str, timeout: float = 30.0) -> list[dict]:
    """Structured CloudEvent dicts of ``ente`` (all its services), read up to the current end of each topic."""
    pattern = topic_pattern(namespace, ente)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await start_consumer(consumer)
    try:
        topics = [t for t in await consumer.topics() if pattern.match(t)]
        partitions = [
            TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        events: dict[str, dict] = {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            positions = {tp: await consumer.position(tp) for tp in partitions}
            if all(positions[tp] >= end[tp] for tp in partitions):
                break
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batches.values():
                for record in records:
                    event = event_as_dict(from_kafka_record(record.headers, record.key, record.value))
                    events.setdefault(event["id"], event)  # at-least-once: dedupe on id
        return list(events.values())
    finally:
        await consumer.stop()
