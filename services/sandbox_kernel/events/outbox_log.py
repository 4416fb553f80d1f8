"""The outbox as a durable log: the queries the relay, health and re-publishing run on an outbox table.

A row is *pending* while ``delivered_at`` is NULL. Delivered rows name the broker incarnation that holds
them (``delivered_to``, the Kafka cluster id) and stay for the retention window; ``rewind`` makes rows held
by another incarnation pending again, so the relay publishes them anew, in ``seq`` order, with their ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Row, Table, delete, func, or_, select, update

from ..storage import Database, dml_result
from .outbox import _ADDED_COLUMNS


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_queued_at: datetime | None

    def oldest_age_seconds(self, now: datetime | None = None) -> float | None:
        if self.oldest_queued_at is None:
            return None
        return ((now or datetime.now(UTC)) - self.oldest_queued_at).total_seconds()


class OutboxLog:
    def __init__(self, db: Database, table: Table) -> None:
        self.db = db
        self.table = table

    async def migrate(self) -> None:
        """Add the columns newer releases use to an outbox created by an older one."""
        await self.db.add_columns(self.table.name, _ADDED_COLUMNS)

    async def pending_batch(self, limit: int) -> Sequence[Row]:
        t = self.table
        async with self.db.session() as session:
            query = select(t).where(t.c.delivered_at.is_(None)).order_by(t.c.seq).limit(limit)
            return (await session.execute(query)).all()

    async def settle(self, delivered: list[int], retried: list[int], incarnation: str) -> None:
        """Mark what the broker holds as delivered to it; count an attempt on what must be sent again."""
        t = self.table
        now = datetime.now(UTC)
        async with self.db.writing(), self.db.session() as session, session.begin():
            if delivered:
                await session.execute(
                    update(t).where(t.c.seq.in_(delivered)).values(delivered_at=now, delivered_to=incarnation)
                )
            if retried:
                await session.execute(update(t).where(t.c.seq.in_(retried)).values(attempts=t.c.attempts + 1))

    async def rewind(self, incarnation: str, since: datetime | None = None) -> int:
        """Make rows delivered to any other incarnation pending again; returns how many.

        ``since`` limits it to rows committed from then on (a partial replay)."""
        t = self.table
        condition = (t.c.delivered_at.is_not(None)) & or_(
            t.c.delivered_to.is_(None), t.c.delivered_to != incarnation
        )
        if since is not None:
            condition &= t.c.queued_at >= since
        async with self.db.writing(), self.db.session() as session, session.begin():
            result = await session.execute(update(t).where(condition).values(delivered_at=None))
            return dml_result(result).rowcount or 0

    async def backlog(self) -> Backlog:
        t = self.table
        async with self.db.session() as session:
            query = select(func.count(), func.min(t.c.queued_at)).where(t.c.delivered_at.is_(None))
            count, oldest = (await session.execute(query)).one()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)  # SQLite drops the zone
        return Backlog(count, oldest)

    async def pending_up_to(self, seq: int) -> int:
        t = self.table
        async with self.db.session() as session:
            query = select(func.count()).where(t.c.delivered_at.is_(None), t.c.seq <= seq)
            return (await session.execute(query)).scalar_one()

    async def last_seq(self) -> int:
        async with self.db.session() as session:
            return (await session.execute(select(func.max(self.table.c.seq)))).scalar_one() or 0

    async def prune(self, retention: timedelta) -> int:
        """Delete delivered rows older than the retention window. Pending rows are never touched."""
        t = self.table
        cutoff = datetime.now(UTC) - retention
        async with self.db.writing(), self.db.session() as session, session.begin():
            result = await session.execute(
                delete(t).where(t.c.delivered_at.is_not(None), t.c.delivered_at < cutoff)
            )
            return dml_result(result).rowcount or 0
