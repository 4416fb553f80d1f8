"""Reading events back from Kafka: used by ``events tail``, the test helper and the benchmark.

It assigns partitions by hand (no consumer group), so it works the same on the embedded broker and on
a real cluster, and it picks up topics created after it started.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from cloudevents.core.v1.event import CloudEvent

from .envelope import from_kafka_record

TOPIC_REFRESH_SECONDS = 0.5


@dataclass(frozen=True)
class ReceivedEvent:
    topic: str
    partition: int
    offset: int
    key: str | None
    event: CloudEvent
    received_at: float  # time.time() when polled

    @property
    def type(self) -> str:
        return self.event.get_type()

    @property
    def data(self) -> dict:
        data = self.event.get_data()
        return data if isinstance(data, dict) else {}


async def start_consumer(consumer: AIOKafkaConsumer) -> None:
    """``consumer.start()``; stopped again when the broker cannot be reached, so that the caller's error is
    the only output (no "Unclosed AIOKafkaConsumer" at exit)."""
    try:
        await consumer.start()
    except BaseException:
        await consumer.stop()
        raise


class EventReader:
    def __init__(
        self, bootstrap_servers: str, topics: re.Pattern[str], *, from_beginning: bool = True
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topics = topics
        self.from_beginning = from_beginning
        self._consumer: AIOKafkaConsumer | None = None
        self._assigned: set[TopicPartition] = set()
        self._last_refresh = 0.0

    async def __aenter__(self) -> EventReader:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if self.from_beginning else "latest",
            metadata_max_age_ms=1000,
            fetch_max_wait_ms=10,  # the embedded broker holds fetches for the full wait
        )
        await start_consumer(self._consumer)
        try:
            await self._refresh(force=True)
        except BaseException:
            await self._consumer.stop()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    async def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_refresh < TOPIC_REFRESH_SECONDS:
            return
        self._last_refresh = now
        consumer = self._consumer
        assert consumer is not None
        # The public topics() drops partition data; the client's metadata call keeps it.
        cluster = await consumer._client.fetch_all_metadata()
        partitions = set()
        for topic in cluster.topics():
            if self.topics.match(topic):
                for p in cluster.partitions_for_topic(topic) or ():
                    partitions.add(TopicPartition(topic, p))
        new = partitions - self._assigned
        if new:
            self._assigned |= partitions
            consumer.assign(sorted(self._assigned))
            if self.from_beginning or not force:
                # a topic that appears later is read from its start: its events are all new to us
                await consumer.seek_to_beginning(*new)
            else:
                await consumer.seek_to_end(*new)

    async def end_offsets(self) -> dict[TopicPartition, int]:
        """The current end of every partition being read: where the history published so far stops."""
        assert self._consumer is not None
        return await self._consumer.end_offsets(sorted(self._assigned)) if self._assigned else {}

    async def reached(self, ends: dict[TopicPartition, int]) -> bool:
        """Whether everything up to ``ends`` (from ``end_offsets``) has been handed out."""
        assert self._consumer is not None
        return all([await self._consumer.position(tp) >= end for tp, end in ends.items()])

    async def batches(self, poll_ms: int = 200) -> AsyncIterator[list[ReceivedEvent]]:
        consumer = self._consumer
        assert consumer is not None
        while True:
            await self._refresh()
            if not self._assigned:
                await asyncio.sleep(poll_ms / 1000)
                yield []
                continue
            records = await consumer.getmany(timeout_ms=poll_ms)
            now = time.time()
            batch = []
            for tp, messages in records.items():
                for m in messages:
                    event = from_kafka_record(m.headers, m.key, m.value)
                    key = m.key.decode() if m.key else None
                    batch.append(ReceivedEvent(tp.topic, tp.partition, m.offset, key, event, now))
            yield batch

    async def __aiter__(self) -> AsyncIterator[ReceivedEvent]:
        async for batch in self.batches():
            for item in batch:
                yield item
