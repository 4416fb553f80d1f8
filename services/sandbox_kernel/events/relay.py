"""The outbox relay: publishes committed events to Kafka, at least once, in commit order per key.

It reads pending rows in ``seq`` order, sends them with ``acks="all"``, and marks a row delivered only once
the broker that acknowledged it is known to still hold it: the acknowledgements must come from the same
broker incarnation (Kafka cluster id; the embedded broker gets a new one on every start) before and after
the send. While the broker is away it retries with capped exponential backoff; a restarted service finds the
pending rows again.

A new incarnation — met while busy, while idle (a probe every second) or at start — resets the producer and
the topic cache, recreates the topics with the configured partitions, and rewinds the retained log
(``OutboxLog.rewind``) so every retained event is published again, in commit order, with its original
``id``. Health says ``degraded`` until that re-publish is done. Consumers dedupe on the CloudEvent ``id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.conn import CloseReason
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.protocol.metadata import MetadataRequest
from sqlalchemy import Row, Table
from sqlalchemy.exc import SQLAlchemyError

from ..storage import Database
from .envelope import Mode, binary_record, to_kafka_message
from .outbox import record_from_row
from .outbox_log import Backlog, OutboxLog

log = logging.getLogger("govbr_sandbox.relay")

IDLE_POLL_SECONDS = 1.0  # while idle, look at the broker this often: a restart is noticed within a second
MAX_BACKOFF_SECONDS = 5.0
PRUNE_EVERY_SECONDS = 300.0
DEFAULT_RETENTION = timedelta(days=7)


class NewIncarnation(Exception):
    """The broker that acknowledged is not the one we delivered to before: it may have lost everything."""

    def __init__(self, previous: str | None, current: str | None) -> None:
        super().__init__(f"broker incarnation changed from {previous} to {current}")
        self.current = current


@dataclass
class Republish:
    up_to_seq: int
    total: int
    started: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class FinishedRepublish:
    """The last re-publish, kept so health can show one that ended between two polls."""

    events: int
    incarnation: str | None
    finished_at: datetime
    seconds: float


@dataclass
class RelayStatus:
    broker: str = "connecting"  # connecting | ok | unreachable
    error: str | None = None
    delivered: int = 0
    last_delivery: datetime | None = None
    since: datetime = field(default_factory=lambda: datetime.now(UTC))
    incarnation: str | None = None
    republish: Republish | None = None
    republished_total: int = 0
    last_republish: FinishedRepublish | None = None


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
        retention: timedelta = DEFAULT_RETENTION,
    ) -> None:
        self.db = db
        self.table = table
        self.log = OutboxLog(db, table)
        self.bootstrap_servers = bootstrap_servers
        self.mode = mode
        self.partitions = partitions
        self.batch_size = batch_size
        self.client_id = client_id
        self.retention = retention
        self.status = RelayStatus()
        self._producer: AIOKafkaProducer | None = None
        self._known_topics: set[str] = set()
        self._partitioner = DefaultPartitioner()  # the Java client's murmur2: same key, same partition
        self._wake = asyncio.Event()
        self._connection_lost = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._last_prune = 0.0

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
        return (await self.log.backlog()).pending

    async def backlog(self) -> Backlog:
        return await self.log.backlog()

    async def replay(self, since: datetime | None = None) -> int:
        """Publish the retained log again (from ``since``), as after a broker restart; returns how many."""
        return await self._rewind(self.status.incarnation or "", since=since, everything=True)

    async def _drained(self) -> None:
        while self.status.broker == "ok" and await self.pending():
            await asyncio.sleep(0.05)

    # the loop -------------------------------------------------------------------------------------

    async def _run(self) -> None:
        backoff = 0.2
        with contextlib.suppress(Exception):  # the database may be away too: the loop retries
            await self.log.migrate()
        while not self._stopping:
            try:
                if self._connection_lost.is_set():  # see _watch_connections
                    self._connection_lost.clear()
                    await self._abort_producer()
                await self._ensure_producer()
                self._wake.clear()  # before reading: a commit during the publish must wake us again
                sent = await self._publish_batch()
                backoff = 0.2
                if self.status.error and self.status.error.startswith("database"):
                    self.status.error = None
                await self._republish_progress()
                if sent < self.batch_size:
                    await self._idle()
            except asyncio.CancelledError:
                raise
            except NewIncarnation as exc:
                await self._close_producer()  # reconnect cleanly, then _ensure_producer rewinds
                log.warning("%s; events will be published again", exc)
            except SQLAlchemyError as exc:  # the outbox's own database: say so, not "broker unreachable"
                self._database_error(exc)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            except Exception as exc:  # broker away, metadata errors: all retried
                self._set_unreachable(exc)
                await self._close_producer()
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def _idle(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
        except TimeoutError:
            await self._verify_incarnation()
            await self._maybe_prune()

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _maybe_prune(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = time.monotonic()
        pruned = await self.log.prune(self.retention)
        if pruned:
            log.info(
                "pruned %d delivered events older than %s from %s", pruned, self.retention, self.table.name
            )

    # broker incarnations -----------------------------------------------------------------------------

    async def _cluster_id(self) -> str:
        """The Kafka cluster id of the broker we are talking to (one cheap metadata request, no topics)."""
        assert self._producer is not None
        client = self._producer.client
        node = client.get_random_node()
        if node is None:
            raise ConnectionError("no broker known")
        response = await asyncio.wait_for(client.send(node, MetadataRequest([], False)), 5.0)
        return getattr(response, "cluster_id", None) or "kafka"

    async def _same_incarnation(self, expected: str | None) -> str:
        current = await self._cluster_id()
        if current != expected:
            raise NewIncarnation(expected, current)
        return current

    async def _verify_incarnation(self) -> None:
        current = await self._same_incarnation(self.status.incarnation)
        if self._known_topics:  # a broker that kept its id but lost topics lost their records too
            await asyncio.wait_for(self._producer.client.fetch_all_metadata(), 5.0)  # type: ignore[union-attr]  # only called while the producer is connected
            present = self._producer.client.cluster.topics()  # type: ignore[union-attr]  # only called while the producer is connected
            if not self._known_topics <= present:
                missing = ", ".join(sorted(self._known_topics - present))
                log.warning("topics vanished from the broker (%s); publishing them again", missing)
                self._known_topics.clear()
                await self._rewind(current, everything=True)

    async def _rewind(self, current: str, *, since: datetime | None = None, everything: bool = False) -> int:
        target = "" if everything else current  # "" matches no incarnation: rewind all delivered rows
        up_to = await self.log.last_seq()
        count = await self.log.rewind(target, since=since)
        if count:
            self.status.republish = Republish(up_to_seq=up_to, total=count)
            log.warning(
                "re-publishing %d retained events from %s to broker %s (incarnation %s)",
                count,
                self.table.name,
                self.bootstrap_servers,
                current,
            )
            self._wake.set()
        return count

    async def _republish_progress(self) -> None:
        republish = self.status.republish
        if republish is None or await self.log.pending_up_to(republish.up_to_seq):
            return
        seconds = time.monotonic() - republish.started
        self.status.republish = None
        self.status.republished_total += republish.total
        self.status.last_republish = FinishedRepublish(
            events=republish.total,
            incarnation=self.status.incarnation,
            finished_at=datetime.now(UTC),
            seconds=round(seconds, 3),
        )
        log.warning(
            "re-publishing finished: %d events from %s in %.1fs", republish.total, self.table.name, seconds
        )

    # producer ----------------------------------------------------------------------------------------

    async def _ensure_producer(self) -> None:
        if self._producer is not None:
            return
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            acks="all",
            enable_idempotence=False,  # the embedded broker has no idempotent producer
            linger_ms=2,
            max_batch_size=256 * 1024,  # a relay batch per partition usually fits in one record batch
            request_timeout_ms=10_000,
            retry_backoff_ms=200,
        )
        self._watch_connections(producer)
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer
        self._known_topics.clear()  # a new incarnation comes back empty: create the topics again
        try:
            current = await self._cluster_id()
            await self._rewind(current)  # anything delivered to another incarnation goes out again
        except BaseException:
            await self._close_producer()
            raise
        if self.status.broker != "ok":
            log.info(
                "broker %s reachable (cluster %s); publishing the outbox", self.bootstrap_servers, current
            )
        self.status.incarnation = current
        self.status.broker, self.status.error, self.status.since = "ok", None, datetime.now(UTC)

    def _watch_connections(self, producer: AIOKafkaProducer) -> None:
        """Hear of a broken broker connection at once, before aiokafka reconnects by itself.

        aiokafka retries in-flight batches on a new connection to the same address, which after a broker
        restart is a new, empty broker: those copies would land ahead of the re-published log. aiokafka has no
        public hook for this; its client calls ``_on_connection_closed`` for every connection it opens.
        """
        client = producer.client
        notify = client._on_connection_closed

        def on_closed(conn, reason) -> None:
            if reason == CloseReason.CONNECTION_BROKEN:
                self._connection_lost.set()
                self._wake.set()  # idle too: drop the producer before its metadata refresh reaches a new broker
            notify(conn, reason)

        client._on_connection_closed = on_closed

    async def _abort_producer(self) -> None:
        """Close without flushing: ``stop()`` would first deliver the in-flight batches, to whoever answers now."""
        producer, self._producer = self._producer, None
        if producer is None:
            return
        with contextlib.suppress(Exception):
            await producer._sender.close()  # private: aiokafka has no close-without-flush
        with contextlib.suppress(Exception):
            await producer.stop()

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    def _database_error(self, exc: SQLAlchemyError) -> None:
        cause = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        if self.status.error != f"database: {cause}":
            log.error("outbox %s: database error (%s); retrying, nothing is lost", self.table.name, cause)
        self.status.error = f"database: {cause}"

    def _set_unreachable(self, exc: BaseException) -> None:
        error = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        if self.status.broker != "unreachable" or self.status.error != error:
            log.warning(
                "broker %s unreachable (%s); events stay in the outbox", self.bootstrap_servers, error
            )
        self.status.broker, self.status.error, self.status.since = "unreachable", error, datetime.now(UTC)

    # publishing ------------------------------------------------------------------------------------------

    async def _publish_batch(self) -> int:
        rows = await self.log.pending_batch(self.batch_size)
        if not rows:
            return 0
        incarnation = self.status.incarnation
        # Checked before sending (so a new, empty broker gets the rewound log first, in order) and after
        # (acknowledged by whom? only the incarnation we checked counts as holding the rows).
        await self._same_incarnation(incarnation)
        await self._ensure_topics({row.topic for row in rows})
        outcome = await self._send(rows)
        await self._same_incarnation(incarnation)

        # A key whose event failed keeps its later events undelivered too, so they are re-sent after it.
        delivered, failed_keys, first_error = [], set(), None
        for row in rows:
            result = outcome[row.seq]
            if isinstance(result, BaseException) or row.key in failed_keys:
                failed_keys.add(row.key)
                first_error = first_error or result
            else:
                delivered.append(row.seq)
        retried = [row.seq for row in rows if row.key in failed_keys]
        await self.log.settle(delivered, retried, incarnation or "")
        self.status.delivered += len(delivered)
        self.status.last_delivery = datetime.now(UTC)
        if isinstance(first_error, BaseException):
            raise first_error
        return len(rows)

    async def _send(self, rows) -> dict[int, object]:
        """Send rows as whole record batches: partitions in parallel, each partition's batches one after the
        other, in seq order. A partition stops at its first failure (the rest get that error), so a batch
        never lands after one that failed before it, and a retry never puts a key's events out of order.

        Batches skip aiokafka's per-message bookkeeping, which is most of the relay's cost per event.
        Returns each row's outcome (metadata or the exception).
        """
        producer = self._producer
        assert producer is not None
        by_partition: dict[tuple[str, int], list] = {}
        partitions_of: dict[str, list[int]] = {}
        for row in rows:
            partitions = partitions_of.get(row.topic)
            if partitions is None:
                partitions = partitions_of[row.topic] = sorted(await producer.partitions_for(row.topic))
            partition = self._partitioner(row.key.encode(), partitions, partitions)
            by_partition.setdefault((row.topic, partition), []).append(row)
        outcomes: dict[int, object] = {}
        sending = asyncio.ensure_future(
            asyncio.gather(
                *(self._send_partition(producer, t, p, g, outcomes) for (t, p), g in by_partition.items())
            )
        )
        lost = asyncio.ensure_future(self._connection_lost.wait())
        waiters: set[asyncio.Future[Any]] = {sending, lost}
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        lost.cancel()
        if not sending.done():  # the broker went away mid-batch: nothing of it may follow us to the next one
            sending.cancel()
            await self._abort_producer()
            with contextlib.suppress(BaseException):
                await sending
            raise ConnectionError("broker connection lost with a batch in flight; it will be sent again")
        return outcomes

    async def _send_partition(self, producer, topic: str, partition: int, rows: list, outcomes: dict) -> None:
        for chunk, batch in self._batches(producer, rows):
            try:
                metadata = await (await producer.send_batch(batch, topic, partition=partition))
            except Exception as exc:
                outcomes.update((row.seq, exc) for row in rows if row.seq not in outcomes)
                return
            outcomes.update((row.seq, metadata) for row in chunk)

    def _batches(self, producer, rows: list):
        """(rows, record batch) pairs, each batch as full as the producer allows."""
        batch, chunk = producer.create_batch(), list[Row]()
        for row in rows:
            record = record_from_row(row)
            if self.mode == "binary":
                headers, value = binary_record(record)
            else:
                message = to_kafka_message(record, self.mode)
                headers, value = list(message.headers.items()), message.value
            fields = {"timestamp": None, "key": row.key.encode(), "value": value, "headers": headers}
            if batch.append(**fields) is None:  # batch full: ship it, start the next
                yield chunk, batch
                batch, chunk = producer.create_batch(), []
                batch.append(**fields)
            chunk.append(row)
        yield chunk, batch

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
                if self._producer is not None:  # its partition map must be the new topics', not a stale one
                    await self._producer.client.force_metadata_update()
        finally:
            await admin.close()
        self._known_topics |= missing
