"""The Tramita mock's tables (all prefixed ``tramita_``) and small helpers around them.

Component bytes are not here: they live in files under ``<data dir>/tramita/`` (see ``blobs.py``); the
database records which (trâmite, protocolo, hash) arrived and which the recipient downloaded. A
component counts as received only when its row says so, and the row is written after the verified
file is in place, so a crash mid-upload never leaves a half component counted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from sandbox_kernel.clock import clock

metadata = MetaData()

ID_TYPE = BigInteger().with_variant(Integer, "sqlite")

counters = Table(
    "tramita_counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

nres = Table(
    "tramita_nres",
    metadata,
    Column("nre", String(16), primary_key=True),
    Column("protocolo", String(64), nullable=False),
    Column("sender_system", String(64), nullable=False),
    Column("documentos", JSON, nullable=False),  # {"<ordem>": [hash, ...]} first seen per ordem (0047)
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tramites = Table(
    "tramita_tramites",
    metadata,
    Column("idt", ID_TYPE, primary_key=True, autoincrement=True),
    Column("nre", String(16), nullable=True, index=True),
    Column("ticket", BigInteger, nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # processo | documento
    Column("protocolo", String(64), nullable=False, index=True),
    Column("remetente_repo", Integer, nullable=False),
    Column("remetente_unit", String(32), nullable=False),
    Column("remetente_ente", String(16)),
    Column("destinatario_repo", Integer, nullable=False),
    Column("destinatario_unit", String(32), nullable=False, index=True),
    Column("destinatario_ente", String(16)),
    Column("sender_system", String(64), nullable=False, index=True),
    Column("situacao", Integer, nullable=False, index=True),
    Column("mudancas", JSON, nullable=False),
    Column("metadados", JSON, nullable=False),
    Column("apenas_pendentes", Boolean, nullable=False, default=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("recibo_envio", JSON),
    Column("recibo", JSON),
    Column("recusa", JSON),
)

components = Table(
    "tramita_components",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("idt", BigInteger, nullable=False, index=True),
    Column("ticket", BigInteger, nullable=False, index=True),
    Column("protocolo", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("tamanho", BigInteger, nullable=False),
    Column("nome", Text, nullable=False),
    Column("mime_type", String(100), nullable=False),
    Column("documento_ordem", Integer, nullable=False),
    Column("componente_ordem", Integer, nullable=False),
    Column("requested", Boolean, nullable=False),  # the sender must upload it on this trâmite
    Column("received_at", DateTime(timezone=True)),  # the platform holds the verified bytes
    Column("parts", JSON, nullable=False, default=list),  # uploaded [inicio, fim[ ranges, merged
    Column("downloaded", JSON, nullable=False, default=list),  # ranges the recipient fetched, merged
    Column("downloaded_at", DateTime(timezone=True)),
    UniqueConstraint("idt", "protocolo", "hash", name="uq_tramita_components_idt_protocolo_hash"),
    Index("ix_tramita_components_ticket_hash", "ticket", "hash"),
)


def now(ente: str | None = None) -> datetime:
    """The ente's virtual time (``govbr-sandbox clock advance``); real UTC for ``None``."""
    return clock.now(ente)


def iso(moment: datetime | None) -> str | None:
    """UTC with milliseconds and Z, the form the clients parse (``2024-04-17T10:09:19.000Z``)."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite drops the zone
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


async def next_value(session: AsyncSession, name: str, start: int) -> int:
    """A per-data-dir sequence, inside the caller's transaction."""
    current = await session.scalar(select(counters.c.value).where(counters.c.name == name).with_for_update())
    if current is None:
        await session.execute(counters.insert().values(name=name, value=start))
        return start
    await session.execute(update(counters).where(counters.c.name == name).values(value=current + 1))
    return current + 1
