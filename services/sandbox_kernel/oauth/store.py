"""The authorization-code grant's tables and their atomic state changes, for any emulator.

``oauth_tables(Base, "login")`` maps ``login_oauth_codes``, ``login_oauth_tokens`` and
``login_oauth_authorizations`` on the service's own metadata. Codes are stored hashed; a code is claimed by
one UPDATE that only finds it unused, so concurrent exchanges of one code give exactly one token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from ..storage import dml_result
from .domain import (
    CodeOutcome,
    Refusal,
    TokenCheck,
    TokenRequest,
    VerifierPolicy,
    authenticate,
    aware,
    check_code,
    code_hash,
    replayed,
)


def _now() -> datetime:
    return datetime.now(UTC)


# How long an /authorize request may wait for the user to log in and consent.
AUTHORIZATION_TTL = timedelta(minutes=30)


class CodeColumns:
    """A single-use authorization code (hashed), bound to a client, redirect_uri, PKCE challenge and story."""

    code_hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    story: Mapped[str] = mapped_column(String(64), index=True)  # the partition key's story (session)
    client_id: Mapped[str] = mapped_column(String(128), index=True)
    ente: Mapped[str | None] = mapped_column(String(16))
    cpf: Mapped[str] = mapped_column(String(11))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list] = mapped_column(JSON)
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    nonce: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # what one emulator alone needs (auth_time, amr)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TokenColumns:
    """An issued access token: its id (a JWT's jti, or the hash of an opaque token), code and story."""

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(80), index=True)
    story: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(128))
    ente: Mapped[str | None] = mapped_column(String(16))
    cpf: Mapped[str] = mapped_column(String(11))
    kind: Mapped[str | None] = mapped_column(String(24))
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    id_token_jti: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthorizationColumns:
    """An /authorize request waiting for the user (login, consent); its id is the story."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128), index=True)
    ente: Mapped[str | None] = mapped_column(String(16))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list] = mapped_column(JSON)
    state: Mapped[str | None] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    cpf: Mapped[str | None] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, granted, denied, done
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    request: Mapped[dict] = mapped_column(JSON, default=dict)  # the emulator's parsed request
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class OAuthTables:
    Code: Any
    Token: Any
    Authorization: Any


def oauth_tables(base: type, prefix: str) -> OAuthTables:
    """Map the three tables on ``base`` (a service's DeclarativeBase), named ``<prefix>_oauth_*``."""
    code = type("CodeRow", (CodeColumns, base), {"__tablename__": f"{prefix}_oauth_codes"})
    token = type("TokenRow", (TokenColumns, base), {"__tablename__": f"{prefix}_oauth_tokens"})
    authorization = type(
        "AuthorizationRow", (AuthorizationColumns, base), {"__tablename__": f"{prefix}_oauth_authorizations"}
    )
    return OAuthTables(code, token, authorization)


# --- the token endpoint's state changes ----------------------------------------------------------------------


@dataclass
class Prepared:
    """A code that passed every check; still to be claimed (``redeem``) in the write transaction."""

    row: Any
    warnings: tuple[str, ...]


async def prepare(
    session: AsyncSession,
    tables: OAuthTables,
    request: TokenRequest,
    client: dict | None,
    kind: str,
    policy: VerifierPolicy = VerifierPolicy.STRICT,
    now: datetime | None = None,
) -> Prepared:
    """Client authentication and every code check, in order; raises the first Refusal."""
    refusal = authenticate(request, client, kind)
    if refusal is not None:
        raise refusal
    assert client is not None
    code = request.get("code")
    if not code:
        raise Refusal(TokenCheck.CODE_MISSING, "Parâmetro code ausente.", "o code recebido no redirect_uri")
    row = await session.get(tables.Code, code_hash(code))
    outcome: CodeOutcome = check_code(
        row,
        client["client_id"],
        request.get("redirect_uri"),
        request.get("code_verifier"),
        now or _now(),
        policy,
    )
    return Prepared(row, outcome.warnings)


async def redeem(
    session: AsyncSession, tables: OAuthTables, row: Any, now: datetime | None = None, **token: Any
):
    """Claim the code (only one UPDATE finds it unused) and record the token issued from it."""
    claimed = await session.execute(
        update(tables.Code)
        .where(tables.Code.code_hash == row.code_hash, tables.Code.used_at.is_(None))
        .values(used_at=now or _now())
    )
    if dml_result(claimed).rowcount != 1:
        raise replayed(row.story)
    token_row = tables.Token(
        code_hash=row.code_hash, story=row.story, client_id=row.client_id, ente=row.ente, cpf=row.cpf, **token
    )
    session.add(token_row)
    return token_row


async def revoke_from_code(
    session: AsyncSession, tables: OAuthTables, code: str, now: datetime | None = None
) -> int:
    """A replayed code revokes every token issued from it (RFC 6749 §4.1.2)."""
    rows = (
        await session.scalars(
            select(tables.Token).where(
                tables.Token.code_hash == code_hash(code), tables.Token.revoked_at.is_(None)
            )
        )
    ).all()
    for row in rows:
        row.revoked_at = now or _now()
    return len(rows)


def token_usable(row: Any, now: datetime | None = None) -> bool:
    return row is not None and row.revoked_at is None and aware(row.expires_at) >= (now or _now())


async def count_use(session: AsyncSession, tables: OAuthTables, token_id: str) -> int | None:
    """One more use of a limited token, atomically; None when it was used up (concurrent calls included)."""
    return (
        await session.execute(
            update(tables.Token)
            .where(tables.Token.id == token_id, tables.Token.uses < tables.Token.max_uses)
            .values(uses=tables.Token.uses + 1)
            .returning(tables.Token.uses)
        )
    ).scalar_one_or_none()


async def pending(
    session: AsyncSession, tables: OAuthTables, authorization_id: str, now: datetime | None = None
):
    """The authorization still waiting for the user, or None (unknown, finished or expired)."""
    row = await session.get(tables.Authorization, authorization_id) if authorization_id else None
    if row is None or row.status != "pending" or aware(row.expires_at) < (now or _now()):
        return None
    return row
