"""The console's read model: every consumed event (deduplicated on its CloudEvent id) and the sign-in sessions.

``seq`` is the console's own cursor: assigned by the single consumer in consumption order, so "every event
after cursor N" has no gaps. Everything here can be rebuilt from the topics (see ``ingest.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sandbox_kernel.storage import Database

from .domain.events import ConsoleEvent, from_cloudevent
from .domain.filters import EventFilter, Scope

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class EventRow(Base):
    __tablename__ = "console_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    topic: Mapped[str] = mapped_column(String(255))
    ente: Mapped[str | None] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(255))
    cpf: Mapped[str | None] = mapped_column(String(11))
    ts: Mapped[float] = mapped_column(Float)  # CloudEvent time, epoch seconds (for "last T minutes")
    milestone: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)  # the structured CloudEvent JSON

    __table_args__ = (
        Index("ix_console_events_ente_seq", "ente", "seq"),
        Index("ix_console_events_key", "key"),
        Index("ix_console_events_milestone", "milestone", "ente"),
    )


class SessionRow(Base):
    __tablename__ = "console_sessions"
    id_hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    admin: Mapped[bool] = mapped_column(Boolean)
    ente: Mapped[str | None] = mapped_column(String(16))
    ente_nome: Mapped[str | None] = mapped_column(String(200))
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The registry's api_key_version of the key that opened the session (not the key): a rotation ends it.
    api_key_version: Mapped[str | None] = mapped_column(String(64))


# Columns added after console_sessions first shipped (create_all never alters a table).
ADDED_SESSION_COLUMNS = {"api_key_version": "VARCHAR(64)"}


def to_event(row: EventRow | Sequence) -> ConsoleEvent:
    seq, topic, body = (row.seq, row.topic, row.body) if isinstance(row, EventRow) else row
    return from_cloudevent(seq, topic, json.loads(body))


async def last_seq(db: Database) -> int:
    async with db.session() as session:
        return (await session.scalar(select(func.max(EventRow.seq)))) or 0


async def known_ids(db: Database, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    async with db.session() as session:
        return set((await session.scalars(select(EventRow.event_id).where(EventRow.event_id.in_(ids)))).all())


async def insert_events(db: Database, rows: list[dict]) -> None:
    if not rows:
        return
    async with db.writing(), db.sessionmaker() as session, session.begin():
        await session.execute(insert(EventRow), rows)


def _filtered(stmt, scope: Scope, flt: EventFilter):
    if not scope.admin:
        stmt = stmt.where(EventRow.ente == scope.ente)
    if flt.servico:
        stmt = stmt.where(EventRow.service == flt.servico)
    if flt.tipo:
        stmt = stmt.where(
            EventRow.type.startswith(flt.full_type_prefix, autoescape=True)
            | EventRow.type.startswith(flt.tipo, autoescape=True)
        )
    if flt.historia:
        stmt = stmt.where(EventRow.key == flt.historia)
    if flt.cpf:
        stmt = stmt.where(EventRow.cpf == flt.cpf)
    if flt.texto:
        stmt = stmt.where(func.lower(EventRow.body).contains(flt.texto.lower(), autoescape=True))
    return stmt


async def events_after(
    db: Database, scope: Scope, flt: EventFilter, cursor: int, limit: int
) -> list[ConsoleEvent]:
    """The caller's events with ``seq > cursor``, oldest first (resuming a stream)."""
    stmt = select(EventRow.seq, EventRow.topic, EventRow.body).where(EventRow.seq > cursor)
    stmt = _filtered(stmt, scope, flt).order_by(EventRow.seq).limit(limit)
    async with db.session() as session:
        rows = (await session.execute(stmt)).all()
    return [e for e in map(to_event, rows) if scope.allows(e) and flt.matches(e)]


async def latest_events(
    db: Database,
    scope: Scope,
    flt: EventFilter,
    limit: int,
    since_ts: float | None = None,
    before: int | None = None,
) -> list[ConsoleEvent]:
    """The newest ``limit`` events (optionally only newer than ``since_ts``), newest first."""
    stmt = select(EventRow.seq, EventRow.topic, EventRow.body)
    if since_ts is not None:
        stmt = stmt.where(EventRow.ts >= since_ts)
    if before is not None:
        stmt = stmt.where(EventRow.seq < before)
    stmt = _filtered(stmt, scope, flt).order_by(EventRow.seq.desc()).limit(limit)
    async with db.session() as session:
        rows = (await session.execute(stmt)).all()
    return [e for e in map(to_event, rows) if scope.allows(e) and flt.matches(e)]


async def ente_cloudevents(db: Database, ente: str, limit: int) -> list[dict]:
    """The newest ``limit`` CloudEvents (structured JSON) of one ente, oldest first: the readiness input."""
    stmt = (
        select(EventRow.seq, EventRow.topic, EventRow.body)
        .where(EventRow.ente == ente)
        .order_by(EventRow.seq.desc())
        .limit(limit)
    )
    async with db.session() as session:
        rows = (await session.execute(stmt)).all()
    return [to_event(r).cloudevent for r in reversed(rows)]


async def milestone_events(db: Database, entes: list[str]) -> list[ConsoleEvent]:
    stmt = select(EventRow.seq, EventRow.topic, EventRow.body).where(
        EventRow.milestone.is_not(None), EventRow.ente.in_(entes)
    )
    async with db.session() as session:
        return [to_event(r) for r in (await session.execute(stmt)).all()]


# sessions ------------------------------------------------------------------------------------------


async def save_session(db: Database, row: SessionRow) -> None:
    async with db.writing(), db.sessionmaker() as session, session.begin():
        await session.execute(delete(SessionRow).where(SessionRow.expires_at < datetime.now(UTC)))
        session.add(row)


async def get_session(db: Database, id_hash: str) -> SessionRow | None:
    async with db.session() as session:
        row = await session.get(SessionRow, id_hash)
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return row if expires > datetime.now(UTC) else None


async def migrate(db: Database) -> None:
    await db.add_columns(SessionRow.__tablename__, ADDED_SESSION_COLUMNS)


async def drop_session(db: Database, id_hash: str) -> None:
    async with db.writing(), db.sessionmaker() as session, session.begin():
        await session.execute(delete(SessionRow).where(SessionRow.id_hash == id_hash))
