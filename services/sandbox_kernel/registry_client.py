"""How the emulators read the registry: over HTTP with the admin token, with a short cache.

The registry is the source of truth for clients, personas, units and system certificates. Reads are
cached for ``ttl`` seconds (default 2 s): short enough that a change made in the registry is seen almost
at once, long enough that a login flow does not ask the same thing five times.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx

from .secrets import admin_token
from .services import local_verify
from .settings import Settings


class RegistryUnavailable(Exception):
    """The registry did not answer; emulators turn this into their platform's 5xx."""


class RegistryClient:
    def __init__(
        self, settings: Settings, ttl: float = 2.0, transport: httpx.AsyncBaseTransport | None = None
    ):
        token, _ = admin_token(settings)
        self._http = httpx.AsyncClient(
            base_url=f"{settings.registry_base_url}/sandbox/registry",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10.0,
            transport=transport,
            verify=local_verify(settings),  # the registry may serve HTTPS (SANDBOX_TLS) from the sandbox root
        )
        self.ttl = ttl
        self._cache: dict[str, tuple[float, Any]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    def invalidate(self) -> None:
        self._cache.clear()

    async def _get(self, path: str, params: dict | None = None, *, fresh: bool = False) -> Any:
        """GET with cache (``fresh``: ask the registry even on a hit); ``None`` for 404."""
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        hit = self._cache.get(key)
        if hit and not fresh and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        try:
            response = await self._http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"registry inacessível: {type(exc).__name__}") from None
        if response.status_code == 404:
            value = None
        elif response.status_code >= 400:
            raise RegistryUnavailable(f"registry respondeu {response.status_code}: {response.text[:200]}")
        else:
            value = response.json()
        self._cache[key] = (time.monotonic(), value)
        return value

    async def whoami(self, key: str) -> dict | None:
        """The ente of an ente API key (``{"ibge", "nome", ...}``), or None for an unknown or revoked key.

        Asked of the registry itself (``GET /entes`` with that key as Bearer): only it knows key hashes, so a
        rotated key stops working everywhere at once.
        """
        try:
            response = await self._http.get("/entes", headers={"Authorization": f"Bearer {key}"})
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"registry inacessível: {type(exc).__name__}") from None
        if response.status_code in (401, 403):
            return None
        if response.status_code >= 400:
            raise RegistryUnavailable(f"registry respondeu {response.status_code}")
        entes = response.json()
        return entes[0] if len(entes) == 1 else None

    async def client(self, client_id: str) -> dict | None:
        """An OAuth client (login or assinatura) with its ``secret_hash``."""
        if not client_id or "/" in client_id:
            return None
        # Quoted: a client_id is whatever a client sent (control characters, '?', '#'), never a path.
        return await self._get(f"/clients/{quote(client_id, safe='')}")

    async def personas(self, ente: str | None = None, *, every_ente: bool = False) -> list[dict]:
        """Global personas plus, when ``ente`` is given, that ente's own (or all, for platform clients)."""
        everyone = await self._get("/personas") or []
        return everyone if every_ente else [p for p in everyone if p.get("ente") in (None, ente)]

    async def persona(self, cpf: str) -> dict | None:
        digits = "".join(c for c in cpf if c.isdigit())
        return await self._get(f"/personas/{digits}") if len(digits) == 11 else None

    async def patch_persona(self, cpf: str, changes: dict) -> dict:
        response = await self._http.patch(f"/personas/{cpf}", json=changes)
        response.raise_for_status()
        self.invalidate()
        return response.json()

    async def ensure_login_client(self, ente: str, spec: dict) -> str:
        """Register an Acesso GOV.BR client for a sandbox service, or give it a fresh secret; returns the secret.

        Services that are themselves gov.br clients (the ITI emulator) call this at start, so they never
        need a secret written anywhere: each start rotates it.
        """
        client_id = spec["client_id"]
        existing = await self._http.get(f"/clients/{client_id}")
        if existing.status_code == 404:
            response = await self._http.post(f"/entes/{ente}/login-clients", json=spec)
        else:
            owner = existing.json()["ente"]
            await self._http.patch(f"/entes/{owner}/login-clients/{client_id}", json=spec)
            response = await self._http.post(f"/entes/{owner}/login-clients/{client_id}/secret")
        if response.status_code >= 400:
            raise RegistryUnavailable(f"registry recusou o cliente {client_id}: {response.text[:200]}")
        self.invalidate()
        return response.json()["client_secret"]

    async def certificate_owner(self, fingerprint_sha256: str, *, fresh: bool = False) -> dict | None:
        """Who holds this certificate; ``fresh`` when a revocation must take effect at once."""
        return await self._get(f"/certificates/{fingerprint_sha256}", fresh=fresh)

    async def unit(self, unit_id: str) -> dict | None:
        return await self._get(f"/estruturas/{unit_id}") if unit_id.isdigit() else None

    async def repositories(self) -> list[dict]:
        return await self._get("/repositorios") or []

    async def search_units(self, repository_id: int, params: dict) -> dict | None:
        return await self._get(f"/repositorios/{repository_id}/estruturas", params)

    async def children(self, unit_id: str, nome: str | None = None) -> list[dict] | None:
        return await self._get(f"/estruturas/{unit_id}/filhas", {"nome": nome} if nome else None)

    async def units_of_ente(self, ente: str) -> list[dict]:
        return await self._get(f"/entes/{ente}/estruturas") or []
