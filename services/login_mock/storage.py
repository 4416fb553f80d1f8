"""login_mock's tables (prefixed ``login_``). Codes and session ids are stored hashed: a database dump
does not hand out working credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sandbox_kernel.clock import clock
from sandbox_kernel.oauth.domain import aware as aware  # re-exported: every login module reads it here
from sandbox_kernel.oauth.store import oauth_tables

metadata = MetaData()


# The ente's virtual time (``govbr-sandbox clock advance``): ``now(ente)``; real UTC for ``now()``.
now = clock.now


class Base(DeclarativeBase):
    metadata = metadata


# The authorization-code grant's tables, shared with assinatura_mock (pending requests, codes, tokens) through the kernel's OAuth core.
oauth = oauth_tables(Base, "login")
AuthorizationRow = oauth.Authorization
CodeRow = oauth.Code
TokenRow = oauth.Token


class SessionRow(Base):
    """A browser's gov.br session (cookie), so a logged-in user is not asked again."""

    __tablename__ = "login_browser_sessions"

    id_hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    cpf: Mapped[str] = mapped_column(String(11))
    auth_time: Mapped[int] = mapped_column(Integer)
    amr: Mapped[list] = mapped_column(JSON)
    clients: Mapped[list] = mapped_column(JSON, default=list)
    story_key: Mapped[str | None] = mapped_column(String(200))  # <client_id>/<story> of its last login
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConsentRow(Base):
    __tablename__ = "login_consents"

    cpf: Mapped[str] = mapped_column(String(11), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    scopes: Mapped[list] = mapped_column(JSON)
