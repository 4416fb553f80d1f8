"""The assinatura_mock tables (all prefixed ``assinatura_``).

Codes and access tokens are stored as SHA-256 digests only: a leaked database gives no usable credential.
Citizens' private keys are kept here (PEM), next to their certificates, because the service signs with them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

metadata = MetaData()


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite drops the zone; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = metadata


class AuthorizationRow(Base):
    """One GET /oauth2.0/authorize, from the request to the code (the pages carry its id)."""

    __tablename__ = "assinatura_authorizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128), index=True)
    ente: Mapped[str | None] = mapped_column(String(16))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list] = mapped_column(JSON)
    state: Mapped[str | None] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    cpf: Mapped[str | None] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, granted, denied
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CodeRow(Base):
    __tablename__ = "assinatura_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    authorization_id: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(128))
    ente: Mapped[str | None] = mapped_column(String(16))
    cpf: Mapped[str] = mapped_column(String(11))
    scopes: Mapped[list] = mapped_column(JSON)
    redirect_uri: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    __tablename__ = "assinatura_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    authorization_id: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(128))
    ente: Mapped[str | None] = mapped_column(String(16))
    cpf: Mapped[str] = mapped_column(String(11))
    kind: Mapped[str] = mapped_column(String(24))  # sign | signature_session
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserCertificateRow(Base):
    """A citizen's certificate and key, issued on demand and reused while valid (§4.1)."""

    __tablename__ = "assinatura_certificates"

    serial: Mapped[str] = mapped_column(String(64), primary_key=True)
    cpf: Mapped[str] = mapped_column(String(11), index=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    key_pem: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
