"""The bad days, stored: each ente's clock offset and fault rules. The emulators read them from here.

Both tables hang off the ente with ``ON DELETE CASCADE``: removing the ente removes its clock and faults.
Counted rules are consumed here (``fire``), in one UPDATE, so two emulators never spend the same shot.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from sandbox_kernel.app import Transaction
from sandbox_kernel.clock import clock
from sandbox_kernel.events.models.faults import ClockChanged, FaultCreated, FaultRemoved
from sandbox_kernel.faults.rules import FaultSpec

from ..domain.errors import NotFound
from ..storage import Base


def _now() -> datetime:
    return datetime.now(UTC)


class ClockRow(Base):
    __tablename__ = "registry_clocks"

    ente: Mapped[str] = mapped_column(ForeignKey("registry_entes.ibge", ondelete="CASCADE"), primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class FaultRow(Base):
    __tablename__ = "registry_faults"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    ente: Mapped[str] = mapped_column(ForeignKey("registry_entes.ibge", ondelete="CASCADE"), index=True)
    service: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str | None] = mapped_column(String(64))
    effect: Mapped[str] = mapped_column(String(32))
    status: Mapped[int | None] = mapped_column(Integer)
    codigo: Mapped[str | None] = mapped_column(String(4))
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int | None] = mapped_column(Integer)
    remaining: Mapped[int | None] = mapped_column(Integer)
    probability: Mapped[float | None] = mapped_column(Float)
    client_id: Mapped[str | None] = mapped_column(String(128))
    system_id: Mapped[str | None] = mapped_column(String(64))
    persona: Mapped[str | None] = mapped_column(String(11))
    description: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # SQLite hands back naive ones


def _iso(moment: datetime) -> str:
    return _aware(moment).isoformat().replace("+00:00", "Z")


# -------------------------------------------------------------------------------------------- clock


def clock_view(ente: str, offset: float) -> dict:
    return {
        "ente": ente,
        "offset_seconds": offset,
        "now": _iso(datetime.now(UTC) + timedelta(seconds=offset)),
        "real_now": _iso(datetime.now(UTC)),
    }


async def get_offset(tx: Transaction, ente: str) -> float:
    row = await tx.session.get(ClockRow, ente)
    return row.offset_seconds if row else 0.0


async def set_offset(tx: Transaction, ente: str, offset: float) -> dict:
    row = await tx.session.get(ClockRow, ente)
    before = row.offset_seconds if row else 0.0
    if row is None:
        row = ClockRow(ente=ente, offset_seconds=offset)
        tx.session.add(row)
    else:
        row.offset_seconds, row.changed_at = offset, _now()
    view = clock_view(ente, offset)
    tx.emit(
        ClockChanged(ente=ente, offset_seconds=offset, by_seconds=offset - before, now=view["now"]),
        key=f"clock/{ente}",
        subject=f"clock/{ente}",
        ente=ente,
    )
    clock.set_offset(ente, offset)  # the registry's own reads follow at once
    return view


async def all_offsets(tx: Transaction) -> dict[str, float]:
    rows = (await tx.session.scalars(select(ClockRow))).all()
    return {r.ente: r.offset_seconds for r in rows if r.offset_seconds}


# ------------------------------------------------------------------------------------------- faults


def fault_view(row: FaultRow) -> dict:
    return {
        "id": row.id,
        "ente": row.ente,
        "service": row.service,
        "endpoint": row.endpoint,
        "effect": row.effect,
        "status": row.status,
        "codigo": row.codigo,
        "latency_ms": row.latency_ms,
        "count": row.count,
        "remaining": row.remaining,
        "probability": row.probability,
        "client_id": row.client_id,
        "system_id": row.system_id,
        "persona": row.persona,
        "description": row.description,
        "created_at": _iso(row.created_at),
        "expires_at": _iso(row.expires_at),
    }


async def create_fault(tx: Transaction, ente: str, spec: FaultSpec) -> FaultRow:
    now = _now()
    row = FaultRow(
        id="f_" + secrets.token_hex(6),
        ente=ente,
        service=spec.service,
        endpoint=spec.endpoint,
        effect=spec.effect,
        status=spec.status,
        codigo=spec.codigo,
        latency_ms=spec.latency_ms,
        count=spec.count,
        remaining=spec.count,
        probability=spec.probability,
        client_id=spec.client_id,
        system_id=spec.system_id,
        persona=spec.persona,
        description=spec.description,
        created_at=now,
        expires_at=now + timedelta(seconds=spec.expiry_seconds()),
    )
    tx.session.add(row)
    await tx.session.flush()
    view = fault_view(row)
    tx.emit(
        FaultCreated(
            rule_id=row.id,
            **{
                k: view[k]
                for k in ("ente", "service", "endpoint", "effect", "status", "count", "probability")
            },
            expires_at=view["expires_at"],
            client_id=row.client_id,
            system_id=row.system_id,
            persona=row.persona,
            description=row.description,
        ),
        key=f"fault/{row.id}",
        subject=f"fault/{row.id}",
        ente=ente,
    )
    return row


async def _drop_expired(tx: Transaction) -> None:
    expired = (await tx.session.scalars(select(FaultRow).where(FaultRow.expires_at <= _now()))).all()
    for row in expired:
        await remove_fault(tx, row, "expirada")


async def list_faults(tx: Transaction, ente: str | None = None) -> list[FaultRow]:
    await _drop_expired(tx)
    query = select(FaultRow).order_by(FaultRow.created_at, FaultRow.id)
    if ente is not None:
        query = query.where(FaultRow.ente == ente)
    return list((await tx.session.scalars(query)).all())


async def get_fault(tx: Transaction, ente: str, rule_id: str) -> FaultRow:
    row = await tx.session.get(FaultRow, rule_id)
    if row is None or row.ente != ente:
        raise NotFound(f"Regra de falha {rule_id!r} não encontrada neste ente.")
    return row


async def remove_fault(tx: Transaction, row: FaultRow, reason: str = "removida") -> None:
    await tx.session.execute(delete(FaultRow).where(FaultRow.id == row.id))
    tx.emit(
        FaultRemoved(rule_id=row.id, ente=row.ente, reason=reason),
        key=f"fault/{row.id}",
        subject=f"fault/{row.id}",
        ente=row.ente,
    )


async def fire(tx: Transaction, rule_id: str) -> dict | None:
    """Spend one shot of a rule; None when it is gone, expired or exhausted (the request goes through)."""
    row = await tx.session.get(FaultRow, rule_id)
    if row is None:
        return None
    if _aware(row.expires_at) <= _now():
        await remove_fault(tx, row, "expirada")
        return None
    if row.remaining is None:
        return {"fired": True, "remaining": None}
    result = await tx.session.execute(
        update(FaultRow)
        .where(FaultRow.id == rule_id, FaultRow.remaining > 0)
        .values(remaining=FaultRow.remaining - 1)
    )
    if result.rowcount != 1:
        return None
    await tx.session.refresh(row)
    if row.remaining == 0:
        await remove_fault(tx, row, "esgotada")
    return {"fired": True, "remaining": row.remaining}


async def load_clocks(runtime) -> None:
    """At start: the registry's own clock follows what is stored."""
    async with runtime.db.sessionmaker() as session:
        rows = (await session.scalars(select(ClockRow))).all()
    clock.set_offsets({r.ente: r.offset_seconds for r in rows})
