"""login_mock's tables (prefixed ``login_``). Codes and session ids are stored hashed: a database dump
does not hand out working credentials."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sandbox_kernel.clock import clock

metadata = MetaData()


def now(ente: str | None = None) -> datetime:
    """The ente's virtual time (``govbr-sandbox clock advance``); real UTC for ``None``."""
    return clock.now(ente)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


class Base(DeclarativeBase):
    metadata = metadata


class AuthorizationRow(Base):
    """An /authorize request waiting for the user to log in and consent."""

    __tablename__ = "login_authorizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128))
    request: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A browser's gov.br session (cookie), so a logged-in user is not asked again."""

    __tablename__ = "login_sessions"

    id_hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    cpf: Mapped[str] = mapped_column(String(11))
    auth_time: Mapped[int] = mapped_column(Integer)
    amr: Mapped[list] = mapped_column(JSON)
    clients: Mapped[list] = mapped_column(JSON, default=list)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConsentRow(Base):
    __tablename__ = "login_consents"

    cpf: Mapped[str] = mapped_column(String(11), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    scopes: Mapped[list] = mapped_column(JSON)


class CodeRow(Base):
    __tablename__ = "login_codes"

    code_hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128), index=True)
    ente: Mapped[str | None] = mapped_column(String(7))
    cpf: Mapped[str] = mapped_column(String(11))
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    scopes: Mapped[list] = mapped_column(JSON)
    nonce: Mapped[str | None] = mapped_column(String(512))
    auth_time: Mapped[int] = mapped_column(Integer)
    amr: Mapped[list] = mapped_column(JSON)
    session: Mapped[str] = mapped_column(String(64))  # the login session id the events are keyed by
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    """Issued access tokens, so a replayed code can revoke what it produced."""

    __tablename__ = "login_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(80), index=True)
    client_id: Mapped[str] = mapped_column(String(128))
    cpf: Mapped[str] = mapped_column(String(11))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
