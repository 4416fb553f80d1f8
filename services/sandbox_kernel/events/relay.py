"""The outbox relay: publishes committed events to Kafka, at least once, in commit order per key.

It reads undelivered rows in ``seq`` order, sends them with ``acks="all"``, and marks a row delivered only
after the broker acknowledged it. While the broker is away it retries with capped exponential backoff;
a restarted service simply finds the undelivered rows again. Consumers dedupe on the CloudEvent ``id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner
from sqlalchemy import Table, func, select, update

from ..storage import Database
from .envelope import Mode, to_kafka_message
from .outbox import record_from_row

log = logging.getLogger("govbr_sandbox.relay")

IDLE_POLL_SECONDS = 1.0  # safety net: a commit normally wakes the relay at once
HEALTH_PROBE_SECONDS = 5.0  # while idle, check the broker so health does not lie
MAX_BACKOFF_SECONDS = 5.0


@dataclass
class RelayStatus:
    broker: str = "connecting"  # connecting | ok | unreachable
    error: str | None = None
    delivered: int = 0
    last_delivery: datetime | None = None
    since: datetime = field(default_factory=lambda: datetime.now(UTC))


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        table: Table,
        bootstrap_servers: str,
        *,
        mode: Mode = "binary",
        partitions: int = 1,
        batch_size: int = 500,
        client_id: str = "govbr-sandbox",
    ) -> None:
        self.db = db
        self.table = table
        self.bootstrap_servers = bootstrap_servers
        self.mode = mode
        self.partitions = partitions
        self.batch_size = batch_size
        self.client_id = client_id
        self.status = RelayStatus()
        self._producer: AIOKafkaProducer | None = None
        self._known_topics: set[str] = set()
        self._partitioner = DefaultPartitioner()  # the Java client's murmur2: same key, same partition
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    # lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay:{self.table.name}")

    def wake(self) -> None:
        """Called after a commit that added events, so they go out without waiting for the poll."""
        self._wake.set()

    async def stop(self, drain_seconds: float = 2.0) -> None:
        """Stop after a short best-effort drain; whatever is left stays in the outbox for next time."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._drained(), drain_seconds)
        self._stopping = True
        self._wake.set()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._close_producer()

    async def pending(self) -> int:
        async with self.db.session() as session:
            query = select(func.count()).select_from(self.table).where(self.table.c.delivered_at.is_(None))
            return (await session.execute(query)).scalar_one()

    async def _drained(self) -> None:
        while self.status.broker == "ok" and await self.pending():
            await asyncio.sleep(0.05)

    # the loop -------------------------------------------------------------------------------------

    async def _run(self) -> None:
        backoff = 0.2
        while not self._stopping:
            try:
                await self._ensure_producer()
                self._wake.clear()  # before reading: a commit during the publish must wake us again
                sent = await self._publish_batch()
                backoff = 0.2
                if sent < self.batch_size:
                    await self._idle()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker away, metadata errors, DB hiccups: all retried
                self._set_unreachable(exc)
                await self._close_producer()
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def _idle(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
        except TimeoutError:
            if (datetime.now(UTC) - self.status.since).total_seconds() > HEALTH_PROBE_SECONDS:
                await self._probe()

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _probe(self) -> None:
        assert self._producer is not None
        await asyncio.wait_for(self._producer.client.fetch_all_metadata(), 3.0)
        self.status.since = datetime.now(UTC)

    async def _ensure_producer(self) -> None:
        if self._producer is not None:
            return
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            acks="all",
            enable_idempotence=False,  # the embedded broker has no idempotent producer
            linger_ms=2,
            request_timeout_ms=10_000,
            retry_backoff_ms=200,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer
        self._known_topics.clear()  # an in-memory broker may have come back empty
        if self.status.broker != "ok":
            log.info("broker %s reachable; publishing the outbox", self.bootstrap_servers)
        self.status.broker, self.status.error, self.status.since = "ok", None, datetime.now(UTC)

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    def _set_unreachable(self, exc: BaseException) -> None:
        error = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        if self.status.broker != "unreachable" or self.status.error != error:
            log.warning(
                "broker %s unreachable (%s); events stay in the outbox", self.bootstrap_servers, error
            )
        self.status.broker, self.status.error, self.status.since = "unreachable", error, datetime.now(UTC)

    async def _publish_batch(self) -> int:
        t = self.table
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(t).where(t.c.delivered_at.is_(None)).order_by(t.c.seq).limit(self.batch_size)
                )
            ).all()
        if not rows:
            return 0
        await self._ensure_topics({row.topic for row in rows})
        outcome = await self._send(rows)

        # A key whose event failed keeps its later events undelivered too, so they are re-sent after it.
        delivered, failed_keys, first_error = [], set(), None
        for row in rows:
            result = outcome[row.seq]
            if isinstance(result, BaseException) or row.key in failed_keys:
                failed_keys.add(row.key)
                first_error = first_error or result
            else:
                delivered.append(row.seq)
        now = datetime.now(UTC)
        async with self.db.writing(), self.db.session() as session, session.begin():
            if delivered:
                await session.execute(update(t).where(t.c.seq.in_(delivered)).values(delivered_at=now))
            if failed_keys:
                retried = [row.seq for row in rows if row.key in failed_keys]
                await session.execute(update(t).where(t.c.seq.in_(retried)).values(attempts=t.c.attempts + 1))
        self.status.delivered += len(delivered)
        self.status.last_delivery = now
        if isinstance(first_error, BaseException):
            raise first_error
        return len(rows)

    async def _send(self, rows) -> dict[int, object]:
        """Send rows as whole record batches, one partition at a time, in seq order within each partition.

        Batches skip aiokafka's per-message bookkeeping, which is most of the relay's cost per event.
        Returns each row's outcome (metadata or the exception).
        """
        producer = self._producer
        assert producer is not None
        by_partition: dict[tuple[str, int], list] = {}
        for row in rows:
            partitions = sorted(await producer.partitions_for(row.topic))
            partition = self._partitioner(row.key.encode(), partitions, partitions)
            by_partition.setdefault((row.topic, partition), []).append(row)
        pending: list[tuple[list, asyncio.Future]] = []
        for (topic, partition), group in by_partition.items():
            batch, chunk = producer.create_batch(), []
            for row in group:
                message = to_kafka_message(record_from_row(row), self.mode)
                fields = {
                    "timestamp": None,
                    "key": row.key.encode(),
                    "value": message.value,
                    "headers": list(message.headers.items()),
                }
                if batch.append(**fields) is None:  # batch full: ship it, start the next
                    pending.append((chunk, await producer.send_batch(batch, topic, partition=partition)))
                    batch, chunk = producer.create_batch(), []
                    batch.append(**fields)
                chunk.append(row)
            pending.append((chunk, await producer.send_batch(batch, topic, partition=partition)))
        results = await asyncio.gather(*(future for _, future in pending), return_exceptions=True)
        return {row.seq: result for (chunk, _), result in zip(pending, results, strict=True) for row in chunk}

    async def _ensure_topics(self, topics: set[str]) -> None:
        missing = topics - self._known_topics
        if not missing:
            return
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers, client_id=self.client_id)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            to_create = [NewTopic(name, self.partitions, 1) for name in missing - existing]
            if to_create:
                try:
                    await admin.create_topics(to_create)
                    log.info("created topics %s", ", ".join(sorted(n.name for n in to_create)))
                except TopicAlreadyExistsError:
                    pass
        finally:
            await admin.close()
        self._known_topics |= missing
