"""Who is looking: an ente (by its API key) or the admin (by the admin token); cookie sessions and CSRF.

The key is used once, at sign-in (or on each gateway call as Bearer), checked against the registry and
never stored: the session keeps only the ente it proved. Cookies are HttpOnly and SameSite=Lax; every
form carries a CSRF token tied to the session (before sign-in: a double-submit cookie).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request

from sandbox_kernel.registry_client import RegistryUnavailable
from sandbox_kernel.secrets import hash_secret

from . import storage
from .domain.filters import Scope

SESSION_COOKIE = "console_sessao"
LOGIN_CSRF_COOKIE = "console_csrf"


@dataclass(frozen=True)
class Principal:
    admin: bool
    ente: str | None = None
    ente_nome: str | None = None
    csrf: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(admin=self.admin, ente=self.ente)

    @property
    def label(self) -> str:
        return "Administrador (todos os entes)" if self.admin else f"{self.ente_nome} ({self.ente})"


class KeyChecker:
    """Checks keys against the registry, remembering good answers for a few seconds (30 streams, one call)."""

    def __init__(self, console, admin_token: str, cache_seconds: float) -> None:
        self.console = console
        self.admin_token = admin_token
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def check(self, key: str) -> Principal | None:
        """The principal of a key, None for an unknown or revoked one. Raises RegistryUnavailable."""
        key = key.strip()
        if not key or len(key) > 300:
            return None
        if hmac.compare_digest(key.encode(), self.admin_token.encode()):
            return Principal(admin=True)
        digest = hashlib.sha256(key.encode()).hexdigest()
        hit = self._cache.get(digest)
        if hit and time.monotonic() - hit[0] < self.cache_seconds:
            return hit[1]
        ente = await self.console.registry.whoami(key)
        principal = Principal(admin=False, ente=ente["ibge"], ente_nome=ente["nome"]) if ente else None
        if len(self._cache) > 10000:
            self._cache.clear()
        self._cache[digest] = (time.monotonic(), principal)
        return principal


async def start_session(console, principal: Principal) -> str:
    """A new session; returns the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    await storage.save_session(
        console.db,
        storage.SessionRow(
            id_hash=hash_secret(token),
            admin=principal.admin,
            ente=principal.ente,
            ente_nome=principal.ente_nome,
            csrf=secrets.token_urlsafe(24),
            expires_at=datetime.now(UTC) + timedelta(hours=console.options.session_hours),
        ),
    )
    return token


async def from_session(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    row = await storage.get_session(request.app.state.console.db, hash_secret(token))
    if row is None:
        return None
    return Principal(admin=row.admin, ente=row.ente, ente_nome=row.ente_nome, csrf=row.csrf)


async def end_session(request: Request) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) <= 100:
        await storage.drop_session(request.app.state.console.db, hash_secret(token))


async def from_bearer_or_session(request: Request) -> Principal | None:
    """The gateway's caller: ``Authorization: Bearer <key>`` first, else the session cookie.

    Raises RegistryUnavailable when a Bearer key cannot be checked right now.
    """
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() == "bearer" and key.strip():
        return await request.app.state.console.keys.check(key)
    return await from_session(request)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given and hmac.compare_digest(expected.encode(), given.encode()))


__all__ = ["Principal", "KeyChecker", "RegistryUnavailable", "csrf_ok"]
