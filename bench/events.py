"""Events from commit to consumer: throughput and latency through the real outbox, relay and broker.

    python bench/events.py [--events 10000] [--per-tx 100] [--database-url postgresql+asyncpg://...]

Runs on SQLite and, side by side, on PostgreSQL (the local one at 127.0.0.1:5432 if it answers).

Commits ``--events`` ping events in transactions of ``--per-tx``, through the same Outbox and OutboxRelay
the services use, to the embedded broker (or KAFKA_BOOTSTRAP_SERVERS), while an EventReader consumes.
Latency is measured from each transaction's commit to the moment the consumer polled the event.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import socket
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import MetaData

from sandbox_kernel.broker import EmbeddedBroker
from sandbox_kernel.events.models.common import PingReceived
from sandbox_kernel.events.outbox import Outbox, outbox_table
from sandbox_kernel.events.reader import EventReader
from sandbox_kernel.events.relay import OutboxRelay
from sandbox_kernel.events.topics import topic_pattern
from sandbox_kernel.storage import Database, normalize_database_url
from sandbox_kernel.testing.processes import free_port


async def run(total: int, per_tx: int, rate: float, database_url: str | None, bootstrap: str) -> dict:
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    tmp = Path(tempfile.mkdtemp())
    url = normalize_database_url(database_url) if database_url else f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    db = Database(url)
    metadata = MetaData()
    table = outbox_table(metadata, f"bench{uuid.uuid4().hex[:6]}")
    await db.create_schema(metadata)
    outbox = Outbox("login", table, namespace)
    relay = OutboxRelay(db, table, bootstrap)
    relay.start()

    committed_at: dict[str, float] = {}
    # The consumer is another process, as a real consumer application would be.
    parent, child = multiprocessing.Pipe()
    consumer = multiprocessing.get_context("spawn").Process(
        target=consume, args=(bootstrap, namespace, total + 1, child), daemon=True
    )
    consumer.start()
    async with db.sessionmaker() as session, session.begin():
        warm = outbox.emit(session, PingReceived(message="warm-up"), key="warm")
    relay.wake()
    await asyncio.to_thread(parent.recv)  # consumer ready and warm-up seen: topic exists, partitions assigned

    start = time.perf_counter()
    wall_start = time.time()
    for i in range(0, total, per_tx):
        ids = []
        async with db.sessionmaker() as session, session.begin():
            for j in range(i, min(i + per_tx, total)):
                ids.append(outbox.emit(session, PingReceived(message=f"#{j}"), key=f"k{j % 16}"))
        now = time.time()
        for event_id in ids:
            committed_at[event_id] = now
        relay.wake()
        if rate:  # paced: offer `rate` events/s, to read latency below saturation
            await asyncio.sleep(max(0.0, start + (i + per_tx) / rate - time.perf_counter()))
    commit_seconds = time.perf_counter() - start
    received_at: dict[str, float] = await asyncio.wait_for(asyncio.to_thread(parent.recv), 300)
    received_at.pop(warm, None)
    consumer.join(10)
    elapsed = max(received_at.values()) - wall_start
    await relay.stop()
    await db.dispose()

    latencies = sorted((received_at[i] - committed_at[i]) * 1000 for i in committed_at)
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"backend            {db.backend}")
    offered = f"offered at {rate:,.0f} events/s" if rate else "as fast as possible"
    print(f"events             {total} ({per_tx} per transaction, {offered})")
    print(f"commit rate        {total / commit_seconds:,.0f} events/s (writing to the outbox alone)")
    print(f"commit → consumer  {total / elapsed:,.0f} events/s end to end")
    print(f"latency p50        {p50:.1f} ms")
    print(f"latency p99        {p99:.1f} ms")
    print(f"latency max        {latencies[-1]:.1f} ms")
    print()
    await _drop(url, table.name)
    return {"throughput": total / elapsed, "p50": p50, "p99": p99}


async def _drop(url: str, name: str) -> None:
    if not url.startswith("postgresql"):
        return
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
    await db.dispose()


def consume(bootstrap: str, namespace: str, expected: int, conn) -> None:
    async def read() -> dict[str, float]:
        received: dict[str, float] = {}
        async with EventReader(bootstrap, topic_pattern(namespace), from_beginning=True) as reader:
            async for batch in reader.batches(poll_ms=20):
                for item in batch:
                    received.setdefault(item.event.get_id(), item.received_at)
                if len(received) == 1 and not ready:
                    ready.append(True)
                    conn.send("ready")
                if len(received) >= expected:
                    return received
        return received

    ready: list[bool] = []
    conn.send(asyncio.run(read()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--per-tx", type=int, default=100)
    parser.add_argument("--rate", type=float, default=1000, help="paced run's offered events/s (0: skip)")
    parser.add_argument(
        "--database-url",
        action="append",
        help="a PostgreSQL URL to compare with SQLite (default: SANDBOX_DATABASE_URL, "
        "SANDBOX_TEST_DATABASE_URL or the local postgresql://postgres@127.0.0.1:5432/test if it answers)",
    )
    args = parser.parse_args()
    backends: list[str | None] = [None, *(args.database_url or _postgres_url())]
    print("target: ≥ 10,000 events/s and p99 < 50 ms from commit to consumer, on SQLite and PostgreSQL\n")
    results = []
    with contextlib.ExitStack() as stack:
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            bootstrap = stack.enter_context(EmbeddedBroker("127.0.0.1", free_port())).bootstrap_servers
        for url in backends:
            full = asyncio.run(run(args.events, args.per_tx, 0, url, bootstrap))
            paced = (
                asyncio.run(run(args.events, max(1, args.per_tx // 10), args.rate, url, bootstrap))
                if args.rate
                else None
            )
            results.append(("postgresql" if url else "sqlite", full, paced))
    print(f"{'backend':<12}{'full rate events/s':>20}{'p99 (full)':>12}{'paced p50':>12}{'paced p99':>12}")
    for name, full, paced in results:
        p50 = f"{paced['p50']:.1f} ms" if paced else "-"
        p99 = f"{paced['p99']:.1f} ms" if paced else "-"
        print(f"{name:<12}{full['throughput']:>20,.0f}{full['p99']:>9.1f} ms{p50:>12}{p99:>12}")


def _postgres_url() -> list[str]:
    for url in (os.environ.get("SANDBOX_DATABASE_URL"), os.environ.get("SANDBOX_TEST_DATABASE_URL")):
        if url:
            return [url]
    local = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return [local]
    except OSError:
        return []


if __name__ == "__main__":
    main()
