"""Who is looking: an ente (by its API key) or the admin (by the admin token); cookie sessions and CSRF.

The key is used once, at sign-in (or on each gateway call as Bearer), checked against the registry and
never stored: the session keeps only the ente it proved and the registry's ``api_key_version`` of that
key (a non-secret digest). Each use of an ente session compares it with the registry's current one (read
with the admin token, cached for a few seconds), so rotating the key or deleting the ente ends the
sessions it opened. Cookies are HttpOnly and SameSite=Lax; every form carries a CSRF token tied to the
session (before sign-in: a double-submit cookie).
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
from sandbox_kernel.secrets import bearer_credential, hash_secret

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
    key_version: str | None = None  # the registry's api_key_version of the key an ente proved

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
        principal = (
            Principal(
                admin=False,
                ente=ente["ibge"],
                ente_nome=ente["nome"],
                key_version=ente.get("api_key_version"),
            )
            if ente
            else None
        )
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
            api_key_version=principal.key_version,
        ),
    )
    return token


async def from_session(request: Request, *, check_key: bool = True) -> Principal | None:
    """The session's principal, or None (and the session dropped) when it is gone or its key was rotated.

    ``check_key``: compare an ente session with the registry's current key (raises RegistryUnavailable
    when that cannot be done now); only signing out and error pages skip it.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    console = request.app.state.console
    id_hash = hash_secret(token)
    row = await storage.get_session(console.db, id_hash)
    if row is None:
        return None
    if check_key and not row.admin:
        if not await _key_unchanged(console, row):
            await storage.drop_session(console.db, id_hash)
            return None
    return Principal(
        admin=row.admin,
        ente=row.ente,
        ente_nome=row.ente_nome,
        csrf=row.csrf,
        key_version=row.api_key_version,
    )


async def _key_unchanged(console, row: storage.SessionRow) -> bool:
    """Is the ente's key still the one that opened the session? (False for a deleted ente or a session
    from before versions were kept.) Read with the admin token; the registry client keeps the answer ~2 s
    (30 streams, one call), and a mismatch is confirmed fresh (a key just rotated, then used to sign in)."""
    if not row.ente or not row.api_key_version:
        return False
    for fresh in (False, True):
        ente = await console.registry.ente(row.ente, fresh=fresh)
        if ente is not None and ente.get("api_key_version") == row.api_key_version:
            return True
    return False


async def end_session(request: Request) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) <= 100:
        await storage.drop_session(request.app.state.console.db, hash_secret(token))


async def from_bearer_or_session(request: Request) -> Principal | None:
    """The gateway's caller: ``Authorization: Bearer <key>`` first, else the session cookie.

    Raises RegistryUnavailable when a Bearer key cannot be checked right now.
    """
    key = bearer_credential(request.headers.get("authorization"))
    if key is not None:
        return await request.app.state.console.keys.check(key)
    return await from_session(request)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given and hmac.compare_digest(expected.encode(), given.encode()))


__all__ = ["Principal", "KeyChecker", "RegistryUnavailable", "csrf_ok"]
