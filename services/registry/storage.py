"""The registry's tables (all prefixed ``registry_``). Documents the domain validates are kept as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

metadata = MetaData()


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = metadata


class EnteRow(Base):
    __tablename__ = "registry_entes"

    ibge: Mapped[str] = mapped_column(String(7), primary_key=True)
    nome: Mapped[str] = mapped_column(String(200))
    uf: Mapped[str | None] = mapped_column(String(2))
    tipo: Mapped[str] = mapped_column(String(16))
    api_key_hash: Mapped[str] = mapped_column(String(80))
    lab: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ApplicationRow(Base):
    """A login (Acesso GOV.BR) or assinatura (ITI) OAuth client of an ente."""

    __tablename__ = "registry_applications"

    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    ente: Mapped[str] = mapped_column(ForeignKey("registry_entes.ibge", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(80))
    config: Mapped[dict] = mapped_column(JSON)  # the validated LoginClient/AssinaturaClient fields
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SystemRow(Base):
    """A Tramita system (SPE) and its current client certificate."""

    __tablename__ = "registry_systems"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ente: Mapped[str] = mapped_column(ForeignKey("registry_entes.ibge", ondelete="CASCADE"), index=True)
    nome: Mapped[str] = mapped_column(String(200))
    unidades: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CertificateRow(Base):
    __tablename__ = "registry_certificates"

    fingerprint_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("registry_systems.id", ondelete="CASCADE"), index=True)
    serial: Mapped[str] = mapped_column(String(64))
    certificate_pem: Mapped[str] = mapped_column(String(8000))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PersonaRow(Base):
    __tablename__ = "registry_personas"

    cpf: Mapped[str] = mapped_column(String(11), primary_key=True)
    ente: Mapped[str | None] = mapped_column(
        ForeignKey("registry_entes.ibge", ondelete="CASCADE"), index=True
    )
    doc: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


class RepositoryRow(Base):
    __tablename__ = "registry_repositories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    nome: Mapped[str] = mapped_column(String(200))
    ativo: Mapped[bool] = mapped_column(Boolean, default=True)


class UnitRow(Base):
    __tablename__ = "registry_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    repository_id: Mapped[int] = mapped_column(ForeignKey("registry_repositories.id"), index=True)
    ente: Mapped[str | None] = mapped_column(
        ForeignKey("registry_entes.ibge", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    sigla: Mapped[str] = mapped_column(String(64))
    doc: Mapped[dict] = mapped_column(JSON)  # the domain Unit, REST shape plus sandbox fields


class CounterRow(Base):
    """Monotonic counters (unit ids) that survive restarts and work the same on SQLite and PostgreSQL."""

    __tablename__ = "registry_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
